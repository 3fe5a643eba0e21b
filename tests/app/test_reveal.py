"""The reveal as the server writes it: one result, a scratch card or a landed roulette."""

import re
from collections import Counter
from dataclasses import replace

from app.board.reveal import stop_angle
from app.campaigns import create_campaign
from tests.factories import START, Terminal, conditions

MIXED = ((25, 7), (20, 7), (10, 6))


def make(app, reveal="scratch", slug="spring", **kw):
    c = replace(conditions(slug=slug, **kw), reveal=reveal)
    with app.app_context():
        create_campaign(c, START)
    return c


def page(t) -> str:
    return t.get("/entry").get_data(as_text=True)


def landed_label(html: str) -> str:
    """Read which segment the wheel's stop angle puts under the pointer."""
    stop = float(re.search(r'data-stop="([\d.]+)"', html).group(1))
    labels = re.findall(r'class="wheel-segment" data-label="([^"]+)"', html)
    n = len(labels)
    index = round((360 - stop) % 360 / (360 / n) - 0.5) % n
    assert stop_angle(n, index) == stop
    return labels[index]


def test_a_scratch_card_holds_the_result_under_a_cover_with_a_reveal_button(app, client):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    html = page(t)
    assert 'data-reveal="scratch"' in html and 'class="scratch-cover"' in html
    assert re.search(r'<button type="button" class="secondary reveal-button">Reveal</button>', html)
    assert 'role="status" aria-live="polite"' in html
    assert re.search(r'class="scratch-result reveal-result">Tile 4: <strong>\d+ % off', html)
    assert "/static/js/reveal.js" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script: the CSP forbids it


def test_a_form_sent_back_with_errors_does_not_play_the_reveal_again(app, client):
    make(app, prizes=MIXED)
    t = Terminal(client)
    t.claim(4)
    html = t.confirm(email="not an address").get_data(as_text=True)
    assert 'class="reveal reveal-scratch revealed"' in html
    assert "scratch-cover" not in html.split("reveal-status")[0].split("reveal-scratch")[1]
    assert "reveal-button" not in html


def test_a_roulette_shows_each_label_equally_and_lands_on_the_drawn_prize(app, client):
    make(app, reveal="roulette", prizes=MIXED)
    t = Terminal(client)
    t.claim(9)
    html = page(t)
    assert 'data-reveal="roulette"' in html and "Spin the roulette" in html
    labels = Counter(re.findall(r'class="wheel-segment" data-label="([^"]+)"', html))
    assert set(labels) == {"25 % off", "20 % off", "10 % off"}
    assert len(set(labels.values())) == 1  # nothing on the wheel tells how many exist
    won = re.search(r"Tile 9: <strong>([^<]+)</strong>", html).group(1)
    assert landed_label(html) == won
    assert "No prize" not in html


def test_a_losing_draw_lands_on_its_own_segment(app, client):
    make(app, reveal="roulette", prizes=((25, 1),), losing=20)
    for n in range(1, 4):
        t = Terminal(app.test_client())
        t.claim(n)
        html = page(t)
        labels = set(re.findall(r'class="wheel-segment" data-label="([^"]+)"', html))
        assert labels == {"25 % off", "No prize"}
        if "no prize this time" in html:
            assert landed_label(html) == "No prize"
            return
    raise AssertionError("three draws from 20 losing of 21 all won")


def test_a_speed_lottery_reveals_on_its_ticket_page_too(app, client):
    make(app, reveal="roulette", slug="speedy", mode="speed", prizes=MIXED)
    t = Terminal(client, "speedy")
    t.post("/draw")
    html = page(t)
    won = re.search(r"Tile \d+: <strong>([^<]+)</strong>", html).group(1)
    assert landed_label(html) == won
