"""What the public board reads: which tiles are free, and what changed since a version."""

from sqlite_utils import Database

from .db import snapshot as read_snapshot


def snapshot(db: Database, campaign_id: int) -> tuple[int, list[int]]:
    """Return the board's version and its free tiles, read as one consistent state."""
    with read_snapshot(db):  # no other worker's commit falls in between
        version = db.execute("SELECT version FROM campaigns WHERE id = ?", [campaign_id]).fetchone()
        return version[0], free_tiles(db, campaign_id)


def page_snapshot(
    db: Database, campaign_id: int, first: int, last: int
) -> tuple[int, list[int], int]:
    """Return the board's version, its free tiles from `first` to `last`, and how many tiles
    are free on the whole board, read as one consistent state."""
    with read_snapshot(db):
        version, free = db.execute(
            "SELECT version, free FROM campaigns WHERE id = ?", [campaign_id]
        ).fetchone()
        return version, free_tiles(db, campaign_id, first, last), free


def free_tiles(
    db: Database, campaign_id: int, first: int = 1, last: int | None = None
) -> list[int]:
    """Return the numbers of the free tiles (from `first` to `last`), in order."""
    rows = db.execute(
        "SELECT no FROM tiles WHERE campaign_id = ? AND state = 'free'"
        " AND no >= ? AND (CAST(? AS INTEGER) IS NULL OR no <= ?) ORDER BY no",
        [campaign_id, first, last, last],
    )
    return [r[0] for r in rows]


def changes_since(
    db: Database,
    campaign_id: int,
    version: int,
    first: int = 1,
    last: int | None = None,
    newest: int | None = None,
) -> list[tuple[int, bool]]:
    """Return (tile, is_free) for every tile (from `first` to `last`) changed after `version`.

    `newest`, the campaign's version now, says how far behind the asker is. A board a few
    changes behind reads them by version; one far behind reads its page of tiles. Given
    both ranges in one query, SQLite scanned every tile from `first` on: 7 ms on a
    100,000-tile board for 20 changes, against 0.2 ms by version.
    """
    if newest is not None and (last is None or newest - version < last - first + 1):
        rows = db.execute(
            "SELECT no, state = 'free' FROM tiles WHERE campaign_id = ? AND version > ?"
            " ORDER BY no",
            [campaign_id, version],
        )
        high = last if last is not None else float("inf")
        return [(no, bool(free)) for no, free in rows if first <= no <= high]
    rows = db.execute(
        "SELECT no, state = 'free' FROM tiles WHERE campaign_id = ? AND version > ?"
        " AND no >= ? AND (CAST(? AS INTEGER) IS NULL OR no <= ?) ORDER BY no",
        [campaign_id, version, first, last, last],
    )
    return [(no, bool(free)) for no, free in rows]
