"""Changing a stored campaign: details, period, prizes before the first claim, closing early."""

from datetime import datetime

from sqlite_utils import Database

from app.lottery.conditions import Conditions

from .campaigns import CONDITION_COLUMNS, condition_values, lay_tiles
from .db import immediate, stamp
from .engine import return_holds


class Locked(ValueError):
    """The change needs a board nobody has drawn from yet."""


def source(db: Database, campaign_id: int) -> str:
    """Return the campaign's condition set file as stored."""
    return db.execute("SELECT conditions FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]


def has_claims(db: Database, campaign_id: int) -> bool:
    """Tell whether anyone has drawn a tile of this campaign."""
    return bool(
        db.execute("SELECT 1 FROM entries WHERE campaign_id = ? LIMIT 1", [campaign_id]).fetchone()
    )


def update_details(db: Database, campaign_id: int, c: Conditions, text: str) -> None:
    """Store new title, goods, period, hold time and zone; the draw's rules stay as they are."""
    with immediate(db):
        db.execute(
            "UPDATE campaigns SET title = ?, goods = ?, opens = ?, closes = ?, hold_minutes = ?,"
            " timezone = ?, conditions = ?, version = version + 1"
            " WHERE id = ? AND ended_at IS NULL",
            [
                c.title,
                c.goods,
                stamp(c.opens),
                stamp(c.closes),
                c.hold_minutes,
                c.zone,
                text,
                campaign_id,
            ],
        )


def replace_layout(db: Database, campaign_id: int, c: Conditions, text: str) -> None:
    """Replace prizes, tiers and tiles; raise Locked once anyone has drawn.

    The seed and its commitment stay: nothing was drawn with them yet.
    """
    with immediate(db):
        # Checked inside the write lock, so a claim cannot slip in between.
        if has_claims(db, campaign_id):
            raise Locked
        for table in ("tiles", "tiers", "prizes"):
            db.execute(f"DELETE FROM {table} WHERE campaign_id = ?", [campaign_id])  # noqa: S608
        version = db.execute("SELECT version FROM campaigns WHERE id = ?", [campaign_id])
        lay_tiles(db, campaign_id, c, version=version.fetchone()[0] + 1)
        assignments = ", ".join(f"{name.strip()} = ?" for name in CONDITION_COLUMNS.split(","))
        db.execute(
            f"UPDATE campaigns SET {assignments}, conditions = ?,"  # noqa: S608
            " version = version + 1 WHERE id = ?",
            [*condition_values(c), text, campaign_id],
        )


def open_now(db: Database, campaign_id: int, now: datetime, text: str) -> bool:
    """Move a scheduled campaign's opening to `now`; return False if it was not scheduled."""
    with immediate(db):
        return (
            db.execute(
                "UPDATE campaigns SET opens = ?, conditions = ?, version = version + 1"
                " WHERE id = ? AND opens > ? AND closes > ? AND ended_at IS NULL",
                [stamp(now), text, campaign_id, stamp(now), stamp(now)],
            ).rowcount
            == 1
        )


def close_early(db: Database, campaign_id: int, now: datetime, text: str) -> bool:
    """End the campaign now, returning live holds unconfirmed; False if it had ended."""
    with immediate(db):
        done = db.execute(
            "UPDATE campaigns SET closes = ?, ended_at = ?, conditions = ?,"
            " version = version + 1 WHERE id = ? AND ended_at IS NULL AND closes > ?",
            [stamp(now), stamp(now), text, campaign_id, stamp(now)],
        ).rowcount
        if not done:
            return False
        return_holds(db, campaign_id, now, due_by=None)
    return True
