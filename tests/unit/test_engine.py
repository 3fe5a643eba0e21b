"""The draw engine against a real SQLite file: exact breakdowns, returns, the log, batches."""

import contextlib
import random
from datetime import timedelta

import pytest

from app.lottery.contact import clean_contact
from app.lottery.fairness import verify
from app.store import AlreadyDrawn, Closed, Duplicate, NotHeld, Taken, batch, campaigns, claims
from app.store.db import connect, stamp
from app.store.engine import get_strategy
from app.store.fairness import document
from app.store.schema import migrate, migrations
from tests.factories import START, conditions


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


pytestmark = pytest.mark.both_engines


def make(db, seed=7, **kw):
    c = conditions(**kw)
    campaigns.create(db, c, random.Random(seed).randbytes(32), "", START)
    return campaigns.by_slug(db, c.slug)


def contact(n):
    return clean_contact(
        {
            "name": f"P{n}",
            "postal_code": "104-0061",
            "address": "Tokyo",
            "phone": f"090{n:08d}",
            "email": f"p{n}@example.jp",
        }
    )


def tally(db, campaign_id):
    """Per tier: (count, free, held, confirmed, lost), plus the board's free-tile count."""
    out = {}
    for number, count, free in db.execute(
        "SELECT number, count, free FROM tiers WHERE campaign_id = ?", [campaign_id]
    ):
        states = dict(
            db.execute(
                "SELECT state, count(*) FROM tiles WHERE campaign_id = ? AND tier = ?"
                " GROUP BY state",
                [campaign_id, number],
            ).fetchall()
        )
        out[number] = (count, free, states.get("held", 0), states.get("confirmed", 0))
        out[number] += (states.get("lost", 0),)
    return out


def assert_exact(db, campaign):
    """Every sheet is free in its tier, or held, confirmed or lost on exactly one tile."""
    t = tally(db, campaign.id)
    for count, free, held, confirmed, lost in t.values():
        assert free + held + confirmed + lost == count
    board_free = campaigns.by_slug(db, campaign.slug).free
    free_tiles = db.execute(
        "SELECT count(*) FROM tiles WHERE campaign_id = ? AND state = 'free'", [campaign.id]
    ).fetchone()[0]
    assert board_free == free_tiles == sum(v[1] for v in t.values())
    bound_free = db.execute(
        "SELECT count(*) FROM tiles WHERE campaign_id = ? AND state = 'free'"
        " AND (prize_id IS NOT NULL OR tier IS NOT NULL)",
        [campaign.id],
    ).fetchone()[0]
    assert bound_free == 0  # a free tile holds no coupon


def test_the_breakdown_stays_exact_through_any_sequence(db):
    c = make(db, prizes=((25, 7), (20, 5), (10, 3)), losing=5, hold_minutes=10)
    rng = random.Random(11)
    moment = START
    held: list = []
    n = 0
    while campaigns.by_slug(db, c.slug).phase(moment) == "open" and n < 400:
        n += 1
        action = rng.random()
        if action < 0.5:
            free = [r[0] for r in db.execute("SELECT no FROM tiles WHERE state = 'free'")]
            if free:
                e = claims.hold(db, c, f"board:{n}", moment, no=rng.choice(free))
                if e.state == "held":
                    held.append(e)
        elif action < 0.7 and held:
            claims.cancel(db, c, held.pop(rng.randrange(len(held))).id, moment)
        elif action < 0.9 and held:
            e = held.pop(rng.randrange(len(held)))
            claims.confirm(db, c, e.id, contact(n), moment)
        else:
            moment += timedelta(minutes=rng.choice([1, 5, 11]))
            claims.expire_due(db, c, moment)
            held = [e for e in held if claims.entry(db, c.id, e.id, moment).state == "held"]
        assert_exact(db, c)
    # Confirm what is held; the campaign then ends with the file's breakdown exactly.
    for e in held:
        with contextlib.suppress(NotHeld):
            claims.confirm(db, c, e.id, contact(1000 + e.id), moment)
    assert_exact(db, c)


def test_a_cancelled_coupon_goes_back_to_the_pool_not_to_the_tile(db):
    c = make(db, prizes=((25, 70), (20, 20), (10, 10)))
    seen = set()
    for n in range(40):
        e = claims.hold(db, c, f"board:{n}", START, no=1)
        seen.add(e.prize_id)
        claims.cancel(db, c, e.id, START)
    assert len(seen) > 1  # the same tile gave different coupons to different holders


