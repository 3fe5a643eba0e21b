"""Whether a person has uncovered their draw: the outcome reaches a page only after that."""

from datetime import datetime

from sqlite_utils import Database

from .db import immediate, stamp


def reveal(db: Database, campaign_id: int, entry_id: int, now: datetime) -> bool:
    """Record that the entry's outcome was uncovered; True the first time, False after."""
    with immediate(db, durable=False):
        row = db.execute(
            "UPDATE entries SET revealed_at = ?"
            " WHERE id = ? AND campaign_id = ? AND revealed_at IS NULL RETURNING id",
            [stamp(now), entry_id, campaign_id],
        ).fetchone()
    return row is not None


def revealed(db: Database, entry_id: int) -> bool:
    """Tell whether the entry's outcome has been uncovered."""
    row = db.execute("SELECT revealed_at FROM entries WHERE id = ?", [entry_id]).fetchone()
    return bool(row and row[0])


def request_entry(
    db: Database, campaign_id: int, request_id: int, holder: str
) -> tuple[int, bool] | None:
    """Return (entry id, revealed) for a holder's batch request once drawn, else None."""
    row = db.execute(
        "SELECT e.id, e.revealed_at FROM requests r JOIN entries e ON e.id = r.entry_id"
        " WHERE r.id = ? AND r.campaign_id = ? AND r.holder = ?",
        [request_id, campaign_id, holder],
    ).fetchone()
    return (row[0], bool(row[1])) if row else None
