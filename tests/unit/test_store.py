"""The claim machinery against a real database (SQLite, then PostgreSQL), without Flask."""

import random
from datetime import timedelta

import pytest

from app.lottery.contact import clean_contact
from app.store import AlreadyDrawn, Duplicate, NotHeld, Taken, campaigns, claims, destinations
from app.store.board import changes_since, free_tiles
from app.store.db import connect
from app.store.schema import applied, migrate, names, postgres_names
from tests.factories import START, conditions, contact

pytestmark = pytest.mark.both_engines


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


def make(db, **kw):
    c = conditions(**kw)
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    return campaigns.by_slug(db, c.slug)


def test_a_holder_draws_once_per_campaign(db):
    c = make(db)
    claims.hold(db, c, "board:same", START, no=1)
    with pytest.raises(AlreadyDrawn):
        claims.hold(db, c, "board:same", START, no=2)
    assert 2 in free_tiles(db, c.id)


def test_a_holder_refused_for_a_taken_tile_may_pick_again(db):
    c = make(db)
    claims.hold(db, c, "board:first", START, no=1)
    with pytest.raises(Taken):
        claims.hold(db, c, "board:second", START, no=1)
    assert claims.hold(db, c, "board:second", START, no=2).state == "held"


def test_migrations_apply_once(db):
    migrate(db)
    done = applied(db)
    # Each migration once, in order; later issues append their own after these.
    assert done[:2] == ["m001_open_board", "m002_admin"]
    assert done == names()


def test_both_engines_name_the_same_migrations_in_order():
    # A migration added for SQLite needs its PostgreSQL file of the same name, and back.
    assert postgres_names() == names()


def test_a_held_tile_cannot_be_held_again(db):
    c = make(db)
    first = claims.hold(db, c, "board:1", START, no=5)
    assert first.state == "held" and first.tile_no == 5
    with pytest.raises(Taken):
        claims.hold(db, c, "board:2", START, no=5)
    assert 5 not in free_tiles(db, c.id)


def test_a_refused_claim_writes_nothing(db):
    c = make(db)
    claims.hold(db, c, "board:3", START, no=5)
    before = db.execute("SELECT count(*) FROM entries").fetchone()[0], campaigns.by_slug(db, c.slug)
    with pytest.raises(Taken):
        claims.hold(db, c, "board:4", START, no=5)
    after = db.execute("SELECT count(*) FROM entries").fetchone()[0], campaigns.by_slug(db, c.slug)
    assert before == after


def test_confirm_records_the_destination_and_keeps_the_tile(db):
    c = make(db)
    e = claims.hold(db, c, "board:5", START, no=3)
    done = claims.confirm(db, c, e.id, contact(), START)
    assert done.state == "confirmed"
    rows = list(destinations.rows(db, c.id))
    assert [(r[0], r[1]) for r in rows] == [(3, "Person 1")]
    with pytest.raises(NotHeld) as info:
        claims.confirm(db, c, e.id, contact(2), START)
    assert info.value.state == "confirmed"
    with pytest.raises(NotHeld):
        claims.cancel(db, c, e.id, START)


def test_cancel_gives_the_tile_back(db):
    c = make(db)
    e = claims.hold(db, c, "board:6", START, no=9)
    assert claims.cancel(db, c, e.id, START) == 9
    assert 9 in free_tiles(db, c.id)
    assert claims.entry(db, c.id, e.id, START).state == "cancelled"
    assert claims.hold(db, c, "board:7", START, no=9).state == "held"


def test_a_lapsed_hold_returns_to_the_board_and_cannot_be_confirmed(db):
    c = make(db, hold_minutes=15)
    e = claims.hold(db, c, "board:8", START, no=4)
    later = START + timedelta(minutes=15)
    assert claims.entry(db, c.id, e.id, later).state == "expired"
    with pytest.raises(NotHeld) as info:
        claims.confirm(db, c, e.id, contact(), later)
    assert info.value.state == "expired"
    assert claims.expire_due(db, c, later) is True
    assert 4 in free_tiles(db, c.id)
    assert claims.expire_due(db, c, later) is False


