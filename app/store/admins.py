"""Administrator accounts."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from .db import immediate, stamp


@dataclass(frozen=True)
class Admin:
    id: int
    email: str
    password_hash: str
    session_gen: int = 0  # raised to end every session of the account


class EmailTaken(ValueError):
    """Another administrator already uses this e-mail address."""


def create(db: Database, email: str, password_hash: str, now: datetime, role: str = "admin") -> int:
    """Store a new administrator (or staff, who may only redeem); raise EmailTaken if used."""
    with immediate(db):
        row = db.execute(
            "INSERT INTO admins (email, password_hash, created_at, role) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (email) DO NOTHING RETURNING id",
            [email, password_hash, stamp(now), role],
        ).fetchone()
        if row is None:
            raise EmailTaken(email)
        return row[0]


def by_email(db: Database, email: str) -> Admin | None:
    """Return the administrator with this (normalised) e-mail address, or None."""
    row = db.execute(
        "SELECT id, email, password_hash, session_gen FROM admins WHERE email = ?", [email]
    ).fetchone()
    return Admin(*row) if row else None


def by_id(db: Database, admin_id: int) -> Admin | None:
    """Return the administrator with this id, or None."""
    row = db.execute(
        "SELECT id, email, password_hash, session_gen FROM admins WHERE id = ?", [admin_id]
    ).fetchone()
    return Admin(*row) if row else None


def signed_in(db: Database, admin_id: int, now: datetime, new_hash: str | None = None) -> None:
    """Record a sign-in, replacing the hash when its parameters were out of date."""
    with immediate(db):
        db.execute(
            "UPDATE admins SET last_login_at = ?, password_hash = coalesce(?, password_hash)"
            " WHERE id = ?",
            [stamp(now), new_hash, admin_id],
        )


def role_of(db: Database, admin_id: int) -> str | None:
    """Return an account's role: 'admin', or 'staff' (who may only redeem coupons)."""
    row = db.execute("SELECT role FROM admins WHERE id = ?", [admin_id]).fetchone()
    return row[0] if row else None


def end_sessions(db: Database, admin_id: int) -> int:
    """End every session of an account, wherever its cookie was copied; return the new one."""
    with immediate(db):
        return db.execute(
            "UPDATE admins SET session_gen = session_gen + 1 WHERE id = ? RETURNING session_gen",
            [admin_id],
        ).fetchone()[0]


def set_password(db: Database, email: str, password_hash: str) -> bool:
    """Replace an account's password and end its sessions; tell whether the account exists."""
    with immediate(db):
        return bool(
            db.execute(
                "UPDATE admins SET password_hash = ?, session_gen = session_gen + 1"
                " WHERE email = ? RETURNING id",
                [password_hash, email],
            ).fetchone()
        )


def change_password(db: Database, admin_id: int, password_hash: str) -> int:
    """Replace an account's password and end its sessions; return the new session generation."""
    with immediate(db):
        return db.execute(
            "UPDATE admins SET password_hash = ?, session_gen = session_gen + 1"
            " WHERE id = ? RETURNING session_gen",
            [password_hash, admin_id],
        ).fetchone()[0]
