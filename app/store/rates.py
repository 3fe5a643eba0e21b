"""Rate limits counted in the database, so every worker and host shares one count.

flask-limiter's memory storage counts per process: with two gunicorn workers a limit of
60 a minute let 120 through, and a restart forgot it. Here each limit is a fixed window
whose count lives in one row, raised by one conditional upsert: a request over the limit
changes nothing and is refused, whichever worker serves it. A window opens at a key's
first hit and the row is deleted once it has passed.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse_many
from sqlite_utils import Database

from .db import immediate, stamp, unstamp


@dataclass(frozen=True)
class Window:
    """At most `amount` hits per `seconds`."""

    amount: int
    seconds: int


def windows(text: str) -> list[Window]:
    """Read limits as flask-limiter writes them: "60 per minute;600 per hour"."""
    return [Window(item.amount, item.get_expiry()) for item in parse_many(text)]


class _Full(Exception):
    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


def hit(db: Database, scope: str, key: str, limits: list[Window], now: datetime) -> int | None:
    """Count one hit of `key` against every window; return seconds to wait if one is full.

    A full window refuses without counting, and the hits already counted in the other
    windows of this call are rolled back with it.
    """
    try:
        # A lost hit (power cut) only lets one more request through: no sync to disk needed.
        with immediate(db, durable=False):
            db.execute("DELETE FROM rate_counts WHERE until <= ?", [stamp(now)])
            for window in limits:
                # The window starts at the key's first hit, not on the clock's minute: a burst
                # gets `amount` through, never `amount` before a minute turns and again after.
                row = db.execute(
                    "INSERT INTO rate_counts (key, hits, until) VALUES (?, 1, ?)"
                    " ON CONFLICT (key) DO UPDATE SET hits = rate_counts.hits + 1"
                    " WHERE rate_counts.hits < ? RETURNING hits, until",
                    [
                        f"{scope}:{key}:{window.amount}/{window.seconds}",
                        stamp(now + timedelta(seconds=window.seconds)),
                        window.amount,
                    ],
                ).fetchone()
                if row is None or row[0] > window.amount:
                    until = db.execute(
                        "SELECT until FROM rate_counts WHERE key = ?",
                        [f"{scope}:{key}:{window.amount}/{window.seconds}"],
                    ).fetchone()
                    wait = (unstamp(until[0]) - now).total_seconds() if until else 1
                    raise _Full(max(1, math.ceil(wait)))
    except _Full as full:
        return full.wait
    return None
