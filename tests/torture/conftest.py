"""Fixtures for the torture tests: database snapshots and a live gunicorn."""

import sqlite3

import pytest

# Helper modules that assert: have pytest explain their failures as it does in tests.
pytest.register_assert_rewrite("tests.torture.live", "tests.torture.refusals")

from app import create_app  # noqa: E402
from tests.server import serve  # noqa: E402

TABLES = ("tiles", "entries", "destinations", "campaigns")


@pytest.fixture
def snapshot(app):
    """Return a function that dumps every row a draw can touch, for before/after checks."""

    def take():
        conn = sqlite3.connect(app.config["DATABASE"])
        try:
            return {
                table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()  # noqa: S608
                for table in TABLES
            }
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
