"""Draws counted per client address and campaign, inside the claim's own transaction.

A row per (campaign, address) keeps the live holds and the redraws (holds cancelled or
lapsed) of that address. The claim raises the counts with one conditional upsert, so the
limits hold across workers, hosts and restarts, on SQLite and PostgreSQL alike: never a
count read first and written after. Kiosk and invitation draws pass no address.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from .db import stamp

# "No limit" in SQL: a count never reaches it.
UNLIMITED = 2**62


@dataclass(frozen=True)
class Counted:
    """Who a draw counts against and what that address may do.

    holds: live holds at once; redraws: cancelled or lapsed holds after which the address
    waits `pause` (since its latest one) before it draws again. None means no limit.
    """

    address: str
    holds: int | None
    redraws: int | None
    pause: timedelta


def count_draw(db: Database, campaign_id: int, counted: Counted, now: datetime) -> bool:
    """Count one more live hold for the address, if its limits allow; tell whether they did."""
    since = stamp(now - counted.pause)
    row = db.execute(
        "INSERT INTO address_draws (campaign_id, address, draws, holds, redraws)"
        " VALUES (?, ?, 1, 1, 0)"
        " ON CONFLICT (campaign_id, address) DO UPDATE SET"
        " draws = address_draws.draws + 1, holds = address_draws.holds + 1"
        " WHERE address_draws.holds < ?"
        " AND (address_draws.redraws < ? OR address_draws.redrawn_at <= ?)"
        " RETURNING holds",
        [
            campaign_id,
            counted.address,
            _limit(counted.holds),
            _limit(counted.redraws),
            since,
        ],
    ).fetchone()
    # A first draw inserts with one hold: refuse it too when no hold at all is allowed.
    return row is not None and row[0] <= _limit(counted.holds)


def refuse(db: Database, campaign_id: int, counted: Counted, now: datetime) -> tuple[str, int]:
    """Count a refused draw; return why (holds or redraws) and how many were refused."""
    holds, refused = db.execute(
        "UPDATE address_draws SET refused = refused + 1, refused_at = ?"
        " WHERE campaign_id = ? AND address = ? RETURNING holds, refused",
        [stamp(now), campaign_id, counted.address],
    ).fetchone()
    return ("holds" if holds >= _limit(counted.holds) else "redraws"), refused


def end_hold(db: Database, entry_id: int, now: datetime, redraw: bool) -> None:
    """Take an ended hold off its address's live holds; a cancel or lapse is a redraw."""
    db.execute(
        "UPDATE address_draws SET holds = holds - 1, redraws = redraws + ?,"
        " redrawn_at = COALESCE(?, redrawn_at)"
        " WHERE campaign_id = (SELECT campaign_id FROM entries WHERE id = ?)"
        " AND address = (SELECT address FROM entries WHERE id = ?) AND holds > 0",
        [int(redraw), stamp(now) if redraw else None, entry_id, entry_id],
    )


@dataclass(frozen=True)
class AddressCount:
    """One address's draws in a campaign, as the admin monitor shows it."""

    address: str
    draws: int
    holds: int
    redraws: int
    refused: int
    refused_at: str | None


def refused_addresses(db: Database, campaign_id: int, limit: int = 20) -> list[AddressCount]:
    """Return the addresses refused a draw in a campaign, most refused first."""
    rows = db.execute(
        "SELECT address, draws, holds, redraws, refused, refused_at FROM address_draws"
        " WHERE campaign_id = ? AND refused > 0 ORDER BY refused DESC, address LIMIT ?",
        [campaign_id, limit],
    ).fetchall()
    return [AddressCount(*row) for row in rows]


def _limit(value: int | None) -> int:
    return UNLIMITED if value is None else int(value)