def test_a_lapsed_coupon_is_drawn_again_too(db):
    c = make(db, prizes=((25, 1), (10, 1)), hold_minutes=5)
    first = claims.hold(db, c, "board:a", START, no=1)
    later = START + timedelta(minutes=5)
    claims.expire_due(db, c, later)
    assert claims.entry(db, c.id, first.id, later).state == "expired"
    assert_exact(db, c)
    assert tally(db, c.id)[1][1] + tally(db, c.id)[2][1] == 2


def test_draws_outside_the_period_or_of_a_draft_are_refused_by_the_engine(db):
    c = make(db, opens=START + timedelta(days=1))
    with pytest.raises(Closed) as info:
        claims.hold(db, c, "board:early", START, no=1)
    assert info.value.phase == "scheduled"
    c2 = make(db, slug="over", closes=START)
    with pytest.raises(Closed):
        claims.hold(db, c2, "board:late", START, no=1)
    assert_exact(db, c)
    assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 0
    assert db.execute("SELECT sum(draws) FROM campaigns").fetchone()[0] == 0


def test_strategies_are_registered_by_name(db):
    with pytest.raises(ValueError, match="unknown draw strategy"):
        get_strategy("roulette")
    speed = make(db, slug="speed", mode="speed")
    with pytest.raises(ValueError):
        claims.hold(db, speed, "x", START, no=3)  # a speed lottery picks the sheet itself
    board = make(db, slug="board")
    with pytest.raises(ValueError):
        claims.hold(db, board, "y", START)
    lots = make(db, slug="lots", mode="speed", draw="batch")
    with pytest.raises(ValueError, match="batch"):
        claims.hold(db, lots, "z", START)


def test_a_refused_claim_uses_no_draw_number(db):
    c = make(db)
    claims.hold(db, c, "board:1", START, no=5)
    with pytest.raises(Taken):
        claims.hold(db, c, "board:2", START, no=5)
    with pytest.raises(AlreadyDrawn):
        claims.hold(db, c, "board:1", START, no=6)
    assert db.execute("SELECT draws, events FROM campaigns").fetchone() == (1, 1)


def end(db, c, moment):
    """Close the campaign as the admin would, and read it back."""
    from app.store import editing

    editing.change(db, c.id, moment, close_now=True)
    return campaigns.by_slug(db, c.slug)


def test_the_log_verifies_after_the_end_and_one_changed_byte_fails(db):
    c = make(db, prizes=((25, 30), (20, 20), (10, 10)), losing=10, tilt=500)
    rng = random.Random(2)
    for n in range(1, 50):
        e = claims.hold(db, c, f"board:{n}", START, no=n, merit=rng.randrange(1001))
        if e.state == "held" and n % 3 == 0:
            claims.cancel(db, c, e.id, START)
        elif e.state == "held" and n % 3 == 1:
            claims.confirm(db, c, e.id, contact(n), START)
    before = document(db, c, START)
    assert before["seed"] is None and before["log"] is None
    assert "seed" not in str(document(db, c, START)["log"])
    c = end(db, c, START + timedelta(minutes=1))
    doc = document(db, c, START + timedelta(minutes=1))
    assert doc["commitment"] == before["commitment"]
    report = verify(doc)
    assert report.ok, report.problems
    assert report.checked_draws == 49
    returns = [e for e in doc["log"] if e["event"] == "return"]
    assert returns and all(e["draw"] is None for e in returns)
    assert not any(k in str(doc) for k in ("P1", "example.jp", "Tokyo"))  # no personal data
    tampered = dict(doc, seed=("0" if doc["seed"][0] != "0" else "1") + doc["seed"][1:])
    assert not verify(tampered).ok
    log = [dict(e) for e in doc["log"]]
    first = next(e for e in log if e["event"] == "draw")
    first["tier"] = 2 if first["tier"] != 2 else 1
    bad = verify(dict(doc, log=log))
    assert not bad.ok and bad.first_bad_draw == first["draw"]


