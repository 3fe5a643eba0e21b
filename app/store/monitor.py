"""What the admin monitor reads: counts per prize value and per entry state, claims over time."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from .db import stamp

ENTRY_STATES = ("held", "confirmed", "cancelled", "expired", "lost")
# Prefix lengths of a stamp() text: 2026-12-10T12:34 (minute), …T12 (hour), 2026-12-10 (day).
BUCKETS = {"minute": 16, "hour": 13, "day": 10}


@dataclass(frozen=True)
class PrizeCount:
    label: str
    value: int
    unit: str
    count: int
    free: int
    held: int
    confirmed: int


def signal(db: Database, campaign_id: int) -> tuple:
    """Return a cheap fingerprint that changes whenever the monitor's figures do.

    The board version moves on every hold, cancel and expiry; a confirmation only
    adds a destination row, so the newest destination id is the second signal.
    """
    return db.execute(
        "SELECT c.version, c.ended_at, c.closes, c.opens,"
        " (SELECT max(id) FROM destinations WHERE campaign_id = c.id)"
        " FROM campaigns c WHERE c.id = ?",
        [campaign_id],
    ).fetchone()


def per_prize(db: Database, campaign_id: int) -> list[PrizeCount]:
    """Count each prize's tiles by state, in the order of the condition set."""
    rows = db.execute(
        "SELECT p.label, p.value, p.unit, p.count,"
        " sum(t.state = 'free'), sum(t.state = 'held'), sum(t.state = 'confirmed')"
        " FROM prizes p JOIN tickets t ON t.campaign_id = p.campaign_id AND t.prize_id = p.id"
        " WHERE p.campaign_id = ? GROUP BY p.id ORDER BY p.position",
        [campaign_id],
    )
    return [PrizeCount(*r) for r in rows]


def losing(db: Database, campaign_id: int) -> tuple[int, int]:
    """Return (losing tiles drawn, losing tiles in all)."""
    drawn, total = db.execute(
        "SELECT sum(state = 'lost'), count(*) FROM tickets"
        " WHERE campaign_id = ? AND prize_id IS NULL",
        [campaign_id],
    ).fetchone()
    return drawn or 0, total


def entry_states(db: Database, campaign_id: int) -> dict[str, int]:
    """Count draws by what became of them: held, confirmed, cancelled, expired, lost."""
    rows = db.execute(
        "SELECT state, count(*) FROM entries WHERE campaign_id = ? GROUP BY state",
        [campaign_id],
    )
    return {**dict.fromkeys(ENTRY_STATES, 0), **dict(rows.fetchall())}


def claims_since(db: Database, campaign_id: int, since: datetime) -> int:
    """Count the draws made at or after `since`."""
    return db.execute(
        "SELECT count(*) FROM entries WHERE campaign_id = ? AND created_at >= ?",
        [campaign_id, stamp(since)],
    ).fetchone()[0]


def claims_per(
    db: Database, campaign_id: int, bucket: str, start: datetime, end: datetime
) -> list[tuple[str, int]]:
    """Count draws per minute, hour or day between start and end; return (prefix, n)."""
    width = BUCKETS[bucket]
    return db.execute(
        f"SELECT substr(created_at, 1, {width:d}) AS b, count(*) FROM entries"  # noqa: S608
        " WHERE campaign_id = ? AND created_at >= ? AND created_at < ? GROUP BY b ORDER BY b",
        [campaign_id, stamp(start), stamp(end + timedelta(microseconds=1))],
    ).fetchall()
