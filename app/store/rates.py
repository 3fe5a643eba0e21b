"""Rate limits counted in the database, so every worker and host shares one count.

flask-limiter's memory storage counts per process: with two gunicorn workers a limit of
60 a minute let 120 through, and a restart forgot it. Here each limit is a fixed window
whose count lives in one row, raised by one conditional upsert: a request over the limit
changes nothing and is refused, whichever worker serves it. A window opens at a key's
first hit; the hit after its end opens the next in the same row, and rows nobody hits again
are swept now and then.

A hit is counted either in a transaction of its own (hit()) or, where the request goes on to
write anyway (a claim, a confirm), as the first statements of that write transaction
(count_hits()), which saves a commit per limit: the counts then commit with the work, or
alone when the work is refused.
"""

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse_many
from sqlite_utils import Database

from .db import immediate, stamp, unstamp

# Rows of windows that ended are deleted at most this often per process: a row hit again
# after its end restarts in place, so the sweep only keeps the table small.
SWEEP_SECONDS = 10.0
_next_sweep = 0.0


@dataclass(frozen=True)
class Window:
    """At most `amount` hits per `seconds`."""

    amount: int
    seconds: int


@dataclass
class Hit:
    """One request's hit of a limit, to be counted by the write transaction it leads to.

    `settled` turns True once a transaction counted it (or found its window full); a hit
    left unsettled (the work was refused before, or rolled back) is counted by hit().
    """

    scope: str
    key: str
    limits: list[Window]
    settled: bool = False


class Full(Exception):
    """A window of the limit is full: wait `wait` seconds. Nothing was counted.

    `hit`: the Hit whose window was full, when count_hits() counted several.
    """

    def __init__(self, wait: int, hit: Hit | None = None):
        super().__init__(wait)
        self.wait = wait
        self.hit = hit


def windows(text: str) -> list[Window]:
    """Read limits as flask-limiter writes them: "60 per minute;600 per hour"."""
    return [Window(item.amount, item.get_expiry()) for item in parse_many(text)]


def count(db: Database, scope: str, key: str, limits: list[Window], now: datetime) -> None:
    """Count one hit of `key` against every window, inside the caller's write transaction.

    Raises Full when a window is full; the caller's transaction must then roll back the
    hits counted in the other windows (nothing else should have been written before).
    """
    moment = stamp(now)
    for window in limits:
        name = f"{scope}:{key}:{window.amount}/{window.seconds}"
        # The window starts at the key's first hit, not on the clock's minute: a burst
        # gets `amount` through, never `amount` before a minute turns and again after.
        row = db.execute(
            "INSERT INTO rate_counts (key, hits, until) VALUES (?, 1, ?)"
            " ON CONFLICT (key) DO UPDATE SET"
            " hits = CASE WHEN rate_counts.until <= ? THEN 1 ELSE rate_counts.hits + 1 END,"
            " until = CASE WHEN rate_counts.until <= ? THEN excluded.until"
            " ELSE rate_counts.until END"
            " WHERE rate_counts.until <= ? OR rate_counts.hits < ?"
            " RETURNING hits",
            [
                name,
                stamp(now + timedelta(seconds=window.seconds)),
                moment,
                moment,
                moment,
                window.amount,
            ],
        ).fetchone()
        if row is None or row[0] > window.amount:
            until = db.execute("SELECT until FROM rate_counts WHERE key = ?", [name]).fetchone()
            wait = (unstamp(until[0]) - now).total_seconds() if until else 1
            raise Full(max(1, math.ceil(wait)))


def count_hits(db: Database, hits: Sequence[Hit], now: datetime) -> None:
    """Count each hit not yet settled, first thing in the caller's write transaction.

    A full window raises Full naming its hit, which is settled (refused by its own limit:
    nothing to count later); the rollback takes back the hits counted before it, which stay
    unsettled for their routes to count alone, as if each had counted in turn. The caller
    settles every hit once its transaction commits (settle()).
    """
    for h in hits:
        if h.settled:
            continue
        try:
            count(db, h.scope, h.key, h.limits, now)
        except Full as full:
            h.settled = True
            raise Full(full.wait, h) from None


def settle(hits: Sequence[Hit]) -> None:
    """Mark hits counted by a transaction that committed."""
    for h in hits:
        h.settled = True


def hit(db: Database, scope: str, key: str, limits: list[Window], now: datetime) -> int | None:
    """Count one hit of `key` against every window; return seconds to wait if one is full.

    A full window refuses without counting, and the hits already counted in the other
    windows of this call are rolled back with it.
    """
    global _next_sweep
    try:
        # A lost hit (power cut) only lets one more request through: no sync to disk needed.
        with immediate(db, durable=False):
            if time.monotonic() >= _next_sweep:
                _next_sweep = time.monotonic() + SWEEP_SECONDS
                db.execute("DELETE FROM rate_counts WHERE until <= ?", [stamp(now)])
            count(db, scope, key, limits, now)
    except Full as full:
        return full.wait
    return None
