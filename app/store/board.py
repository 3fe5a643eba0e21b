"""What the public board reads: which tiles are free, and what changed since a version."""

from sqlite_utils import Database


def snapshot(db: Database, campaign_id: int) -> tuple[int, list[int]]:
    """Return the board's version and its free tiles, read as one consistent state."""
    db.execute("BEGIN")  # a read transaction: no other worker's commit falls in between
    try:
        version = db.execute("SELECT version FROM campaigns WHERE id = ?", [campaign_id]).fetchone()
        return version[0], free_tiles(db, campaign_id)
    finally:
        db.execute("COMMIT")


def free_tiles(db: Database, campaign_id: int) -> list[int]:
    """Return the numbers of the free tiles, in order."""
    rows = db.execute(
        "SELECT no FROM tickets WHERE campaign_id = ? AND state = 'free' ORDER BY no", [campaign_id]
    )
    return [r[0] for r in rows]


def changes_since(db: Database, campaign_id: int, version: int) -> list[tuple[int, bool]]:
    """Return (tile, is_free) for every tile changed after `version`."""
    rows = db.execute(
        "SELECT no, state = 'free' FROM tickets WHERE campaign_id = ? AND version > ? ORDER BY no",
        [campaign_id, version],
    )
    return [(no, bool(free)) for no, free in rows]
