"""Mail kept in the database when no mail server is configured, for the admin to read."""

from datetime import datetime

from sqlite_utils import Database

from app.lottery.contact import email_key

from .db import immediate, stamp, unstamp


def add(db: Database, recipient: str, subject: str, body: str, now: datetime) -> int:
    """Keep one message; return its id."""
    with immediate(db):
        return db.execute(
            "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            [recipient, subject, body, stamp(now)],
        ).fetchone()[0]


def page(db: Database, before: int | None = None, size: int = 50) -> list[dict]:
    """Return up to `size` messages, newest first, older than id `before`.

    Each carries `zone`: the time zone of the campaign that last invited its recipient,
    or "UTC" for mail to anyone else.
    """
    rows = db.execute(
        "SELECT id, recipient, subject, body, created_at FROM outbox"
        " WHERE id < ? ORDER BY id DESC LIMIT ?",
        [before if before is not None else 2**62, size],
    ).fetchall()
    keys = ("id", "recipient", "subject", "body", "created_at")
    return [
        {
            **dict(zip(keys, r, strict=True)),
            "created_at": unstamp(r[4]),
            "zone": _zone_of(db, r[1]),
        }
        for r in rows
    ]


def _zone_of(db: Database, recipient: str) -> str:
    row = db.execute(
        "SELECT c.timezone FROM candidates k JOIN invitations i ON i.candidate_id = k.id"
        " JOIN campaigns c ON c.id = i.campaign_id WHERE k.email_key = ?"
        " ORDER BY i.id DESC LIMIT 1",
        [email_key(recipient)],
    ).fetchone()
    return row[0] if row else "UTC"


def count(db: Database) -> int:
    """Count the messages kept."""
    return db.execute("SELECT count(*) FROM outbox").fetchone()[0]
