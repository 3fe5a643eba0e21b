"""Mail kept in the database when no mail server is configured, for the admin to read."""

from datetime import datetime

from sqlite_utils import Database

from .db import immediate, stamp, unstamp


def add(db: Database, recipient: str, subject: str, body: str, now: datetime) -> int:
    """Keep one message; return its id."""
    with immediate(db):
        return db.execute(
            "INSERT INTO outbox (recipient, subject, body, created_at) VALUES (?, ?, ?, ?)",
            [recipient, subject, body, stamp(now)],
        ).lastrowid


def page(db: Database, before: int | None = None, size: int = 50) -> list[dict]:
    """Return up to `size` messages, newest first, older than id `before`."""
    rows = db.execute(
        "SELECT id, recipient, subject, body, created_at FROM outbox"
        " WHERE id < ? ORDER BY id DESC LIMIT ?",
        [before if before is not None else 2**62, size],
    )
    keys = ("id", "recipient", "subject", "body", "created_at")
    return [{**dict(zip(keys, r, strict=True)), "created_at": unstamp(r[4])} for r in rows]


def count(db: Database) -> int:
    """Count the messages kept."""
    return db.execute("SELECT count(*) FROM outbox").fetchone()[0]
