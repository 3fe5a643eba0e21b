"""One SQLite connection per worker thread, and the single write path."""

import os
import sqlite3
import threading
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import current_app
from sqlite_utils import Database

_local = threading.local()


def connect(path: str, synchronous: str = "FULL") -> Database:
    """Open a WAL-mode SQLite file with the pragmas every Kuji connection uses."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={_checked(synchronous)}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return Database(conn)


def get_db() -> Database:
    """Return this thread's connection to the app's database, opening it once."""
    path = current_app.config["DATABASE"]
    # A forked gunicorn worker must not share its parent's connection.
    key = (os.getpid(), path)
    cache = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    db = cache.get(key)
    if db is None:
        db = cache[key] = connect(path, current_app.config["SQLITE_SYNCHRONOUS"])
    return db


@contextmanager
def immediate(db: Database):
    """Run a block as one write transaction that takes the write lock up front."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


def stamp(moment: datetime) -> str:
    """Return a UTC timestamp whose text order is its time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def unstamp(text: str) -> datetime:
    """Read a timestamp written by stamp()."""
    return datetime.fromisoformat(text)


def _checked(mode: str) -> str:
    if mode.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA, not {mode!r}")
    return mode.upper()
