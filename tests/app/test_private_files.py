"""The database, its WAL, job files, exports and backups are readable by the app alone."""

import os
import stat

import pytest

from app import create_app
from tests.factories import Terminal, make_campaign


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """A shell's usual umask (0644 files), put back after the test."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_every_file_the_app_makes_is_private(tmp_path, loose_umask):
    db_path = tmp_path / "data" / "kuji.sqlite"
    app = create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "x"})
    make_campaign(app)
    Terminal(app.test_client()).claim(1)  # a write: the WAL and its index exist now
    assert mode(db_path.parent) == 0o700
    for name in ("kuji.sqlite", "kuji.sqlite-wal", "kuji.sqlite-shm"):
        assert mode(db_path.parent / name) == 0o600, name
    # Files that jobs make are kept in the database (job_files), not beside it.
    backup = tmp_path / "backup.sqlite"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert mode(backup) == 0o600


def test_files_left_readable_by_an_older_version_are_tightened(tmp_path, loose_umask):
    db_path = tmp_path / "kuji.sqlite"
    create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "x"})
    os.chmod(db_path, 0o644)
    create_app({"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "x"})
    assert mode(db_path) == 0o600