def test_a_hold_never_outlives_the_period(db):
    c = make(db, closes=START + timedelta(minutes=5), hold_minutes=15)
    e = claims.hold(db, c, "board:9", START, no=1)
    assert e.held_until == START + timedelta(minutes=5)


def test_the_same_person_cannot_confirm_twice(db):
    c = make(db)
    a = claims.hold(db, c, "board:10", START, no=1)
    b = claims.hold(db, c, "board:11", START, no=2)
    claims.confirm(db, c, a.id, contact(1), START)
    same_email = clean_contact(
        {
            "name": "X",
            "postal_code": "100-0001",
            "address": "Y",
            "phone": "0311112222",
            "email": "P1@EXAMPLE.JP",
        }
    )
    with pytest.raises(Duplicate) as info:
        claims.confirm(db, c, b.id, same_email, START)
    assert info.value.field == "email"
    same_phone = clean_contact(
        {
            "name": "X",
            "postal_code": "〒１００－０００１",
            "address": "Y",
            "phone": "０９０ ００００ ０００１",
            "email": "other@example.jp",
        }
    )
    with pytest.raises(Duplicate) as info:
        claims.confirm(db, c, b.id, same_phone, START)
    assert info.value.field == "phone"
    # The refused confirmations left the hold intact.
    assert claims.entry(db, c.id, b.id, START).state == "held"


def test_a_losing_draw_is_spent_at_once(db):
    c = make(db, prizes=((25, 1),), losing=1)
    drawn = [claims.hold(db, c, f"board:{n}", START, no=n) for n in (1, 2)]
    lost = [e for e in drawn if e.state == "lost"]
    assert len(lost) == 1 and lost[0].prize_id is None
    assert free_tiles(db, c.id) == []
    assert claims.entry(db, c.id, lost[0].id, START).state == "lost"


def test_the_campaign_ends_when_every_tile_is_confirmed_or_lost(db):
    c = make(db, prizes=((25, 2),), losing=1)
    for n in (1, 2, 3):
        e = claims.hold(db, c, f"board:{n}", START, no=n)
        if e.state == "held":
            claims.confirm(db, c, e.id, contact(n), START)
    assert campaigns.by_slug(db, c.slug).phase(START) == "ended"


def test_a_speed_draw_takes_the_lowest_free_sheet(db):
    c = make(db, prizes=((25, 5),), mode="speed")
    drawn = [claims.hold(db, c, f"candidate:{i}", START) for i in range(3)]
    assert [e.tile_no for e in drawn] == [1, 2, 3]
    claims.cancel(db, c, drawn[1].id, START)
    assert claims.hold(db, c, "candidate:3", START).tile_no == 2
    claims.hold(db, c, "candidate:4", START)
    claims.hold(db, c, "candidate:5", START)
    with pytest.raises(Taken):
        claims.hold(db, c, "candidate:6", START)


def test_changes_since_lists_only_what_changed(db):
    c = make(db)
    v0 = campaigns.by_slug(db, c.slug).version
    a = claims.hold(db, c, "board:14", START, no=10)
    claims.hold(db, c, "board:15", START, no=20)
    v2 = campaigns.by_slug(db, c.slug).version
    claims.cancel(db, c, a.id, START)
    assert changes_since(db, c.id, v0) == [(10, True), (20, False)]
    assert changes_since(db, c.id, v2) == [(10, True)]
    assert changes_since(db, c.id, campaigns.by_slug(db, c.slug).version) == []


@pytest.mark.parametrize("behind", ["a few changes", "far behind"])
def test_changes_since_keeps_to_the_page_however_far_behind(db, behind):
    c = make(db)
    v0 = campaigns.by_slug(db, c.slug).version
    for holder, no in ((21, 10), (22, 20), (23, 30)):
        claims.hold(db, c, f"board:{holder}", START, no=no)
    now = campaigns.by_slug(db, c.slug).version
    # far behind: the version told is so old that reading the page's tiles is cheaper
    newest = now if behind == "a few changes" else v0 + 10_000
    assert changes_since(db, c.id, v0, 15, 25, newest=newest) == [(20, False)]
    assert changes_since(db, c.id, v0, 20, 30, newest=newest) == [(20, False), (30, False)]
    assert changes_since(db, c.id, now, 1, 30, newest=now) == []


