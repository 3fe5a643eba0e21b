"""Changing a stored campaign: details, period, prizes before the first claim, closing early."""

from datetime import datetime

from sqlite_utils import Database

from app.lottery.conditions import Conditions
from app.lottery.layout import Tile

from .campaigns import condition_values, lay_tiles
from .db import immediate, stamp


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
    """Store new title, goods, period and hold time; prizes and tiles stay as they are."""
    with immediate(db):
        db.execute(
            "UPDATE campaigns SET title = ?, goods = ?, opens = ?, closes = ?, hold_minutes = ?,"
            " conditions = ?, version = version + 1 WHERE id = ? AND ended_at IS NULL",
            [c.title, c.goods, stamp(c.opens), stamp(c.closes), c.hold_minutes, text, campaign_id],
        )


def replace_layout(
    db: Database, campaign_id: int, c: Conditions, tiles: list[Tile], text: str
) -> None:
    """Replace prizes and tiles with a new layout; raise Locked once anyone has drawn."""
    with immediate(db):
        # Checked inside the write lock, so a claim cannot slip in between.
        if has_claims(db, campaign_id):
            raise Locked
        db.execute("DELETE FROM tickets WHERE campaign_id = ?", [campaign_id])
        db.execute("DELETE FROM prizes WHERE campaign_id = ?", [campaign_id])
        version = db.execute("SELECT version FROM campaigns WHERE id = ?", [campaign_id])
        lay_tiles(db, campaign_id, c, tiles, version=version.fetchone()[0] + 1)
        db.execute(
            "UPDATE campaigns SET title = ?, goods = ?, opens = ?, closes = ?, hold_minutes = ?,"
            " losing = ?, sheets = ?, conditions = ?, version = version + 1 WHERE id = ?",
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
    due = [campaign_id]
    with immediate(db):
        done = db.execute(
            "UPDATE campaigns SET closes = ?, ended_at = ?, conditions = ?,"
            " version = version + 1 WHERE id = ? AND ended_at IS NULL AND closes > ?",
            [stamp(now), stamp(now), text, campaign_id, stamp(now)],
        ).rowcount
        if not done:
            return False
        held = "SELECT entry_id FROM tickets WHERE campaign_id = ? AND state = 'held'"
        db.execute(
            f"UPDATE entries SET state = 'expired', ended_at = ? WHERE id IN ({held})",  # noqa: S608
            [stamp(now), *due],
        )
        db.execute(
            "UPDATE tickets SET state = 'free', entry_id = NULL, held_until = NULL"
            " WHERE campaign_id = ? AND state = 'held'",
            due,
        )
    return True
