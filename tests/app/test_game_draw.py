"""A campaign's game before its draw, through the test client: play, then Draw with merit."""

import random
import re
from collections import Counter
from dataclasses import replace
from datetime import timedelta

import pytest

from app.lottery.conditions import to_toml
from app.new_campaign import create_campaign
from app.play import gate
from app.store import campaigns, claims, get_db, plays
from tests.factories import QUIZ, START, Terminal, conditions, create_from_file
from tests.invite.test_race import invite_many


def game_campaign(app, slug="quick", extra="", game=QUIZ, **kw):
    """Create a campaign whose condition file adds `extra` (e.g. [merit]) and the game."""
    kw.setdefault("mode", "speed")
    c = conditions(slug=slug, **kw)
    with app.app_context():
        text = to_toml(c) + "\n" + extra + "\n" + game
        create_from_file(c, text, START)
    return c


def html(response) -> str:
    return response.get_data(as_text=True)


def play_quiz(app, t, clock, right=2):
    """Answer the quiz in the browser's play: the first `right` answers right, the rest wrong."""
    t.get("/play")
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, t.slug)
        holder = db.execute(
            "SELECT holder FROM plays WHERE campaign_id = ? ORDER BY id DESC LIMIT 1",
            [campaign.id],
        ).fetchone()[0]
        questions = plays.play_of(db, campaign.id, holder).challenge["questions"]
    for index, q in enumerate(questions):
        clock.advance(seconds=3)
        choice = q["answer"] if index < right else (q["answer"] + 1) % len(q["choices"])
        assert t.post("/play", {"q": str(index), "choice": str(choice)}).status_code == 303


@pytest.fixture
def merits(monkeypatch):
    """Record the merit every draw is held with."""
    seen = []
    real = claims.hold

    def hold(*args, **kw):
        seen.append(kw.get("merit", 0))
        return real(*args, **kw)

    monkeypatch.setattr(claims, "hold", hold)
    return seen


def test_a_speed_page_sends_to_the_game_first_then_shows_draw(app, client, clock):
    game_campaign(app, tilt=500)
    t = Terminal(client, "quick")
    page = html(t.get())
    assert 'href="/c/quick/play"' in page and "Play the game" in page
    assert 'action="/c/quick/draw"' not in page
    assert "A better score improves your odds in the draw." in page
    play_quiz(app, t, clock)
    page = html(t.get())
    assert "Your score: 1000 out of 1000." in page
    assert 'action="/c/quick/draw"' in page and ">Draw<" in page


def test_with_tilt_zero_the_game_is_just_for_fun_and_merit_is_zero(app, client, clock, merits):
    game_campaign(app, tilt=0)
    t = Terminal(client, "quick")
    assert "This game is just for fun" in html(t.get())
    play_quiz(app, t, clock)
    assert t.post("/draw").status_code == 303
    assert merits == [0]


def test_the_draw_takes_the_score_as_merit(app, client, clock, merits):
    game_campaign(app, tilt=500)
    t = Terminal(client, "quick")
    play_quiz(app, t, clock, right=2)
    assert t.post("/draw").status_code == 303
    assert merits == [1000]  # no [merit] table: the game is the whole merit
    assert "% off" in html(t.get("/entry"))


def test_merit_weights_count_only_the_game_part_in_a_speed_lottery(app, client, clock, merits):
    game_campaign(app, tilt=500, extra="[merit]\ngame = 50\npurchases = 50\n")
    t = Terminal(client, "quick")
    play_quiz(app, t, clock, right=2)
    t.post("/draw")
    assert merits == [500]  # 50 × 1000 / (50 + 50): a speed lottery knows no purchases


def test_an_unfinished_play_is_scored_as_it_stands_when_drawing(app, client, clock, merits):
    game_campaign(app, tilt=500)
    t = Terminal(client, "quick")
    t.get("/play")
    with app.app_context():
        db = get_db()
        cid = campaigns.by_slug(db, "quick").id
        holder = db.execute("SELECT holder FROM plays").fetchone()[0]
        q = plays.play_of(db, cid, holder).challenge["questions"][0]
    clock.advance(seconds=3)
    t.post("/play", {"q": "0", "choice": str(q["answer"])})
    page = html(t.get())
    assert "if you draw now, it is scored as it stands" in page
    assert 'action="/c/quick/draw"' in page
    assert t.post("/draw").status_code == 303
    assert merits == [500]
    with app.app_context():
        play = plays.play_of(get_db(), cid, holder)
    assert play.finished and play.score == 500
    # The game is over once drawn: no more moves count.
    assert t.post("/play", {"q": "1", "choice": "0"}).status_code == 409


def test_drawing_without_playing_counts_the_game_as_zero(app, client, merits):
    game_campaign(app, tilt=500)
    t = Terminal(client, "quick")
    t.get()
    assert t.post("/draw").status_code == 303
    assert merits == [0]


def test_a_board_draws_with_merit_zero_even_after_a_perfect_game(app, client, clock, merits):
    game_campaign(app, tilt=500, mode="board")
    t = Terminal(client, "quick")
    play_quiz(app, t, clock)
    assert t.claim(3).status_code == 303
    assert merits == [0]


