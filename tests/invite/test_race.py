"""Invitees drawing at once: one draw each, never a shared coupon, the breakdown exact."""

import random
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.lottery.candidates import Candidate
from app.lottery.draw import ranks
from app.lottery.merit import MeritRules, merit, purchases_part
from app.store import campaigns, candidates, claims, get_db, invitations
from app.store.db import connect
from tests.factories import Terminal, make_campaign

pytestmark = pytest.mark.both_engines


def invite_many(app, slug, people, now):
    """Import `people` candidates (purchases = their index) and invite them all."""
    rows = [
        Candidate(f"P{i}", f"p{i}@example.jp", 30, "female", (), 1, 0, i, "en")
        for i in range(people)
    ]
    with app.app_context():
        db = get_db()
        candidates.import_candidates(db, rows, now)
        campaign = campaigns.by_slug(db, slug)
        ids = candidates.ids_of(db, [c.email_key for c in rows])
        invitations.attach(
            db, campaign.id, ids, now, iter(f"ID{i:06d}" for i in range(10**6)).__next__
        )
        return campaign, [
            invitations.by_login(db, campaign.id, f"ID{i:06d}") for i in range(people)
        ]


def test_one_invitee_in_two_browsers_at_once_draws_once(database):
    path = database
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "x", "TESTING": True})
    now = datetime.now(UTC)
    make_campaign(
        app,
        slug="vip",
        mode="invite",
        prizes=((25, 5),),
        losing=5,
        opens=now - timedelta(hours=1),
        closes=now + timedelta(days=1),
    )
    campaign, (person, *_) = invite_many(app, "vip", 3, now)
    with app.app_context():
        get_db().execute("UPDATE invitations SET status = 'sent'")  # as if the mail went out
    browsers = []
    for _ in range(2):
        t = Terminal(app.test_client(), "vip")
        with t.client.session_transaction() as s:
            s[f"invite.{campaign.id}"] = [person.id, 0]  # (id, password generation)
        t.get("/invited")
        browsers.append(t)
    barrier = threading.Barrier(2)
    answers = []

    def draw(t):
        barrier.wait()
        answers.append(t.post("/invited/draw").status_code)

    threads = [threading.Thread(target=draw, args=(t,)) for t in browsers]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(answers) == [303, 403]
    db = connect(str(path), "NORMAL")
    assert db.execute(
        "SELECT count(*) FROM entries WHERE holder = ?", [f"invite:{person.id}"]
    ).fetchone() == (1,)


def test_many_invitees_drawing_at_once_never_share_a_coupon(database):
    path = database
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "x", "TESTING": True})
    now = datetime.now(UTC)
    make_campaign(
        app,
        slug="vip",
        mode="invite",
        prizes=((25, 10), (10, 10)),
        losing=10,
        opens=now - timedelta(hours=1),
        closes=now + timedelta(days=1),
    )
    campaign, people = invite_many(app, "vip", 40, now)
    barrier = threading.Barrier(len(people))
    won = Counter()
    errors = []
    lock = threading.Lock()

    def draw(person):
        db = connect(str(path), "NORMAL")
        try:
            barrier.wait()
            entry = claims.hold(db, campaign, f"invite:{person.id}", datetime.now(UTC))
            with lock:
                won[entry.prize_id or "losing"] += 1
        except Exception as exc:  # Taken for the ten who came too late
            with lock:
                errors.append(type(exc).__name__)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=draw, args=(p,)) for p in people]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert Counter(errors) == Counter({"Taken": 10})
    assert sorted(won.values()) == [10, 10, 10]  # 10 + 10 coupons and 10 losing tickets, exactly
    db = connect(str(path), "NORMAL")
    assert db.execute("SELECT count(DISTINCT tile_no), count(*) FROM entries").fetchone() == (
        30,
        30,
    )


def test_with_tilt_regular_customers_get_a_higher_mean_value_and_the_counts_hold(database):
    """A simulation with a fixed seed: 'purchases' merit, tilt 1000, 60 invitees, 60 sheets."""
    db = connect(database, "NORMAL")
    from app.store.schema import migrate
    from tests.factories import START, conditions

    migrate(db)
    rules = MeritRules(purchases=1, purchases_full=10)
    c = conditions(slug="sim", mode="invite", tilt=1000, prizes=((30, 10), (20, 20)), losing=30)
    campaigns.create(db, c, random.Random(2026).randbytes(32), "", START)
    campaign = campaigns.by_slug(db, "sim")
    value = {p.id: p.value for p in campaigns.prizes(db, campaign.id).values()}
    order = list(range(60))
    random.Random(5).shuffle(order)  # regulars and newcomers arrive mixed
    got = {"regular": [], "new": []}
    for i in order:
        regular = i % 2 == 0
        m = merit(rules, purchases=purchases_part(12 if regular else 0, rules))
        entry = claims.hold(db, campaign, f"invite:{i}", START, merit=m)
        got["regular" if regular else "new"].append(value.get(entry.prize_id, 0))
    mean = {k: sum(v) / len(v) for k, v in got.items()}
    assert mean["regular"] > mean["new"] + 5, mean
    drawn = Counter(v for values in got.values() for v in values)
    assert drawn == Counter({30: 10, 20: 20, 0: 30})  # the breakdown, exactly
    assert ranks([30, 20], losing=True) == {0: 0, 2: 500, 1: 1000}