def test_the_free_count_follows_every_change(db):
    c = make(db, prizes=((25, 5),), losing=1, hold_minutes=15)

    def free():
        row = campaigns.by_slug(db, c.slug).free
        assert row == len(free_tiles(db, c.id))
        return row

    assert free() == 6
    drawn = [claims.hold(db, c, f"board:{n}", START, no=n) for n in (1, 2)]
    assert free() == 4
    for e in drawn:
        if e.state == "held":
            claims.cancel(db, c, e.id, START)
    assert free() == 6 - sum(e.state == "lost" for e in drawn)


def test_holds_skip_the_disk_sync_but_confirmations_do_not(tmp_path):
    db = connect(str(tmp_path / "full.sqlite"), "FULL")
    migrate(db)
    c = make(db)
    seen = []
    db.conn.set_trace_callback(lambda sql: seen.append(sql) if "synchronous" in sql else None)
    e = claims.hold(db, c, "board:a", START, no=1)
    assert seen == ["PRAGMA synchronous=NORMAL", "PRAGMA synchronous=FULL"]
    seen.clear()
    claims.confirm(db, c, e.id, contact(), START)
    assert seen == []
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_new_layout_reaches_boards_polling_from_before_it(db):
    from app.store import editing

    c = make(db, prizes=((25, 3),))
    before = campaigns.by_slug(db, c.slug).version
    bigger = conditions(prizes=((25, 5),))
    editing.change(db, c.id, START, conditions=bigger, layout=True)
    assert [no for no, free in changes_since(db, c.id, before) if free] == [1, 2, 3, 4, 5]
    assert campaigns.by_slug(db, c.slug).free == 5


def test_a_big_board_is_laid_out_and_laid_out_again_quickly_with_its_free_count(db):
    import time

    from app.store import editing

    # Counted once per tile, PostgreSQL took about 4 minutes here (each count walked the
    # campaign row's versions of the ones before) and SQLite about 3 s; now both well
    # under a second on an idle machine. The bound leaves room for a loaded one.
    started = time.monotonic()
    small = make(db, slug="small", prizes=((25, 3),))
    c = make(db, slug="big", prizes=((25, 15_000), (10, 5_000)), losing=1)
    assert (campaigns.by_slug(db, "big").free, len(free_tiles(db, c.id))) == (20_001, 20_001)
    editing.change(
        db, c.id, START, conditions=conditions(slug="big", prizes=((25, 19_000),)), layout=True
    )
    assert (campaigns.by_slug(db, "big").free, len(free_tiles(db, c.id))) == (19_000, 19_000)
    assert campaigns.by_slug(db, "small").free == 3 == len(free_tiles(db, small.id))
    assert time.monotonic() - started < 60


def test_a_deadlock_or_serialization_failure_is_tried_again_a_bounded_number_of_times():
    import psycopg

    from app.store.db import RETRIES, retried

    calls = []

    @retried
    def refused_twice():
        calls.append(1)
        if len(calls) <= 2:
            raise (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)[
                len(calls) - 1
            ]
        return "done"

    assert refused_twice() == "done" and len(calls) == 3
    calls.clear()

    @retried
    def always_refused():
        calls.append(1)
        raise psycopg.errors.DeadlockDetected

    with pytest.raises(psycopg.errors.DeadlockDetected):
        always_refused()
    assert len(calls) == RETRIES
    calls.clear()

    @retried
    def other_error():
        calls.append(1)
        raise psycopg.errors.UniqueViolation

    with pytest.raises(psycopg.errors.UniqueViolation):  # only "try again" is tried again
        other_error()
    assert len(calls) == 1
