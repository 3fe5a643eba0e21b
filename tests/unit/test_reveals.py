"""The reveal record on both engines: set once, by the entry's own campaign only."""

import random
from datetime import timedelta

import pytest

from app.store import campaigns, claims, reveals
from app.store.db import connect
from app.store.schema import migrate
from tests.factories import START, conditions

pytestmark = pytest.mark.both_engines


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


def make(db, slug):
    c = conditions(slug=slug)
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    return campaigns.by_slug(db, slug)


def test_a_draw_is_covered_until_revealed_once(db):
    c = make(db, "spring")
    entry = claims.hold(db, c, "board:one", START, no=3)
    assert reveals.revealed(db, entry.id) is False
    assert reveals.reveal(db, c.id, entry.id, START + timedelta(seconds=5)) is True
    assert reveals.revealed(db, entry.id) is True
    assert reveals.reveal(db, c.id, entry.id, START + timedelta(seconds=9)) is False
    stamp = db.execute("SELECT revealed_at FROM entries WHERE id = ?", [entry.id]).fetchone()[0]
    assert stamp.startswith("2026-12-10T12:00:05")  # the first reveal's moment stays


def test_another_campaign_cannot_reveal_an_entry(db):
    c, other = make(db, "spring"), make(db, "autumn")
    entry = claims.hold(db, c, "board:one", START, no=3)
    assert reveals.reveal(db, other.id, entry.id, START) is False
    assert reveals.revealed(db, entry.id) is False
