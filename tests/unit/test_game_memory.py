"""Memory: digits shown on request, hidden on request, typed back at a human pace."""

import random

import pytest

import games
from games.memory import GRACE

MEMORY = games.get("memory")


def new(seed=1, **settings):
    return MEMORY.new_challenge(random.Random(seed), settings)


def play(challenge, typed, show=1.0, look=3.0, think=4.0):
    """Show at `show`, hide `look` s later, answer `think` s after that; return moves."""
    moves = []
    for action, at, extra in (
        ("show", show, {}),
        ("memorised", show + look, {}),
        ("answer", show + look + think, {"answer": typed}),
    ):
        move = MEMORY.accept(challenge, moves, {"action": action, **extra}, at)
        assert move is not None, action
        moves.append({**move, "at": at})
    assert MEMORY.finished(challenge, moves)
    return moves


def test_typing_every_digit_back_scores_1000():
    challenge = new()
    assert MEMORY.score(challenge, play(challenge, challenge["digits"]), 10.0) == 1000


def test_full_width_digits_and_spaces_are_read_as_typed():
    challenge = new()
    wide = " ".join(chr(ord(d) + 0xFEE0) for d in challenge["digits"])
    assert MEMORY.score(challenge, play(challenge, wide), 10.0) == 1000


def test_each_digit_in_its_place_counts():
    challenge = new(length=4)
    digits = challenge["digits"]
    half = digits[:2] + "".join(str((int(d) + 1) % 10) for d in digits[2:])
    assert MEMORY.score(challenge, play(challenge, half), 10.0) == 500


def test_random_digits_score_low_on_average():
    rng = random.Random(2)
    total = 0
    for seed in range(300):
        challenge = new(seed)
        guess = "".join(str(rng.randrange(10)) for _ in challenge["digits"])
        total += MEMORY.score(challenge, play(challenge, guess), 10.0)
    assert total / 300 < 200


def test_only_the_showing_step_holds_the_digits():
    challenge = new()
    moves = []
    assert "digits" not in MEMORY.public_view(challenge, moves, 0.0)
    moves.append({"kind": "show", "at": 1.0})
    shown = MEMORY.public_view(challenge, moves, 1.2)
    assert shown["step"] == "showing" and "".join(shown["digits"]) == challenge["digits"]
    assert 4000 < shown["left_ms"] <= 5000
    late = MEMORY.public_view(challenge, moves, 1.0 + challenge["seconds"] + GRACE + 1)
    assert late["step"] == "showing" and "digits" not in late
    moves.append({"kind": "hide", "at": 4.0})
    assert "digits" not in MEMORY.public_view(challenge, moves, 4.1)


def test_an_answer_faster_than_a_person_types_scores_zero():
    challenge = new()
    assert MEMORY.score(challenge, play(challenge, challenge["digits"], think=0.5), 9.0) == 0


def test_looking_longer_than_allowed_costs_points():
    challenge = new(seconds=5)
    fair = play(challenge, challenge["digits"], look=5 + GRACE)
    long = play(challenge, challenge["digits"], look=5 + GRACE + 2.5)
    very = play(challenge, challenge["digits"], look=60)
    assert MEMORY.score(challenge, fair, 99) == 1000
    assert MEMORY.score(challenge, long, 99) == 500
    assert MEMORY.score(challenge, very, 99) == 0


def test_an_answer_is_refused_while_the_digits_show_or_before():
    challenge = new()
    assert MEMORY.accept(challenge, [], {"action": "answer", "answer": "1"}, 1.0) is None
    showing = [{"kind": "show", "at": 1.0}]
    assert MEMORY.accept(challenge, showing, {"action": "answer", "answer": "1"}, 2.0) is None
    assert MEMORY.accept(challenge, showing, {"action": "show"}, 2.0) is None


@pytest.mark.parametrize("answer", [["1", "2"], 123456, None, "9" * 500, {"a": 1}])
def test_malformed_answers_score_zero_and_never_crash(answer):
    challenge = new()
    typing = [{"kind": "show", "at": 1.0}, {"kind": "hide", "at": 3.0}]
    move = MEMORY.accept(challenge, typing, {"action": "answer", "answer": answer}, 9.0)
    assert move == {"kind": "answer", "answer": None}
    assert MEMORY.score(challenge, [*typing, {**move, "at": 9.0}], 9.0) == 0


def test_crafted_moves_score_nothing_more():
    challenge = new()
    digits = challenge["digits"]
    no_hide = [{"kind": "show", "at": 1.0}, {"kind": "answer", "answer": digits, "at": 9.0}]
    assert MEMORY.score(challenge, no_hide, 9.0) == 0
    out_of_order = [
        {"kind": "hide", "at": 1.0},
        {"kind": "show", "at": 2.0},
        {"kind": "answer", "answer": digits, "at": 9.0},
    ]
    assert MEMORY.score(challenge, out_of_order, 9.0) == 0
    forged = [
        {"kind": "show", "at": 1.0},
        {"kind": "hide", "at": 3.0},
        {"kind": "answer", "answer": "x", "at": 9.0, "score": 1000},
        {"kind": "score", "score": 1000, "at": 9.5},
    ]
    assert MEMORY.score(challenge, forged, 9.0) == 0
    longer = [*forged[:2], {"kind": "answer", "answer": digits + "0000", "at": 9.0}]
    assert MEMORY.score(challenge, longer, 9.0) == 1000  # extra digits never help
