"""Mini-game plays in the store: one per holder, moves in order, the monitor's figures."""

import random
import threading
from datetime import timedelta

import pytest

from app.store import campaigns, claims, plays
from app.store.db import connect
from app.store.schema import migrate
from tests.factories import START, conditions

CHALLENGE = {"questions": [{"question": "Q", "choices": ["a", "b"], "answer": 1}]}


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


pytestmark = pytest.mark.both_engines


def make(db, **kw):
    c = conditions(**kw)
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    return campaigns.by_slug(db, c.slug)


def test_a_play_keeps_its_challenge_and_moves_with_server_times(db):
    c = make(db)
    play = plays.start(db, c.id, "board:a", "quiz", CHALLENGE, START)
    assert play.challenge == CHALLENGE and play.started_at == START and not play.finished
    later = START + timedelta(seconds=3)
    plays.record(db, play.id, 0, "answer", {"q": 0, "choice": 1}, later)
    play = plays.play_of(db, c.id, "board:a")
    assert [(m.seq, m.kind, m.data, m.at) for m in play.moves] == [
        (0, "answer", {"q": 0, "choice": 1}, later)
    ]
    assert plays.finish(db, play.id, 1000, later)
    play = plays.play_of(db, c.id, "board:a")
    assert play.finished and play.score == 1000 and play.finished_at == later


def test_one_play_per_holder_and_an_abandoned_play_counts(db):
    c, other = make(db), make(db, slug="other")
    plays.start(db, c.id, "board:a", "quiz", CHALLENGE, START)  # then never finished
    with pytest.raises(plays.AlreadyPlayed):
        plays.start(db, c.id, "board:a", "stop", {}, START + timedelta(days=1))
    assert plays.play_of(db, c.id, "board:a").game == "quiz"
    assert plays.score_of(db, c.id, "board:a") is None
    # Another holder, or the same holder in another campaign, plays their own.
    assert plays.start(db, c.id, "board:b", "quiz", CHALLENGE, START).holder == "board:b"
    assert plays.start(db, other.id, "board:a", "quiz", CHALLENGE, START)
    assert plays.play_of(db, c.id, "board:nobody") is None


def test_two_parallel_starts_make_exactly_one_play(database):
    path = database
    first = connect(path, "NORMAL")
    migrate(first)
    c = make(first)
    barrier = threading.Barrier(8)
    outcomes = []

    def start():
        db = connect(path, "NORMAL")
        barrier.wait()
        try:
            plays.start(db, c.id, "board:racer", "quiz", CHALLENGE, START)
            outcomes.append("started")
        except plays.AlreadyPlayed:
            outcomes.append("refused")

    threads = [threading.Thread(target=start) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["started"]


def test_a_move_needs_its_place_and_an_unfinished_play(db):
    c = make(db)
    play = plays.start(db, c.id, "board:a", "quiz", CHALLENGE, START)
    plays.record(db, play.id, 0, "answer", {}, START)
    with pytest.raises(plays.MoveRefused):  # another request took place 0 first
        plays.record(db, play.id, 0, "answer", {}, START)
    with pytest.raises(plays.MoveRefused):
        plays.record(db, play.id, plays.MAX_MOVES, "answer", {}, START)
    assert plays.finish(db, play.id, 400, START)
    assert not plays.finish(db, play.id, 1000, START)  # the first score stays
    with pytest.raises(plays.MoveRefused):
        plays.record(db, play.id, 1, "answer", {}, START)
    assert plays.score_of(db, c.id, "board:a") == 400


def test_scores_are_kept_within_0_to_1000(db):
    c = make(db)
    for n, score in enumerate([-50, 5000]):
        play = plays.start(db, c.id, f"board:{n}", "quiz", CHALLENGE, START)
        plays.finish(db, play.id, score, START)
    assert [plays.score_of(db, c.id, f"board:{n}") for n in range(2)] == [0, 1000]


def test_the_score_distribution_and_mean_coupon_value_by_band(db):
    c = make(db, prizes=((25, 2), (10, 2)), losing=2)
    finished = {"board:low": 50, "board:low2": 120, "board:top": 1000, "board:mid": 999}
    for holder, score in finished.items():
        play = plays.start(db, c.id, holder, "stop", {}, START)
        plays.finish(db, play.id, score, START)
    plays.start(db, c.id, "board:quit", "stop", {}, START)  # abandoned
    drawn = {}
    values = {None: 0, **{p.id: p.value for p in campaigns.prizes(db, c.id).values()}}
    for no, holder in enumerate(("board:low", "board:top", "board:mid", "board:quit"), 1):
        drawn[holder] = values[claims.hold(db, c, holder, START, no=no).prize_id]

    figures = plays.scores(db, c.id)
    assert figures["finished"] == 4 and figures["unfinished"] == 1
    assert [(b.low, b.high, b.plays) for b in figures["bands"] if b.plays] == [
        (0, 99, 1),
        (100, 199, 1),
        (900, 1000, 2),
    ]
    bands = {b.low: b for b in plays.value_by_band(db, c.id)}
    low = {"percent": drawn["board:low"]}  # a losing draw gave 0 % off
    assert (bands[0].plays, bands[0].drawn, bands[0].means) == (1, 1, low)
    assert (bands[100].plays, bands[100].drawn, bands[100].means) == (1, 0, {})
    top = {"percent": (drawn["board:top"] + drawn["board:mid"]) / 2}
    assert (bands[900].plays, bands[900].drawn, bands[900].means) == (2, 2, top)
    assert bands[500].plays == 0 and bands[500].means == {}
