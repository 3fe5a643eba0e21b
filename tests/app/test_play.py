"""A campaign's mini-game through the Flask test client: start, moves, result, refusals."""

import json
from datetime import timedelta

import pytest

from app.lottery.conditions import to_toml
from app.play import playing
from app.store import get_db, plays
from tests.factories import QUIZ, START, Terminal, conditions, create_from_file
from tests.unit.test_game_stop import when_on


def make_game_campaign(app, game: str, slug="play", **kw):
    """Create a campaign whose stored condition file ends with `game` (a [game] table)."""
    c = conditions(slug=slug, **kw)
    with app.app_context():
        text = to_toml(c) + "\n" + game
        create_from_file(c, text, START)
    return c


def the_play(app, slug="play"):
    """Return the one play of the campaign (tests have one player), with its secrets."""
    with app.app_context():
        db = get_db()
        row = db.execute(
            "SELECT p.holder FROM plays p JOIN campaigns c ON c.id = p.campaign_id"
            " WHERE c.slug = ?",
            [slug],
        ).fetchall()
        assert len(row) == 1
        cid = db.execute("SELECT id FROM campaigns WHERE slug = ?", [slug]).fetchone()[0]
        return plays.play_of(db, cid, row[0][0])


def html(response) -> str:
    return response.get_data(as_text=True)


def answer_all(app, t, clock, right=True):
    for index, q in enumerate(the_play(app).challenge["questions"]):
        clock.advance(seconds=3)
        choice = q["answer"] if right else (q["answer"] + 1) % len(q["choices"])
        assert t.post("/play", {"q": str(index), "choice": str(choice)}).status_code == 303


