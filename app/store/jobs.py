"""Background jobs in the database: they survive restarts, and one worker runs each at a time.

A worker claims a job by taking its lease; a job whose lease ran out (its worker died) is
claimed again by the next worker that looks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from .db import immediate, serialize, skip_locked, stamp


@dataclass(frozen=True)
class Job:
    id: int
    kind: str
    campaign_id: int | None
    state: str
    payload: str
    done: int
    total: int
    error: str
    result: str = ""


_COLUMNS = "id, kind, campaign_id, state, payload, done, total, error, result"


def enqueue(
    db: Database,
    kind: str,
    campaign_id: int | None,
    now: datetime,
    payload: str = "",
    unique: bool = True,
) -> int:
    """Queue a job. A unique kind reuses the unfinished job of the same campaign: two
    senders of one campaign must never run at once. Other kinds (imports) always queue."""
    with immediate(db):
        where, params = _of(kind, campaign_id)
        if unique:
            serialize(db, f"jobs:{kind}:{campaign_id}")
        row = (
            unique
            and db.execute(
                f"SELECT id FROM jobs WHERE {where} AND state IN ('queued', 'running')"  # noqa: S608
                " ORDER BY id LIMIT 1",
                params,
            ).fetchone()
        )
        if row:
            return row[0]
        return db.execute(
            "INSERT INTO jobs (kind, campaign_id, payload, created_at) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            [kind, campaign_id, payload, stamp(now)],
        ).fetchone()[0]


def claim(db: Database, now: datetime, lease: timedelta) -> Job | None:
    """Take the oldest job that is queued, or running with a lapsed lease."""
    # Two hosts looking at once: each skips the job the other is taking.
    takeable = "(state = 'queued' OR (state = 'running' AND lease_until < ?))"
    with immediate(db):
        sql = (
            "UPDATE jobs SET state = 'running', lease_until = ? WHERE id = (SELECT id FROM jobs"  # noqa: S608
            f" WHERE {takeable} ORDER BY id LIMIT 1{skip_locked(db)})"
            f" AND {takeable} RETURNING {_COLUMNS}"
        )
        row = db.execute(sql, [stamp(now + lease), stamp(now), stamp(now)]).fetchone()
    return Job(*row) if row else None


def claim_this(db: Database, job_id: int, now: datetime, lease: timedelta) -> Job | None:
    """Take one given job if it is queued or its worker died; None if someone runs it."""
    with immediate(db):
        sql = (
            "UPDATE jobs SET state = 'running', lease_until = ? WHERE id = ? AND"  # noqa: S608
            f" (state = 'queued' OR (state = 'running' AND lease_until < ?)) RETURNING {_COLUMNS}"
        )
        row = db.execute(sql, [stamp(now + lease), job_id, stamp(now)]).fetchone()
    return Job(*row) if row else None


def progress(
    db: Database, job_id: int, done: int, total: int, now: datetime, lease: timedelta
) -> None:
    """Record progress and renew the lease."""
    with immediate(db, durable=False):
        db.execute(
            "UPDATE jobs SET done = ?, total = ?, lease_until = ? WHERE id = ?",
            [done, total, stamp(now + lease), job_id],
        )


def finish(db: Database, job_id: int, now: datetime, error: str = "", result: str = "") -> None:
    """End a job: done (with what it found), or failed with the error; drop its payload."""
    with immediate(db):
        db.execute(
            "UPDATE jobs SET state = ?, error = ?, result = ?, finished_at = ?,"
            " lease_until = NULL, payload = '' WHERE id = ?",
            ["failed" if error else "done", error[:1000], result, stamp(now), job_id],
        )


def get(db: Database, job_id: int) -> Job | None:
    """Return one job."""
    row = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", [job_id]).fetchone()  # noqa: S608
    return Job(*row) if row else None


def latest(db: Database, kind: str, campaign_id: int | None) -> Job | None:
    """Return the newest job of a kind for a campaign."""
    where, params = _of(kind, campaign_id)
    row = db.execute(
        f"SELECT {_COLUMNS} FROM jobs WHERE {where} ORDER BY id DESC LIMIT 1",  # noqa: S608
        params,
    ).fetchone()
    return Job(*row) if row else None


def _of(kind: str, campaign_id: int | None) -> tuple[str, list]:
    if campaign_id is None:
        return "kind = ? AND campaign_id IS NULL", [kind]
    return "kind = ? AND campaign_id = ?", [kind, campaign_id]


def save_file(db: Database, job_id: int, part: int, data: bytes) -> None:
    """Keep a file a job made (a job run again replaces it)."""
    with immediate(db):
        db.execute(
            "INSERT INTO job_files (job_id, part, data) VALUES (?, ?, ?)"
            " ON CONFLICT (job_id, part) DO UPDATE SET data = excluded.data",
            [job_id, part, data],
        )


def read_file(db: Database, job_id: int, part: int) -> bytes | None:
    """Return a file a job made, or None."""
    row = db.execute(
        "SELECT data FROM job_files WHERE job_id = ? AND part = ?", [job_id, part]
    ).fetchone()
    return bytes(row[0]) if row else None
