"""Run background jobs and due batch draws: a thread per worker process, from the database.

Jobs outlive the process that queued them: a job whose worker died is taken up again once
its lease lapses. Tests (and `flask … send`) call run_pending() directly instead.
"""

import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask

from app import notices
from app.store import batch, get_db
from app.store import jobs as store
from app.store.db import database_now
from app.web.responses import now as app_now

log = logging.getLogger(__name__)

# kind -> handler(job, report) -> result text: report(done, total) records progress and
# renews the lease.
HANDLERS: dict[str, Callable] = {}
_started: set[int] = set()
_lock = threading.Lock()


def handler(kind: str):
    """Register the function that runs jobs of `kind`."""

    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def lease(app: Flask) -> timedelta:
    return timedelta(seconds=app.config.get("JOB_LEASE_SECONDS", 60))


def now():
    """Return the time leases are measured by: the database's, shared by every host."""
    return database_now(get_db(), app_now)


def run_pending(app: Flask, limit: int | None = None) -> int:
    """Run queued jobs (and ones whose worker died) until none is left; return how many."""
    ran = 0
    with app.app_context():
        db = get_db()
        for slug in batch.run_due(db, now()):
            log.info("batch draw", extra={"campaign": slug})
        notices.run_due(now())  # tell the shop of campaigns that sold out or ended
        while limit is None or ran < limit:
            job = store.claim(db, now(), lease(app))
            if job is None:
                break
            ran += 1
            run_one(app, job)
    return ran


def run_one(app: Flask, job: store.Job) -> None:
    """Run one claimed job and record how it ended."""
    db = get_db()
    func = HANDLERS.get(job.kind)
    if func is None:
        store.finish(db, job.id, now(), error=f"unknown job kind {job.kind!r}")
        return

    def report(done: int, total: int) -> None:
        store.progress(db, job.id, done, total, now(), lease(app))

    try:
        result = func(job, report)
    except Exception as exc:  # a job's failure is recorded, not raised in a worker thread
        log.exception("job failed", extra={"job": job.id, "kind": job.kind})
        store.finish(db, job.id, now(), error=f"{type(exc).__name__}: {exc}")
        return
    store.finish(db, job.id, now(), result=result or "")
    log.info("job done", extra={"job": job.id, "kind": job.kind})


def start_runner(app: Flask) -> None:
    """Start this process's runner thread once (gunicorn forks: one per worker)."""
    pid = os.getpid()
    if pid in _started:  # every request asks: answer without the lock once running
        return
    with _lock:
        if pid in _started:
            return
        _started.add(pid)
    interval = app.config.get("JOB_POLL_SECONDS", 1.0)

    def loop():
        while True:
            try:
                run_pending(app)
            except Exception:  # keep the runner alive; the job itself records its failure
                log.exception("job runner")
            time.sleep(interval)

    threading.Thread(target=loop, name="kuji-jobs", daemon=True).start()


def init_app(app: Flask) -> None:
    """Start the runner with the first request a server answers (never for the CLI)."""
    # The test client runs jobs itself (run_pending), so tests stay deterministic.
    if not app.config.get("JOBS_THREAD", not app.testing):
        return

    @app.before_request
    def _runner():
        start_runner(app)
