"""What the admin monitor reads: counts per prize value and per entry state, claims over time."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from .db import stamp

ENTRY_STATES = ("held", "confirmed", "cancelled", "expired", "lost")


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


def per_prize(db: Database, campaign_id: int) -> tuple[list[PrizeCount], int, int]:
    """Count each prize's tiles by state; return them, losing tiles drawn, losing in all."""
    # Free tiles belong to no tile until drawn: the tiers keep their counts.
    tally: dict[int | None, dict[str, int]] = {}
    for prize_id, state, n in db.execute(
        "SELECT prize_id, state, count(*) FROM tiles WHERE campaign_id = ? AND state <> 'free'"
        " GROUP BY prize_id, state",
        [campaign_id],
    ):
        tally.setdefault(prize_id, {})[state] = n
    rows = db.execute(
        "SELECT p.id, p.label, p.value, p.unit, p.count, t.free FROM prizes p"
        " JOIN tiers t ON t.campaign_id = p.campaign_id AND t.prize_id = p.id"
        " WHERE p.campaign_id = ? ORDER BY p.position",
        [campaign_id],
    ).fetchall()
    counts = [
        PrizeCount(
            label,
            value,
            unit,
            count,
            free,
            tally.get(pid, {}).get("held", 0),
            tally.get(pid, {}).get("confirmed", 0),
        )
        for pid, label, value, unit, count, free in rows
    ]
    losing = db.execute(
        "SELECT count FROM tiers WHERE campaign_id = ? AND number = 0", [campaign_id]
    ).fetchone()
    return counts, tally.get(None, {}).get("lost", 0), losing[0] if losing else 0


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


def claims_between(db: Database, campaign_id: int, edges: list[datetime]) -> list[int]:
    """Count the draws between each pair of consecutive edges (start inclusive)."""
    # Range counts on the (campaign_id, created_at) index: no per-row text work.
    query = (
        "SELECT count(*) FROM entries WHERE campaign_id = ? AND created_at >= ? AND created_at < ?"
    )
    return [
        db.execute(query, [campaign_id, stamp(a), stamp(b)]).fetchone()[0]
        for a, b in zip(edges, edges[1:], strict=False)
    ]
