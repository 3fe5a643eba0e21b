"""Copy a SQLite campaign database into a fresh PostgreSQL one: every table, ids kept."""

import sqlite3

from .db import connect
from .schema import applied, migrate, names

CHUNK = 1000


class CopyRefused(Exception):
    """The copy cannot start: `reason` says why (nothing was written)."""


def tables_in_order(conn: sqlite3.Connection) -> list[str]:
    """Return the SQLite file's tables, each after the tables its foreign keys point to."""
    tables = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    after = {t: {r[2] for r in conn.execute(f"PRAGMA foreign_key_list({t})")} - {t} for t in tables}
    ordered: list[str] = []
    while len(ordered) < len(tables):
        ready = [t for t in tables if t not in ordered and after[t] <= set(ordered)]
        if not ready:
            raise CopyRefused(
                f"foreign keys form a cycle among {sorted(set(tables) - set(ordered))}"
            )
        ordered.extend(ready)
    return ordered


def copy_sqlite(source: str, target: str) -> dict[str, int]:
    """Copy every row of the SQLite file `source` into the PostgreSQL database `target`.

    The target is migrated first and must be empty; the source must be fully migrated
    (start the app on it once). One transaction: all or nothing. Identity sequences are
    moved past the copied ids, and each table's row count is compared on both sides.
    Returns the row count of each table.
    """
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = connect(target)
    try:
        done = [r[0] for r in src.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
        if done != names():
            raise CopyRefused("the SQLite file is not fully migrated: start Kuji on it once")
        migrate(dst)
        if applied(dst) != names():
            raise CopyRefused("the PostgreSQL database has other migrations")
        counts = {}
        with dst.transaction():
            order = tables_in_order(src)
            for table in order:
                if dst.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:  # noqa: S608
                    raise CopyRefused(f"the PostgreSQL database is not empty ({table})")
            for table in order:
                counts[table] = _copy_table(src, dst, table)
            # The free counts are kept by a trigger that counted the copied tiles again.
            dst.execute(
                "UPDATE campaigns SET free = (SELECT count(*) FROM tiles t"
                " WHERE t.campaign_id = campaigns.id AND t.state = 'free')"
            )
            for table in order:
                copied = dst.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                if copied != counts[table]:
                    raise CopyRefused(f"{table}: {counts[table]} rows read, {copied} written")
        return counts
    finally:
        src.close()
        dst.close()


def _copy_table(src: sqlite3.Connection, dst, table: str) -> int:
    columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
    rows = src.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608
    total = 0

    def counted():
        nonlocal total
        while chunk := rows.fetchmany(CHUNK):
            total += len(chunk)
            yield from chunk

    dst.copy_rows(table, columns, counted())
    if "id" in columns:
        dst.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
            f" coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
        )
    return total
