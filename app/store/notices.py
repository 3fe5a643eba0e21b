"""Which campaigns the shop must be told about: sold out or ended, and told only once."""

from datetime import datetime

from sqlite_utils import Database

from app.lottery.settings import from_json

from .db import immediate, stamp


def due(db: Database, now: datetime) -> list[tuple[int, str]]:
    """Return the published campaigns that sold out or ended and the shop was not told of,
    each with its own shop address ("" when its condition set names none)."""
    rows = db.execute(
        "SELECT id, settings FROM campaigns WHERE published_at IS NOT NULL"
        " AND shop_notified_at IS NULL AND (free = 0 OR ended_at IS NOT NULL OR closes <= ?)"
        " ORDER BY id",
        [stamp(now)],
    )
    return [(campaign_id, from_json(settings).shop_email) for campaign_id, settings in rows]


def claim(db: Database, campaign_id: int, now: datetime) -> bool:
    """Take the one notice of a campaign: True for exactly one caller, whatever the workers."""
    with immediate(db):
        return bool(
            db.execute(
                "UPDATE campaigns SET shop_notified_at = ? WHERE id = ?"
                " AND shop_notified_at IS NULL RETURNING id",
                [stamp(now), campaign_id],
            ).fetchone()
        )


def release(db: Database, campaign_id: int) -> None:
    """Give a notice back (the mail server refused it): the next tick tries again."""
    with immediate(db):
        db.execute("UPDATE campaigns SET shop_notified_at = NULL WHERE id = ?", [campaign_id])
