"""The one query behind a board poll that finds nothing new."""

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class BoardState:
    version: int
    opens: str  # stamps, compared as text
    closes: str
    ended_at: str | None
    next_expiry: str | None  # the earliest hold that will lapse
    published: bool


def board_state(db: Database, slug: str) -> BoardState | None:
    """Return what decides whether a poll of this board can be answered 'nothing new'."""
    row = db.execute(
        "SELECT c.version, c.opens, c.closes, c.ended_at,"
        " (SELECT held_until FROM tiles"
        "  WHERE campaign_id = c.id AND state = 'held' ORDER BY held_until LIMIT 1),"
        " c.published_at IS NOT NULL"
        " FROM campaigns c WHERE c.slug = ?",
        [slug],
    ).fetchone()
    return BoardState(*row) if row else None


def campaign_id(db: Database, slug: str) -> int | None:
    """Return the id of the campaign at `slug`."""
    row = db.execute("SELECT id FROM campaigns WHERE slug = ?", [slug]).fetchone()
    return row[0] if row else None
