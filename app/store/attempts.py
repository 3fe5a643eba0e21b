"""Failed attempts counted in the database, so a limit holds across workers and restarts.

A scope names what is being guarded ("admin-login"; later invitation logins and coupon
code guesses), a key names the thing tried (an account), and the address is the client's,
as the proxy reports it. Five failures within the window lock that key for that address
for one window from the fifth; another address is not affected.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from limits import parse
from sqlite_utils import Database

from .db import immediate, stamp, unstamp

# Failures older than this are deleted as new ones arrive.
KEEP = timedelta(days=1)


@dataclass(frozen=True)
class Rule:
    """At most `limit` failures within `window`; then a lock for `window`."""

    limit: int
    window: timedelta


def rule(text: str) -> Rule:
    """Read a limit written as flask-limiter writes it, such as "5 per 10 minutes"."""
    item = parse(text)
    return Rule(item.amount, timedelta(seconds=item.get_expiry()))


def record_failure(db: Database, scope: str, key: str, address: str, now: datetime) -> None:
    """Count one failure of `key` from `address`, and forget failures older than a day."""
    # A lost failure (a power cut) only gives one more try: no sync to disk needed.
    with immediate(db, durable=False):
        db.execute(
            "INSERT INTO attempts (scope, key, address, at) VALUES (?, ?, ?, ?)",
            [scope, key, address, stamp(now)],
        )
        db.execute("DELETE FROM attempts WHERE at < ?", [stamp(now - KEEP)])


def failures(db: Database, scope: str, key: str | None, address: str, since: datetime) -> int:
    """Count failures from `address` since `since`: of `key`, or of every key when None."""
    row = db.execute(
        "SELECT count(*) FROM attempts WHERE scope = :scope AND address = :address"
        " AND (CAST(:key AS TEXT) IS NULL OR key = :key) AND at >= :since",
        {"scope": scope, "key": key, "address": address, "since": stamp(since)},
    )
    return row.fetchone()[0]


def locked_until(
    db: Database, scope: str, key: str | None, address: str, now: datetime, limit: Rule
) -> datetime | None:
    """Return when `address` may try `key` (every key, when None) again, if locked now."""
    rows = db.execute(
        "SELECT at FROM attempts WHERE scope = :scope AND address = :address"
        " AND (CAST(:key AS TEXT) IS NULL OR key = :key) ORDER BY at DESC LIMIT :n",
        {"scope": scope, "key": key, "address": address, "n": limit.limit},
    ).fetchall()
    if len(rows) < limit.limit:
        return None
    newest, oldest = unstamp(rows[0][0]), unstamp(rows[-1][0])
    # Refused tries are never recorded, so the lock runs from the failure that filled the window.
    if newest - oldest > limit.window or now >= newest + limit.window:
        return None
    return newest + limit.window


def clear(db: Database, scope: str, key: str, address: str) -> None:
    """Forget the failures of `key` from `address` (after a success)."""
    with immediate(db, durable=False):
        db.execute(
            "DELETE FROM attempts WHERE scope = ? AND address = ? AND key = ?",
            [scope, address, key],
        )


def account_failures(db: Database, scope: str, key: str, since: datetime) -> int:
    """Count failures of `key` from every address since `since`."""
    return db.execute(
        "SELECT count(*) FROM attempts WHERE scope = ? AND key = ? AND at >= ?",
        [scope, key, stamp(since)],
    ).fetchone()[0]


def remember_success(db: Database, scope: str, key: str, address: str, now: datetime) -> None:
    """Remember that `address` signed in to `key`: it is admitted when the account is locked."""
    with immediate(db, durable=False):
        db.execute(
            "INSERT INTO known_addresses (scope, key, address, last_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (scope, key, address) DO UPDATE SET last_at = excluded.last_at",
            [scope, key, address, stamp(now)],
        )


def known(db: Database, scope: str, key: str, address: str, since: datetime) -> bool:
    """Tell whether `address` signed in to `key` since `since`."""
    return bool(
        db.execute(
            "SELECT 1 FROM known_addresses WHERE scope = ? AND key = ? AND address = ?"
            " AND last_at >= ?",
            [scope, key, address, stamp(since)],
        ).fetchone()
    )
