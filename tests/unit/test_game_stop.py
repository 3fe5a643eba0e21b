"""Stop the roulette: where it stopped comes from the server's clock, not the browser."""

import random

import pytest

import games
from games.stop import MIN_REACTION, round_score

STOP = games.get("stop")


def new(seed=1, **settings):
    return STOP.new_challenge(random.Random(seed), settings)


def when_on(challenge, index, started, target_offset=0.0):
    """Return the first time after started + MIN_REACTION when round `index` shows its target
    plus `target_offset` segments under the pointer."""
    rnd = challenge["rounds"][index]
    period, n = challenge["period"], challenge["segments"]
    want = ((rnd["target"] + target_offset) / n - rnd["offset"]) % 1.0  # turns after the start
    at = started + want * period
    while at - started < MIN_REACTION:
        at += period
    return at


def play(challenge, pick):
    """Stop every round at the time pick(index, started) gives; return (moves, clock)."""
    moves, started = [], 0.0
    for index in range(len(challenge["rounds"])):
        at = pick(index, started)
        move = STOP.accept(challenge, moves, {"round": str(index)}, at)
        assert move is not None
        moves.append({**move, "at": at})
        started = at
    assert STOP.finished(challenge, moves)
    return moves, started


def test_stopping_on_the_target_every_round_scores_1000():
    challenge = new()
    moves, clock = play(challenge, lambda i, s: when_on(challenge, i, s))
    assert STOP.score(challenge, moves, clock) == 1000


def test_the_score_falls_with_the_distance_to_the_target():
    assert round_score(3.4, 3, 12) == 1000
    assert round_score(11.8, 0, 12) == 1000  # the reel is a circle
    assert round_score(4.25, 3, 12) == 500
    assert round_score(5.0, 3, 12) == 0
    assert round_score(9.0, 3, 12) == 0
    challenge = new()
    near, _ = play(challenge, lambda i, s: when_on(challenge, i, s, 1.0))
    far, _ = play(challenge, lambda i, s: when_on(challenge, i, s, 4.0))
    assert 0 < STOP.score(challenge, near, 99) < 1000
    assert STOP.score(challenge, far, 99) == 0


def test_the_public_view_says_where_the_reel_is_and_it_matches_the_scoring():
    challenge = new(speed="fast")
    at = when_on(challenge, 0, 0.0)
    view = STOP.public_view(challenge, [], at)
    assert view["step"] == "spin" and view["period_ms"] == 2400 and view["segments"] == 12
    assert view["position"] == pytest.approx(view["target"], abs=1e-6)
    assert view["phase"] == round(view["target"] * 3) % 36


def test_random_presses_score_low_on_average():
    rng = random.Random(5)
    total = 0
    for seed in range(300):
        challenge = new(seed)
        moves, clock = play(challenge, lambda i, s: s + rng.uniform(MIN_REACTION, 20.0))
        total += STOP.score(challenge, moves, clock)
    assert total / 300 < 300


def test_a_stop_too_soon_after_the_round_started_scores_nothing():
    challenge = new(rounds=1)
    rnd = challenge["rounds"][0]
    # Place the target right at the start: only a press within the reaction time hits it.
    challenge["rounds"][0] = {**rnd, "offset": rnd["target"] / challenge["segments"]}
    moves = [{"kind": "stop", "round": 0, "at": 0.01}]
    assert STOP.score(challenge, moves, 1.0) == 0


@pytest.mark.parametrize(
    "form", [{}, {"round": "1"}, {"round": "-1"}, {"round": ["0"]}, {"round": "zero"}, "stop", None]
)
def test_a_press_for_another_round_or_garbage_is_not_a_move(form):
    assert STOP.accept(new(), [], form, 5.0) is None


def test_a_form_cannot_set_the_time_or_the_score():
    challenge = new()
    move = STOP.accept(challenge, [], {"round": "0", "at": "1.23", "score": "1000"}, 5.0)
    assert move == {"kind": "stop", "round": 0}


def test_crafted_moves_score_nothing():
    challenge = new(rounds=2)
    forged = [
        {"kind": "stop", "round": 0, "at": -5.0},
        {"kind": "stop", "round": 1, "at": float("nan")},
        {"kind": "stop", "round": "1", "at": 9.0, "score": 1000},
        {"kind": "score", "score": 1000, "at": 1.0},
        42,
    ]
    assert STOP.score(challenge, forged, 10.0) == 0
    assert STOP.score(challenge, None, 10.0) == 0
    # Times that run backwards are no better than a press at the start.
    backwards = [{"kind": "stop", "round": 0, "at": 5.0}, {"kind": "stop", "round": 1, "at": 1.0}]
    assert STOP.score(challenge, backwards, 10.0) <= 500