def test_batch_requests_then_one_draw_for_all(db):
    c = make(db, slug="batch", mode="speed", draw="batch", prizes=((25, 3), (10, 3)), losing=4)
    for n in range(1, 8):
        batch.register(db, c, f"board:{n}", contact(n), START)
    with pytest.raises(AlreadyDrawn):
        batch.register(db, c, "board:1", contact(50), START)
    with pytest.raises(Duplicate):
        batch.register(db, c, "board:99", contact(2), START)
    with pytest.raises(batch.NotDue):
        batch.run(db, c, START)
    assert document(db, c, START)["seed"] is None
    after = c.closes
    c = campaigns.by_slug(db, c.slug)
    assert document(db, c, after)["seed"] is None  # period over, draw not made yet
    assert batch.run(db, c, after) == 7
    assert batch.run(db, c, after) is None  # recorded: never twice
    c = campaigns.by_slug(db, c.slug)
    assert_exact(db, c)
    states = [batch.request(db, c.id, r, f"board:{n}").state for n, r in enumerate(range(1, 8), 1)]
    assert set(states) <= {"confirmed", "lost"} and len(states) == 7
    winners = db.execute("SELECT count(*) FROM destinations").fetchone()[0]
    assert winners == states.count("confirmed")
    doc = document(db, c, after)
    assert doc["seed"] and verify(doc).ok and len(doc["log"]) == 7
    with pytest.raises(Closed):
        batch.register(db, c, "board:late", contact(77), after)


def test_a_batch_draws_as_soon_as_every_sheet_is_asked_for(db):
    c = make(db, slug="full", mode="speed", draw="batch", prizes=((25, 2),), losing=1)
    for n in range(1, 4):
        batch.register(db, c, f"board:{n}", contact(n), START)
    with pytest.raises(Taken):
        batch.register(db, c, "board:4", contact(4), START)
    assert batch.due(c, batch.asked(db, c.id), START)
    assert batch.run(db, c, START) == 3
    c = campaigns.by_slug(db, c.slug)
    assert c.phase(START) == "ended"
    assert tally(db, c.id) == {1: (2, 0, 0, 2, 0), 0: (1, 0, 0, 0, 1)}


def test_the_migration_unbinds_free_tiles_and_counts_tiers(tmp_path):
    """A database from before the engine keeps its draws and gains exact tier counts."""
    db = connect(str(tmp_path / "old.sqlite"), "NORMAL")
    migrations.apply(db, stop_before="m006_draw_engine")
    db.execute(
        "INSERT INTO campaigns (id, slug, title, goods, opens, closes, hold_minutes, losing,"
        " sheets, conditions, created_at, published_at)"
        " VALUES (1, 'old', 'Old', 'Goods', ?, ?, 15, 1, 3, '', ?, ?)",
        [stamp(START - timedelta(days=1)), stamp(START + timedelta(days=1)), *[stamp(START)] * 2],
    )
    db.execute(
        "INSERT INTO prizes (id, campaign_id, position, label, value, unit, count)"
        " VALUES (1, 1, 0, '25 % off', 25, 'percent', 2)"
    )
    db.execute("INSERT INTO entries VALUES (1, 1, 2, 'board:x', 'held', '', NULL)")
    for no, prize, state, entry in (
        (1, 1, "free", None),
        (2, 1, "held", 1),
        (3, None, "free", None),
    ):
        db.execute(
            "INSERT INTO tickets (campaign_id, no, prize_id, draw_order, state, entry_id)"
            " VALUES (1, ?, ?, ?, ?, ?)",
            [no, prize, no, state, entry],
        )
    migrate(db)
    assert tally(db, 1) == {1: (2, 1, 1, 0, 0), 0: (1, 1, 0, 0, 0)}
    assert db.execute("SELECT count(*) FROM tiles WHERE prize_id IS NOT NULL").fetchone() == (1,)
    old = campaigns.by_slug(db, "old")
    assert old.commitment is None  # its earlier draws were never logged: nothing to prove
    assert document(db, old, START) is None
    e = claims.hold(db, old, "board:y", START, no=1)  # but it goes on drawing
    assert e.state in ("held", "lost")
    assert tally(db, 1)[1][1] + tally(db, 1)[0][1] == 1


def test_clicking_a_taken_tile_when_every_coupon_is_held_says_taken(db):
    c = make(db, prizes=((25, 2),))
    claims.hold(db, c, "board:1", START, no=1)
    claims.hold(db, c, "board:2", START, no=2)
    with pytest.raises(Taken):
        claims.hold(db, c, "board:3", START, no=1)
