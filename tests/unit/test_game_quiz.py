"""The quiz scores on the server: right answers read for at least a second each."""

import random

import pytest

import games

QUIZ = games.get("quiz")
SETTINGS = {
    "questions": [
        {"question": "Disc capacity?", "choices": ["4.7 GB", "700 MB", "25 GB"], "answer": 0},
        {"question": "Who makes it?", "choices": ["ABC", "XYZ corp.", "DEF", "GHI"], "answer": 1},
        {"question": "Rewritable?", "choices": ["No", "Yes"], "answer": 1},
        {"question": "Discount up to?", "choices": ["10 %", "25 %", "40 %"], "answer": 2},
    ]
}


def new(seed=1, settings=SETTINGS):
    return QUIZ.new_challenge(random.Random(seed), settings)


def play(challenge, choose, every=3.0):
    """Answer each question through accept(), `every` seconds apart; return the moves."""
    moves, clock = [], 0.0
    for index, q in enumerate(challenge["questions"]):
        clock += every
        form = {"q": str(index), "choice": choose(index, q)}
        move = QUIZ.accept(challenge, moves, form, clock)
        assert move is not None
        moves.append({**move, "at": clock})
    assert QUIZ.finished(challenge, moves)
    return moves, clock


def right(index, q):
    return str(q["answer"])


def test_every_right_answer_scores_1000():
    challenge = new()
    moves, clock = play(challenge, right)
    assert QUIZ.score(challenge, moves, clock) == 1000


def test_half_right_scores_500():
    challenge = new()
    moves, clock = play(challenge, lambda i, q: str(q["answer"] if i % 2 else q["answer"] - 1))
    assert QUIZ.score(challenge, moves, clock) == 500


def test_choices_are_shuffled_per_play_and_the_mapping_stays_on_the_server():
    orders = {tuple(new(seed)["questions"][0]["choices"]) for seed in range(20)}
    assert len(orders) > 1
    challenge = new(3)
    for q, asked in zip(SETTINGS["questions"], challenge["questions"], strict=False):
        if q["question"] == asked["question"]:
            assert asked["choices"][asked["answer"]] == q["choices"][q["answer"]]
    view = QUIZ.public_view(challenge, [], 0.0)
    assert "answer" not in view and "answer" not in str(view)
    assert [c for _, c in view["choices"]] == challenge["questions"][0]["choices"]


def test_random_answers_score_low_on_average():
    rng = random.Random(7)
    total = 0
    for seed in range(200):
        challenge = new(seed)
        moves, clock = play(challenge, lambda i, q: str(rng.randrange(len(q["choices"]))))
        total += QUIZ.score(challenge, moves, clock)
    assert total / 200 < 450  # chance: about a third right


def test_answers_faster_than_a_person_can_read_score_zero():
    challenge = new()
    moves, clock = play(challenge, right, every=0.5)
    assert QUIZ.score(challenge, moves, clock) == 0
    # Only the hurried one is lost.
    moves, clock = play(challenge, right, every=3.0)
    moves[1]["at"] = moves[0]["at"] + 0.2
    assert QUIZ.score(challenge, moves, clock) == 750


@pytest.mark.parametrize(
    "choice", ["9", "-1", "past the end", "1e3", "0x1", " ", "１", "99999999999", "", "+1"]
)
def test_a_choice_that_was_not_offered_counts_as_wrong(choice):
    challenge = new()
    if choice == "past the end":
        choice = str(len(challenge["questions"][0]["choices"]))
    move = QUIZ.accept(challenge, [], {"q": "0", "choice": choice}, 5.0)
    assert move == {"kind": "answer", "q": 0, "choice": None}
    assert QUIZ.score(challenge, [{**move, "at": 5.0}], 5.0) == 0


@pytest.mark.parametrize("form", [{}, {"choice": "0"}, {"q": "1", "choice": "0"}, "choice=0", None])
def test_a_form_for_another_question_or_none_is_not_a_move(form):
    assert QUIZ.accept(new(), [], form, 5.0) is None


def test_crafted_moves_cannot_score_more_than_playing_well():
    challenge = new()
    n = len(challenge["questions"])
    forged = [
        {"kind": "answer", "q": 0, "choice": True, "at": 3.0},  # a bool is not an index
        {"kind": "answer", "q": 1, "choice": [1], "at": 6.0},
        {"kind": "answer", "q": 2, "choice": 1.0, "at": "9"},  # a time that is not a number
        {"kind": "answer", "q": 3, "choice": -1, "at": 12.0, "score": 1000},
        {"kind": "score", "score": 1000, "at": 13.0},
        "1000",
        None,
    ]
    assert QUIZ.score(challenge, forged, 20.0) == 0
    # Repeating the right answer to one question counts once, for that question only.
    answer = challenge["questions"][0]["answer"]
    repeated = [{"kind": "answer", "q": 0, "choice": answer, "at": 3.0 * (i + 1)} for i in range(n)]
    assert QUIZ.score(challenge, repeated, 20.0) == 1000 // n
    assert QUIZ.score(challenge, {"not": "a list"}, 1.0) == 0


def test_extra_fields_in_a_form_are_ignored():
    challenge = new()
    move = QUIZ.accept(challenge, [], {"q": "0", "choice": "0", "score": "1000", "at": "0"}, 5.0)
    assert move == {"kind": "answer", "q": 0, "choice": 0}


def test_count_asks_a_random_subset():
    challenge = new(settings={**SETTINGS, "count": 2})
    assert len(challenge["questions"]) == 2


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"questions": []},
        {"questions": "what?"},
        {"questions": [{"question": "Q", "choices": ["a"], "answer": 0}]},
        {"questions": [{"question": "Q", "choices": ["a", "b"], "answer": 2}]},
        {"questions": [{"question": "Q", "choices": ["a", "b"], "answer": True}]},
        {"questions": [{"question": "Q", "choices": ["a", "a"], "answer": 0}]},
        {"questions": [{"question": "", "choices": ["a", "b"], "answer": 0}]},
        {**SETTINGS, "count": 9},
    ],
)
def test_bad_settings_are_problems(settings):
    assert QUIZ.problems(settings)
    with pytest.raises(games.BadSettings):
        new(settings=settings)
