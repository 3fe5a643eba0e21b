"""PostgreSQL behind the small interface the store uses: execute, executemany, transactions.

Only store.db imports this module. The store writes SQL once, with `?` (or `:name`)
placeholders, and reads timestamps as the text store.db.stamp() writes; this wrapper
rewrites the placeholders for psycopg and loads timestamptz columns as that same text, so
the store's comparisons of stamps behave as they do on SQLite.
"""

import logging
import os
import re
import threading
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool

log = logging.getLogger(__name__)

# A literal (kept, its % doubled), a ?, a bare %, or a :name not part of a :: cast.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\?|%|(?<!:):([A-Za-z_]\w*)")


@lru_cache(maxsize=2048)
def pyformat(sql: str, named: bool) -> str:
    """Rewrite SQLite placeholders (`?`, or `:name` when `named`) for psycopg."""

    def sub(m: re.Match) -> str:
        found = m.group(0)
        if found[0] == "'":
            return found.replace("%", "%%")
        if found == "?":
            return "%s"
        if found == "%":
            return "%%"
        return f"%({m.group(1)})s" if named else found

    return _TOKEN.sub(sub, sql)


class StampLoader(Loader):
    """Load a timestamptz (the session's zone is UTC) as store.db.stamp() text."""

    def load(self, data) -> str:
        text = bytes(data).decode()
        day, _, clock = text.partition(" ")
        clock = clock[:-3]  # "+00"
        whole, _, fraction = clock.partition(".")
        return f"{day}T{whole}.{fraction.ljust(6, '0')}+00:00"


def _configure(conn: psycopg.Connection) -> None:
    conn.adapters.register_loader("timestamptz", StampLoader)


def open_connection(url: str) -> psycopg.Connection:
    """Open one connection outside any pool (command line, tests, migrations)."""
    conn = psycopg.connect(url, autocommit=True, options="-c TimeZone=UTC")
    _configure(conn)
    return conn


_pools: dict[tuple[int, str], ConnectionPool] = {}
_pools_lock = threading.Lock()


def pool(url: str, size: int = 10) -> ConnectionPool:
    """Return this process's pool for `url` (a forked worker opens its own)."""
    key = (os.getpid(), url)
    found = _pools.get(key)
    if found is None:
        with _pools_lock:
            found = _pools.get(key)
            if found is None:
                found = _pools[key] = ConnectionPool(
                    url,
                    min_size=1,
                    max_size=max(size, 1),
                    kwargs={"autocommit": True, "options": "-c TimeZone=UTC"},
                    configure=_configure,
                    name="kuji",
                    open=True,
                )
    return found


def close_pool(url: str) -> None:
    """Close this process's pool for `url`, if it has one."""
    with _pools_lock:
        found = _pools.pop((os.getpid(), url), None)
    if found is not None:
        found.close()


class PgDatabase:
    """One PostgreSQL connection with the methods the store calls on a sqlite-utils Database."""

    engine = "postgresql"

    def __init__(self, conn: psycopg.Connection, url: str, pooled: ConnectionPool | None = None):
        self.pg = conn
        self.url = url
        self.pooled = pooled

    @property
    def conn(self) -> "PgDatabase":
        # The store calls db.conn.executemany() and tests db.conn.close(), as on sqlite3.
        return self

    def execute(self, sql: str, params=None) -> psycopg.Cursor:
        if params is None:  # as sent: no placeholders, and a script may hold several
            return self.pg.execute(sql)
        return self.pg.execute(pyformat(sql, isinstance(params, dict)), params)

    def executemany(self, sql: str, rows) -> None:
        with self.pg.cursor() as cur:
            cur.executemany(pyformat(sql, False), rows)

    def copy_rows(self, table: str, columns: list[str], rows) -> None:
        """Load rows into a table with one COPY: one statement, however many rows, so a
        statement's triggers run once (a row at a time, a big board took an hour)."""
        listed = ", ".join(columns)
        with self.pg.cursor() as cur, cur.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    @contextmanager
    def transaction(self, durable: bool = True, lock: int | None = None):
        """BEGIN (READ COMMITTED), optionally without waiting for the WAL flush, and with a
        campaign row locked first; COMMIT, or ROLLBACK on any exception. One round trip."""
        start = "BEGIN"
        if not durable:
            start += "; SET LOCAL synchronous_commit = off"
        if lock is not None:
            start += f"; SELECT 1 FROM campaigns WHERE id = {int(lock)} FOR UPDATE"  # noqa: S608
        self.pg.execute(start)
        try:
            yield self
        except BaseException:
            self._rollback()
            raise
        self.pg.execute("COMMIT")

    @contextmanager
    def snapshot(self):
        """Read several statements as one consistent state."""
        self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield self
        finally:
            self._rollback()

    def _rollback(self) -> None:
        if self.pg.closed:
            return
        try:
            self.pg.execute("ROLLBACK")
        except psycopg.Error as exc:  # the connection broke: the pool will discard it
            log.warning("rollback failed: %s", exc)

    def release(self) -> None:
        """Give the connection back to its pool (or close it)."""
        if self.pooled is not None:
            self.pooled.putconn(self.pg)
        else:
            self.pg.close()

    def close(self) -> None:
        self.release()
