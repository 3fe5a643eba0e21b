"""Fixtures for the torture tests: database snapshots and a live gunicorn."""

import sqlite3

import pytest

from app import create_app
from tests.server import serve

TABLES = ("tiles", "entries", "destinations", "campaigns")


def _rows(conn, table: str) -> list:
    # Uncovering a draw (revealed_at) is the person's own step before a confirm, not part
    # of what a refused request may change.
    columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})") if c[1] != "revealed_at"]
    return conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608


@pytest.fixture
def snapshot(app):
    """Return a function that dumps every row a draw can touch, for before/after checks."""

    def take():
        conn = sqlite3.connect(app.config["DATABASE"])
        try:
            return {table: _rows(conn, table) for table in TABLES}
        finally:
            conn.close()

    return take


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A gunicorn server with several workers, and an in-process app over the same file."""
    db_path = tmp_path_factory.mktemp("live") / "kuji.sqlite"
    # Migrate before the workers start, so they never race to create the schema.
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    with serve(
        db_path,
        workers=2,
        CLAIM_LIMIT="100000 per minute",
        CONFIRM_LIMIT="100000 per minute",
        HOLDS_PER_ADDRESS="null",
        REDRAWS_PER_ADDRESS="null",
    ) as server:
        server.app = app
        yield server
