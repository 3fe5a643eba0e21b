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
    db = Database(conn)
    db.synchronous = _checked(synchronous)
    return db


def get_db() -> Database:
    """Return this thread's connection to the app's database, opening it once."""
    config = current_app.config
    return thread_connection(config["DATABASE"], config["SQLITE_SYNCHRONOUS"])


def thread_connection(path: str, synchronous: str, role: str = "app") -> Database:
    """Return this thread's connection for `role`, opening it once per process."""
    # A forked gunicorn worker must not share its parent's connection.
    key = (os.getpid(), path, role)
    cache = getattr(_local, "dbs", None)
    if cache is None:
        cache = _local.dbs = {}
    db = cache.get(key)
    if db is None:
        db = cache[key] = connect(path, synchronous)
    return db


@contextmanager
def immediate(db: Database, durable: bool = True):
    """Run a block as one write transaction that takes the write lock up front.

    durable=False lets the commit skip the disk sync: it still survives a killed process,
    but not a power cut. Only writes that promise nothing (holds, cancels) use it; the next
    durable commit syncs them too.
    """
    relax = not durable and getattr(db, "synchronous", "FULL") in ("FULL", "EXTRA")
    if relax:
        db.conn.execute("PRAGMA synchronous=NORMAL")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    finally:
        if relax:
            db.conn.execute(f"PRAGMA synchronous={db.synchronous}")


def backup(source: str, dest: str) -> int:
    """Copy the SQLite file `source` to `dest` as one snapshot while others write; return pages.

    One backup step reads the whole file inside one read transaction: in WAL mode a reader
    never blocks writers, whereas a backup in several steps starts over whenever another
    connection commits, and under steady claims might never finish. The copy is written
    beside `dest`, checked, and only then renamed to it.
    """
    part = dest + ".part"
    if os.path.exists(part):
        os.remove(part)
    src = sqlite3.connect(source, timeout=30)
    try:
        out = sqlite3.connect(part)
        try:
            src.backup(out, pages=-1)
            pages = out.execute("PRAGMA page_count").fetchone()[0]
            check = out.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            out.close()
    finally:
        src.close()
    if check != "ok":
        raise sqlite3.DatabaseError(f"the copy failed its check: {check}")
    os.replace(part, dest)
    return pages


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
