"""The reveal as the server writes it: covered first, the outcome only in the reveal's answer."""

import re
from collections import Counter
from dataclasses import replace

from app.new_campaign import create_campaign
from app.public.reveal import stop_angle
from app.store import get_db
from tests.factories import START, Terminal, conditions

MIXED = ((25, 7), (20, 7), (10, 6))
HX = {"HX-Request": "true", "HX-Target": "main"}


def make(app, reveal="scratch", slug="spring", **kw):
    c = replace(conditions(slug=slug, **kw), reveal=reveal)
    with app.app_context():
        create_campaign(c, START)
    return c


def page(t) -> str:
    return t.get("/entry").get_data(as_text=True)


def body(html: str) -> str:
    """The page below the campaign's heading (whose goods text may name a discount)."""
    return html.split("</header>", 1)[1]


def landed_label(html: str) -> str:
    """Read which segment the wheel's stop angle puts under the pointer."""
    stop = float(re.search(r'data-stop="([\d.]+)"', html).group(1))
    labels = re.findall(r'class="wheel-segment" data-label="([^"]+)"', html)
    n = len(labels)
    index = round((360 - stop) % 360 / (360 / n) - 0.5) % n
    assert stop_angle(n, index) == stop
    return labels[index]


def revealed_at(app):
    with app.app_context():
        return get_db().execute("SELECT revealed_at FROM entries").fetchall()


def test_a_covered_card_holds_no_outcome_only_a_reveal_form(app, client):
    make(app, prizes=MIXED, losing=5)
    t = Terminal(client)
    t.claim(4)
    html = body(page(t))
    assert 'data-reveal="scratch"' in html and "Tile 4" in html
    assert re.search(r'<form class="reveal-form" method="post" action="/c/spring/reveal"', html)
    assert '<button type="submit" class="primary reveal-button">Reveal</button>' in html
    for spoiler in ("% off", 'name="email"', "no prize", "Thank you", "/confirm", "outcome"):
        assert spoiler not in html, spoiler
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script: the CSP forbids it
    assert revealed_at(app) == [(None,)]


def test_a_confirm_before_the_reveal_is_refused_and_changes_nothing(app, client, runner):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    response = t.confirm(reveal=False)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "still covered, so nothing was confirmed" in html
    assert 'name="email"' not in html and "% off" not in body(html)
    assert revealed_at(app) == [(None,)]
    assert len(runner.invoke(args=["campaign", "export", "spring"]).output.splitlines()) == 1
    assert t.confirm().status_code == 303  # uncovered, the same confirm goes through


def test_the_reveal_answer_brings_the_outcome_and_celebrates_only_once(app, client):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    html = t.post("/reveal", headers=HX).get_data(as_text=True)
    assert "<html" not in html and re.search(r"Tile 4: <strong>\d+ % off</strong>", html)
    assert re.search(r'data-celebrate="(grand|big|small)"', html) and 'name="email"' in html
    assert re.search(r'class="outcome-art" src="/static/img/prize-(gold|silver|bronze).svg"', html)
    assert revealed_at(app)[0][0] is not None
    again = t.post("/reveal", headers=HX).get_data(as_text=True)
    assert "data-celebrate" not in again and re.search(r"Tile 4: <strong>", again)
    assert "data-celebrate" not in page(t)  # a reload shows the outcome without a party


def test_without_javascript_the_reveal_post_redirects_to_the_uncovered_page(app, client):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    answer = t.reveal()
    assert answer.status_code == 303 and answer.location.endswith("/c/spring/entry")
    assert 'name="email"' in page(t)


def test_nobody_else_can_reveal_or_reveal_without_a_draw(app, client):
    make(app, prizes=MIXED)
    assert Terminal(client).reveal().status_code == 409


def test_a_form_sent_back_with_errors_shows_the_outcome_without_a_new_party(app, client):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    html = t.confirm(email="not an address").get_data(as_text=True)
    assert re.search(r"Tile 4: <strong>", html) and "data-celebrate" not in html
    assert "reveal-form" not in html


def test_a_covered_roulette_shows_each_label_equally_and_no_stop(app, client):
    make(app, reveal="roulette", prizes=MIXED)
    t = Terminal(client)
    t.claim(9)
    html = body(page(t))
    assert 'data-reveal="roulette"' in html and ">Spin the roulette<" in html
    labels = Counter(re.findall(r'class="wheel-segment" data-label="([^"]+)"', html))
    assert set(labels) == {"25 % off", "20 % off", "10 % off"}
    assert len(set(labels.values())) == 1  # nothing on the wheel tells how many exist
    assert "data-stop" not in html and 'transform="rotate(0)"' in html
    assert "No prize" not in html
    t.reveal()
    html = page(t)
    won = re.search(r"Tile 9: <strong>([^<]+)</strong>", html).group(1)
    assert landed_label(html) == won


def test_a_losing_draw_lands_on_its_own_segment_and_says_so_kindly(app, client):
    make(app, reveal="roulette", prizes=((25, 1),), losing=20)
    for n in range(1, 4):
        t = Terminal(app.test_client())
        t.claim(n)
        covered = body(page(t))
        labels = set(re.findall(r'class="wheel-segment" data-label="([^"]+)"', covered))
        assert labels == {"25 % off", "No prize"}
        t.reveal()
        html = page(t)
        if "no prize this time" in html:
            assert landed_label(html) == "No prize"
            assert "outcome-loss" in html and "We hope to see you" in html
            assert "no prize this time" not in covered
            return
    raise AssertionError("three draws from 20 losing of 21 all won")


def test_a_speed_lottery_speaks_of_the_draw_not_of_tiles(app, client):
    make(app, reveal="roulette", slug="speedy", mode="speed", prizes=MIXED)
    t = Terminal(client, "speedy")
    t.post("/draw")
    assert "Tile" not in body(page(t))
    t.reveal()
    html = page(t)
    won = re.search(r"You won <strong>([^<]+)</strong>", html).group(1)
    assert landed_label(html) == won
    assert "Tile" not in body(html) and "board" not in body(html)
    assert "the coupon goes back to the draw" in html


def test_the_words_before_a_draw_promise_a_coupon_only_when_every_draw_wins(app, client):
    make(app, slug="all", mode="speed", prizes=MIXED)
    make(app, slug="some", mode="speed", prizes=MIXED, losing=3)
    every = Terminal(client, "all").get().get_data(as_text=True)
    some = Terminal(app.test_client(), "some").get().get_data(as_text=True)
    assert "Press Draw to see which one is yours" in every and "win nothing" not in every
    assert "some draws win nothing. Press Draw to see what you get" in some
    ja = Terminal(app.test_client(), "some", lang="ja").get().get_data(as_text=True)
    assert "「くじを引く」を押して" in ja and "抽選する" not in ja
