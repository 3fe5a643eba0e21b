"""The one place that knows the database engine: SQLite (a file) or PostgreSQL (a URL).

SQLite: one connection per worker thread, the single write path (BEGIN IMMEDIATE), and
checkpoints aside. PostgreSQL (DATABASE=postgresql://…): a connection from the process's
pool for each app context, READ COMMITTED transactions that lock the campaign row first
where a claim needs it, and serialization failures retried (store.pg does the talking).
The rest of the store calls execute(), immediate() and the helpers here, whichever engine.
"""

import functools
import logging
import os
import queue
import random
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from flask import current_app, g
from sqlite_utils import Database

from . import pg

log = logging.getLogger(__name__)
_local = threading.local()

# What a refused INSERT or UPDATE raises, on either engine.
IntegrityError = (sqlite3.IntegrityError, psycopg.errors.IntegrityError)
# What "the database is unavailable" looks like, on either engine.
DatabaseError = (sqlite3.Error, psycopg.Error)
# PostgreSQL's "try again": 40001 (serialization failure) and 40P01 (deadlock detected).
RETRIES = 5
_RETRIED = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)

# Copying the WAL back into the database file (a checkpoint) ends in an fsync. SQLite does it
# inside the commit that crosses 1,000 pages, so one request in a hundred waits for the disk;
# here a thread of each process does it instead, asked every CHECKPOINT_EVERY commits.
CHECKPOINT_EVERY = 100
CHECKPOINT_PASSES = 4
RESTART_PAGES = 2_000
# Should that thread fall behind, the commit that crosses this many pages checkpoints itself.
AUTOCHECKPOINT_PAGES = 10_000


def is_postgres(database: str) -> bool:
    """Tell whether the DATABASE setting names PostgreSQL (a URL) rather than a SQLite file."""
    return database.startswith(("postgresql://", "postgres://"))


def engine(db) -> str:
    """Return "sqlite" or "postgresql" for a connection from connect() or get_db()."""
    return getattr(db, "engine", "sqlite")


def connect(path: str, synchronous: str = "FULL"):
    """Open a database: a PostgreSQL URL (its own connection, outside the pool), else a
    WAL-mode SQLite file with the pragmas every Kuji connection uses."""
    if is_postgres(path):
        return pg.PgDatabase(pg.open_connection(path), path)
    conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={_checked(synchronous)}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
    db = Database(conn)
    db.synchronous = _checked(synchronous)
    db.path = path
    db.commits = 0
    return db


def get_db():
    """Return the app's database: this thread's SQLite connection, opened once, or a
    PostgreSQL connection from the pool, held until the app context ends."""
    config = current_app.config
    if not is_postgres(config["DATABASE"]):
        return thread_connection(config["DATABASE"], config["SQLITE_SYNCHRONOUS"])
    db = g.get("_kuji_db")
    if db is None:
        url = config["DATABASE"]
        pooled = pg.pool(url, int(config.get("DATABASE_POOL_SIZE", 10)))
        db = g._kuji_db = pg.PgDatabase(pooled.getconn(), url, pooled)
    return db


def _release(exc=None) -> None:
    db = g.pop("_kuji_db", None)
    if db is not None:
        db.release()


def init_app(app) -> None:
    """Give an app context's PostgreSQL connection back to the pool when the context ends."""
    app.teardown_appcontext(_release)


def close(database: str) -> None:
    """Close this process's pool for a PostgreSQL database (SQLite: nothing to do)."""
    if is_postgres(database):
        pg.close_pool(database)


@contextmanager
def borrowed(database: str, synchronous: str = "FULL", role: str = "app"):
    """Lend a connection outside an app context: this thread's SQLite connection for `role`,
    or a PostgreSQL connection from the pool for the length of the block."""
    if not is_postgres(database):
        yield thread_connection(database, synchronous, role)
        return
    with pg.pool(database).connection() as conn:
        yield pg.PgDatabase(conn, database)


def data_version(db) -> int | None:
    """Return a number that changes whenever another connection commits, if the engine has
    one (SQLite's data_version); None means "unknown: read again"."""
    if engine(db) == "postgresql":
        return None
    return db.execute("PRAGMA data_version").fetchone()[0]


@contextmanager
def snapshot(db):
    """Read a block of statements as one consistent state (a read transaction)."""
    if engine(db) == "postgresql":
        with db.snapshot():
            yield db
        return
    db.execute("BEGIN")  # deferred: no other worker's commit falls in between
    try:
        yield db
    finally:
        db.execute("COMMIT")


def stamp_param(db) -> str:
    """Return the placeholder for a stamp where nothing gives it a type (a SELECT list):
    PostgreSQL reads an untyped parameter there as text, which a timestamptz refuses."""
    return "CAST(? AS timestamptz)" if engine(db) == "postgresql" else "?"


def skip_locked(db) -> str:
    """Return the clause that makes a `SELECT … LIMIT 1` picking work skip rows another
    transaction has taken: FOR UPDATE SKIP LOCKED on PostgreSQL, nothing on SQLite (whose
    single writer already takes turns)."""
    return " FOR UPDATE SKIP LOCKED" if engine(db) == "postgresql" else ""


