"""Draws counted per client address, in the claim's transaction, on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest

from app.store import Refused, campaigns, claims
from app.store.accounting import Counted, count_draw, refused_addresses
from app.store.db import connect, immediate
from app.store.schema import migrate
from tests.factories import START, conditions

# The refusal is an upsert whose DO UPDATE … WHERE returns no row: both engines must agree.
pytestmark = pytest.mark.both_engines

HOUR = timedelta(minutes=60)


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


@pytest.fixture
def campaign(db):
    c = conditions()
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    return campaigns.by_slug(db, c.slug)


def entries(db) -> int:
    return db.execute("SELECT count(*) FROM entries").fetchone()[0]


def test_an_address_over_its_live_holds_is_refused_and_writes_no_entry(db, campaign):
    two = Counted("198.51.100.7", holds=2, redraws=None, pause=HOUR)
    for n in (1, 2):
        claims.hold(db, campaign, f"board:{n}", START, no=n, counted=two)
    with pytest.raises(Refused) as info:
        claims.hold(db, campaign, "board:3", START, no=3, counted=two)
    assert info.value.reason == "holds"
    assert entries(db) == 2
    # Another address has its own count.
    other = Counted("203.0.113.9", holds=2, redraws=None, pause=HOUR)
    assert claims.hold(db, campaign, "board:4", START, no=4, counted=other).state == "held"
    [row] = refused_addresses(db, campaign.id)
    assert (row.address, row.draws, row.holds, row.refused) == ("198.51.100.7", 2, 2, 1)
    audited = db.execute("SELECT actor, action FROM audit WHERE actor = ?", [row.address])
    assert audited.fetchall() == [("198.51.100.7", "draws refused: holds")]


def test_a_refused_upsert_returns_no_row_and_changes_nothing(db, campaign):
    one = Counted("2001:db8:1:2::/64", holds=1, redraws=None, pause=HOUR)
    with immediate(db):
        assert count_draw(db, campaign.id, one, START) is True
        assert count_draw(db, campaign.id, one, START) is False
    counts = db.execute("SELECT draws, holds FROM address_draws").fetchall()
    assert [tuple(r) for r in counts] == [(1, 1)]


def test_cancelled_holds_pause_the_address_until_the_pause_has_passed(db, campaign):
    once = Counted("198.51.100.8", holds=None, redraws=1, pause=HOUR)
    e = claims.hold(db, campaign, "board:a", START, no=1, counted=once)
    claims.cancel(db, campaign, e.id, START)
    with pytest.raises(Refused) as info:
        claims.hold(db, campaign, "board:b", START + timedelta(minutes=59), no=2, counted=once)
    assert info.value.reason == "redraws"
    later = START + timedelta(minutes=61)
    assert claims.hold(db, campaign, "board:b", later, no=2, counted=once).state == "held"
