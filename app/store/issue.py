"""Reading the destination list page by page, and marking coupons issued."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from .db import immediate, stamp, unstamp


@dataclass(frozen=True)
class Destination:
    tile_no: int
    name: str
    postal_code: str
    address: str
    phone: str
    email: str
    coupon: str
    value: int
    unit: str
    confirmed_at: datetime
    issued_at: datetime | None


SELECT = (
    "SELECT d.tile_no, d.name, d.postal_code, d.address, d.phone, d.email, p.label, p.value,"
    " p.unit,"
    " d.confirmed_at, d.issued_at FROM destinations d JOIN prizes p ON p.id = d.prize_id"
)


def _search(query: str) -> tuple[str, list]:
    if not query:
        return "", []
    pattern = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # Case-insensitive on both engines (SQLite's LIKE is, PostgreSQL's is not).
    return (
        " AND (lower(d.name) LIKE lower(?) ESCAPE '\\'"
        " OR lower(d.email) LIKE lower(?) ESCAPE '\\')",
        [pattern, pattern],
    )


def page(
    db: Database, campaign_id: int, query: str = "", after: int = 0, size: int = 50
) -> tuple[list[Destination], bool]:
    """Return up to `size` rows after issue no. `after` matching `query`, and whether more follow.

    Keyset paging on (campaign_id, tile_no) costs the same on the last page as on the first.
    """
    where, params = _search(query)
    rows = db.execute(
        f"{SELECT} WHERE d.campaign_id = ? AND d.tile_no > ?{where}"  # noqa: S608
        " ORDER BY d.tile_no LIMIT ?",
        [campaign_id, after, *params, size + 1],
    ).fetchall()
    return [_destination(r) for r in rows[:size]], len(rows) > size


def count(db: Database, campaign_id: int, query: str = "") -> int:
    """Count the rows matching `query`."""
    where, params = _search(query)
    return db.execute(
        f"SELECT count(*) FROM destinations d WHERE d.campaign_id = ?{where}",  # noqa: S608
        [campaign_id, *params],
    ).fetchone()[0]


def issued_count(db: Database, campaign_id: int) -> int:
    """Count the coupons already marked issued."""
    return db.execute(
        "SELECT count(issued_at) FROM destinations WHERE campaign_id = ?", [campaign_id]
    ).fetchone()[0]


def batch(db: Database, campaign_id: int, number: int, size: int) -> list[Destination]:
    """Return batch `number` (from 1) of `size` destinations in issue-number order."""
    rows = db.execute(
        f"{SELECT} WHERE d.campaign_id = ? ORDER BY d.tile_no LIMIT ? OFFSET ?",  # noqa: S608
        [campaign_id, size, (number - 1) * size],
    )
    return [_destination(r) for r in rows]


def mark_issued(
    db: Database, campaign_id: int, now: datetime, numbers: list[int] | None = None
) -> list[int]:
    """Mark coupons issued (all when `numbers` is None); return the issue nos newly marked."""
    with immediate(db):
        if numbers is None:
            rows = db.execute(
                "UPDATE destinations SET issued_at = ?"
                " WHERE campaign_id = ? AND issued_at IS NULL RETURNING tile_no",
                [stamp(now), campaign_id],
            ).fetchall()
        else:
            rows = []
            for no in numbers:
                rows += db.execute(
                    "UPDATE destinations SET issued_at = ?"
                    " WHERE campaign_id = ? AND tile_no = ? AND issued_at IS NULL"
                    " RETURNING tile_no",
                    [stamp(now), campaign_id, no],
                ).fetchall()
    return sorted(r[0] for r in rows)


def _destination(r) -> Destination:
    return Destination(*r[:9], unstamp(r[9]), unstamp(r[10]) if r[10] else None)