def invitee_browser(app, slug, now):
    campaign, people = invite_many(app, slug, 2, now)
    with app.app_context():
        get_db().execute("UPDATE invitations SET status = 'sent', sent_at = ?", [now.isoformat()])
    t = Terminal(app.test_client(), slug)
    with t.client.session_transaction() as s:
        s[f"invite.{campaign.id}"] = [people[1].id, 0]  # (id, password generation)
    return t, people[1]


def test_an_invitee_plays_then_draws_with_speed_purchases_and_game(app, clock, merits):
    extra = "[merit]\nspeed = 1\npurchases = 1\ngame = 2\npurchases_full = 2\n"
    game_campaign(app, slug="vip", mode="invite", tilt=800, extra=extra)
    t, person = invitee_browser(app, "vip", clock.now)
    page = html(t.get("/invited"))
    assert 'href="/c/vip/play"' in page and 'action="/c/vip/invited/draw"' not in page
    assert "A better score improves your odds in the draw." in page
    play_quiz(app, t, clock, right=1)  # the play's holder is the invitation's
    with app.app_context():
        assert get_db().execute("SELECT holder FROM plays").fetchone()[0] == f"invite:{person.id}"
    page = html(t.get("/invited"))
    assert "Your score: 500 out of 1000." in page and 'action="/c/vip/invited/draw"' in page
    assert t.post("/invited/draw").status_code == 303
    # speed 1000 (within a day), purchases 1 of 2 = 500, game 500: (1000 + 500 + 2 × 500) / 4
    assert merits == [625]


def test_an_invitee_must_log_in_to_play(app, clock):
    game_campaign(app, slug="vip", mode="invite", tilt=800)
    t = Terminal(app.test_client(), "vip")
    assert t.get("/play").status_code == 403


@pytest.mark.parametrize("tilt", [0, 900])
def test_simulation_high_scorers_draw_higher_values_only_with_a_tilt(app, monkeypatch, tilt):
    """60 players, half scoring 1000 and half 0, draw every coupon of a fixed-seed campaign."""
    monkeypatch.setattr("app.new_campaign.new_seed", lambda: bytes(range(32)))
    game_campaign(app, slug="sim", tilt=tilt, prizes=((50, 20), (20, 20), (5, 20)))
    order = random.Random(12).sample(range(60), 60)
    drawn = {"high": [], "low": []}
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "sim")
        values = {p.id: p.value for p in campaigns.prizes(db, campaign.id).values()}
        for i in order:
            moment = START + timedelta(seconds=i)
            holder = f"board:sim-{i}"
            kind = "high" if i % 2 else "low"
            play = plays.start(db, campaign.id, holder, "quiz", {"questions": []}, moment)
            plays.finish(db, play.id, 1000 if kind == "high" else 0, moment)
            merit = gate.game_merit(db, campaign, holder, moment)
            assert merit == (0 if not tilt else 1000 if kind == "high" else 0)
            entry = claims.hold(db, campaign, holder, moment, merit=merit)
            drawn[kind].append(values[entry.prize_id])
        bands = plays.value_by_band(db, campaign.id)
    # The breakdown is exact whatever the merits: every coupon drawn once.
    assert Counter(drawn["high"] + drawn["low"]) == {50: 20, 20: 20, 5: 20}
    high, low = (sum(v) / len(v) for v in (drawn["high"], drawn["low"]))
    means = (bands[9].means["percent"], bands[0].means["percent"])
    assert means == pytest.approx((high, low))
    assert bands[9].drawn == bands[0].drawn == 30
    if tilt:
        assert high > low + 10, (high, low)
    else:
        assert abs(high - low) < 15, (high, low)


def test_the_result_page_says_whether_the_score_counts(app, client, clock):
    game_campaign(app, tilt=500, extra="[merit]\npurchases = 10\n")
    t = Terminal(client, "quick")
    play_quiz(app, t, clock)
    # A tilt, but a [merit] table that gives the game no weight: the score changes nothing.
    assert "This game was just for fun" in html(t.get("/play"))
    assert "This game is just for fun" in html(t.get())


def test_the_invitation_reveal_is_a_roulette_when_the_file_says_so(app, clock):
    c = conditions(slug="vip", mode="invite", prizes=((25, 1), (10, 2)), losing=1)
    c = replace(c, reveal="roulette")
    with app.app_context():
        create_campaign(c, START)
    t, _person = invitee_browser(app, "vip", clock.now)
    t.get("/invited")
    t.post("/invited/draw")
    page = html(t.get("/invited"))
    assert 'data-reveal="roulette"' in page
    labels = re.findall(r'class="wheel-segment" data-label="([^"]+)"', page)
    assert set(labels) == {"25 % off", "10 % off", "No prize"}
    assert "You won" not in page and "No prize this time." not in page  # not before the spin
    t.post("/invited/reveal")
    page = html(t.get("/invited"))
    assert "You won" in page or "No prize this time." in page