def test_a_quiz_from_first_question_to_its_score(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    page = html(t.get("/play"))
    assert "Quiz about the goods" in page and "Question 1 of 2" in page
    assert 'name="choice"' in page and 'name="csrf_token"' in page
    assert "just for fun" in page
    answer_all(app, t, clock)
    result = html(t.get("/play"))
    assert "Your score: 1000 out of 1000." in result
    assert "This game was just for fun: your score does not change the draw." in result
    assert 'href="/c/play"' in result
    assert the_play(app).score == 1000


def test_with_a_tilt_the_page_says_a_better_score_improves_the_odds(app, client, clock):
    make_game_campaign(app, QUIZ, tilt=500)
    t = Terminal(client, "play")
    assert "A better score improves your odds in the draw." in html(t.get("/play"))
    answer_all(app, t, clock, right=False)
    result = html(t.get("/play"))
    assert "Your score: 0 out of 1000." in result
    assert "A better score improves your odds in the draw." in result


def test_the_page_never_holds_the_answers(app, client):
    make_game_campaign(app, QUIZ)
    page = html(Terminal(client, "play").get("/play"))
    play = the_play(app)
    assert '"answer"' not in page and "answer =" not in page
    q = play.challenge["questions"][0]
    # The choices appear in this play's order, valued by their place on the page.
    for value, choice in enumerate(q["choices"]):
        assert f'value="{value}"' in page and choice in page


def test_one_play_per_respondent_a_replay_is_refused(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    answer_all(app, t, clock)
    again = t.post("/play", {"q": "0", "choice": "0"})
    assert again.status_code == 409 and "You have already played." in html(again)
    assert "Your score: 1000 out of 1000." in html(t.get("/play"))
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM plays").fetchone()[0] == 1


def test_an_abandoned_play_counts_and_resumes_where_it_was(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    clock.advance(seconds=3)
    t.post("/play", {"q": "0", "choice": "0"})
    clock.advance(days=1)
    assert "Question 2 of 2" in html(t.get("/play"))
    assert the_play(app).started_at == START


def test_a_double_submit_does_not_answer_the_next_question(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    clock.advance(seconds=3)
    assert t.post("/play", {"q": "0", "choice": "0"}).status_code == 303
    twice = t.post("/play", {"q": "0", "choice": "0"})
    assert twice.status_code == 409 and "Question 2 of 2" in html(twice)
    assert len(the_play(app).moves) == 1


def test_a_forged_score_or_time_in_the_form_changes_nothing(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    for index in range(2):  # answered at once: too fast to have read, whatever the form says
        t.post("/play", {"q": str(index), "choice": "7", "score": "1000", "at": "99", "kind": "x"})
    play = the_play(app)
    assert play.score == 0
    assert [m.data for m in play.moves] == [{"q": 0, "choice": None}, {"q": 1, "choice": None}]


def test_a_move_without_a_csrf_token_is_refused(app, client):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    assert t.post("/play", {"q": "0", "choice": "0"}, token=False).status_code == 400


def test_the_roulette_stops_where_the_servers_clock_says(app, client, clock):
    make_game_campaign(app, '\n[game]\nname = "stop"\nrounds = 2\nspeed = "fast"\n')
    t = Terminal(client, "play")
    page = html(t.get("/play"))
    assert "Round 1 of 2" in page and 'class="reel speed-fast"' in page and ">Stop<" in page
    challenge = the_play(app).challenge
    started = 0.0
    for index in range(2):
        at = when_on(challenge, index, started)
        clock.now = START + timedelta(seconds=at)
        # A browser cannot move the stop: the time in the form is ignored.
        assert t.post("/play", {"round": str(index), "at": str(started)}).status_code == 303
        started = at
    assert the_play(app).score == 1000


def test_memory_shows_the_digits_only_on_request_and_times_the_answer(app, client, clock):
    make_game_campaign(app, '\n[game]\nname = "memory"\nlength = 5\nseconds = 4\n')
    t = Terminal(client, "play")
    ready = html(t.get("/play"))
    digits = the_play(app).challenge["digits"]
    assert "Show the digits" in ready and digits not in ready.replace("</span> <span>", "")
    clock.advance(seconds=2)
    t.post("/play", {"action": "show"})
    showing = html(t.get("/play"))
    assert "".join(digits) in showing.replace("</span> <span>", "").replace("<span>", "")
    clock.advance(seconds=3)
    t.post("/play", {"action": "memorised"})
    typing = html(t.get("/play"))
    assert 'name="answer"' in typing and 'inputmode="numeric"' in typing
    clock.advance(seconds=5)
    t.post("/play", {"action": "answer", "answer": digits})
    assert "Your score: 1000 out of 1000." in html(t.get("/play"))


def test_htmx_gets_the_next_step_as_a_fragment(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    clock.advance(seconds=3)
    answer = t.post("/play", {"q": "0", "choice": "0"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "Question 2 of 2" in html(answer) and "<html" not in html(answer)


@pytest.mark.parametrize(
    ("game", "sentence"),
    [
        ('\n[game]\nname = "tetris"\n', "This campaign&#39;s game is not available."),
        ('\n[game]\nname = "quiz"\n', "This campaign&#39;s game is not set up correctly yet."),
        ("", "This campaign has no game."),
        ("\n[game]\nname = 3\n", "This campaign has no game."),
    ],
)
def test_an_unknown_or_unplayable_game_is_a_clear_404(app, client, game, sentence):
    make_game_campaign(app, game)
    t = Terminal(client, "play")
    for answer in (t.get("/play"), t.post("/play", {"q": "0", "choice": "0"})):
        assert answer.status_code == 404
        assert sentence in html(answer)


def test_no_play_starts_outside_the_campaigns_period(app, client):
    make_game_campaign(app, QUIZ, opens=START + timedelta(days=1))
    answer = Terminal(client, "play").get("/play")
    assert answer.status_code == 403
    assert "only be played while the campaign is open" in html(answer)
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM plays").fetchone()[0] == 0


def test_an_invitation_campaign_needs_its_holder(app, client):
    make_game_campaign(app, QUIZ, mode="invite")
    answer = Terminal(client, "play").get("/play")
    assert answer.status_code == 403 and "Log in with your invitation" in html(answer)


def test_a_move_before_starting_goes_to_the_start(app, client):
    make_game_campaign(app, QUIZ)
    answer = Terminal(client, "play").post("/play", {"q": "0", "choice": "0"})
    assert answer.status_code == 303 and answer.location.endswith("/c/play/play")


def test_closing_before_the_draw_scores_what_was_played(app, client, clock):
    make_game_campaign(app, QUIZ)
    t = Terminal(client, "play")
    t.get("/play")
    clock.advance(seconds=3)
    q = the_play(app).challenge["questions"][0]
    t.post("/play", {"q": "0", "choice": str(q["answer"])})
    play = the_play(app)
    with app.app_context():
        db = get_db()
        assert playing.close(db, play.campaign_id, play.holder, clock.now) == 500
        assert playing.close(db, play.campaign_id, play.holder, clock.now) == 500
        assert playing.close(db, play.campaign_id, "board:never", clock.now) is None
    assert "Your score: 500 out of 1000." in html(t.get("/play"))


def test_the_challenge_in_the_store_is_json(app, client):
    make_game_campaign(app, QUIZ)
    Terminal(client, "play").get("/play")
    with app.app_context():
        stored = get_db().execute("SELECT challenge FROM plays").fetchone()[0]
    assert json.loads(stored)["questions"]