def serialize(db, key: str) -> None:
    """Inside a write transaction, wait for every other one that serializes on `key`.

    For a check-then-insert that no constraint can express (one unfinished job of a kind):
    a transaction-scoped advisory lock on PostgreSQL; on SQLite the write lock already is.
    """
    if engine(db) == "postgresql":
        db.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key])


def retried(func):
    """Run a function whose transaction PostgreSQL may refuse with "try again" (a deadlock
    or serialization failure) again, a bounded number of times; SQLite never refuses so."""

    @functools.wraps(func)
    def run(*args, **kwargs):
        for attempt in range(RETRIES):
            try:
                return func(*args, **kwargs)
            except _RETRIED as exc:
                if attempt == RETRIES - 1:
                    raise
                log.info("retrying %s: %s", func.__name__, exc.sqlstate)
                time.sleep(random.uniform(0, 0.005 * 2**attempt))  # noqa: S311
        raise AssertionError("unreachable")

    return run


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


_AFTER_COMMIT: list = []


def after_commit(func) -> None:
    """Call func(campaign ids) after each commit that changed those campaigns' boards."""
    _AFTER_COMMIT.append(func)


def changed(db: Database, campaign_id: int) -> None:
    """Note that this transaction changed a campaign's board (its version moved)."""
    pending = getattr(db, "changed_campaigns", None)
    if pending is None:  # a statement outside immediate(): committed already
        _committed({campaign_id})
    else:
        pending.add(campaign_id)


def _committed(campaign_ids: set[int]) -> None:
    for func in _AFTER_COMMIT:
        func(campaign_ids)


@contextmanager
def immediate(db, durable: bool = True, campaign: int | None = None):
    """Run a block as one write transaction that takes the write lock up front.

    durable=False lets the commit skip the disk sync: it still survives a killed process,
    but not a power cut. Only writes that promise nothing (holds, cancels) use it; the next
    durable commit syncs them too.

    On SQLite the write lock is the whole database's. On PostgreSQL, `campaign` names the
    campaign whose row is locked first (SELECT … FOR UPDATE): the claim path's writers of
    one campaign then take turns as they do on SQLite, and always lock in the same order.
    """
    if engine(db) == "postgresql":
        db.changed_campaigns = changes = set()
        try:
            with db.transaction(durable, campaign):
                yield db
        finally:
            db.changed_campaigns = None
        if changes:
            _committed(changes)
        return
    relax = not durable and getattr(db, "synchronous", "FULL") in ("FULL", "EXTRA")
    if relax:
        db.conn.execute("PRAGMA synchronous=NORMAL")
    db.changed_campaigns = changes = set()
    try:
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    finally:
        db.changed_campaigns = None
        if relax:
            db.conn.execute(f"PRAGMA synchronous={db.synchronous}")
    if changes:
        _committed(changes)
    if hasattr(db, "commits"):
        db.commits += 1
        if db.commits >= CHECKPOINT_EVERY:
            db.commits = 0
            _checkpoints.ask(db.path)


class _Checkpoints:
    """One thread per process that checkpoints the files it is asked to, off the request."""

    def __init__(self):
        self.pid = None
        self.queue = queue.SimpleQueue()
        self.lock = threading.Lock()

    def ask(self, path: str) -> None:
        if path == ":memory:":
            return
        if self.pid != os.getpid():  # none yet, or a forked worker that lost its parent's
            with self.lock:
                if self.pid != os.getpid():
                    self.queue = queue.SimpleQueue()
                    threading.Thread(
                        target=self._run, args=(self.queue,), name="kuji-checkpoint", daemon=True
                    ).start()
                    self.pid = os.getpid()
        self.queue.put(path)

    @staticmethod
    def _run(asked: queue.SimpleQueue) -> None:
        while True:
            paths = {asked.get()}
            while not asked.empty():  # requests that piled up meanwhile: one checkpoint each
                paths.add(asked.get_nowait())
            for path in paths:
                checkpoint(path)


_checkpoints = _Checkpoints()


def checkpoint(path: str) -> None:
    """Copy what the WAL holds back into the database file, without blocking anyone."""
    try:
        # Its own short-lived connection (a long-lived one per file would keep every test's
        # temporary database open), and never one that creates a file that has gone.
        conn = sqlite3.connect(Path(path).absolute().as_uri() + "?mode=rw", uri=True, timeout=0)
        try:
            # Writers go on meanwhile; a few more passes copy what they added, so one ends
            # with the whole log copied and the next writer can start it again from the top.
            for _ in range(CHECKPOINT_PASSES):
                busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if busy or frames == copied:
                    break
            if frames >= RESTART_PAGES:
                # Under steady writes no pass ends complete, and the log only grows: once it
                # is long, restart it if no one is writing this instant (no waiting).
                conn.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:  # busy, or the file is gone: the next one will do
        log.debug("checkpoint of %s skipped: %s", path, exc)


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
    if is_postgres(source):
        raise ValueError("PostgreSQL is backed up with pg_dump")
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


def database_now(db, clock) -> datetime:
    """Return the time by the database's clock, which every app host's leases agree on.

    An SQLite file lives on this machine, so its clock is the app's (`clock`, which tests
    set); a database server answers with its own, whatever each host's clock says.
    """
    if isinstance(db, Database):
        return clock()
    # As text in stamp()'s form, whatever type adapters the connection has.
    text = db.execute(
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
        ' \'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"\')'
    ).fetchone()[0]
    return datetime.fromisoformat(text)


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
