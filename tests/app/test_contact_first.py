"""reveal_order = "after-contact": contact details before the reveal, one person one draw.

Eight tiles, two coupons and six losing slips, so every test sees both outcomes.
"""

import re

import pytest

from app.store import get_db
from tests.factories import Terminal, make_campaign

HANAKO = {
    "name": "Hanako Yamada",
    "postal_code": "104-0061",
    "address": "1-2-3 Ginza, Chuo-ku, Tokyo",
    "phone": "090-1234-5678",
    "email": "hanako.yamada@gmail.com",
}
PRIZE_WORDS = ("25 % off", "no prize this time", "No prize", "Thank you for taking part", "outcome")


@pytest.fixture
def slug(app):
    make_campaign(app, slug="first", prizes=((25, 2),), losing=6, reveal_order="after-contact")
    return "first"


def browser(app, slug, address):
    """A fresh browser (no cookies) at its own address."""
    t = Terminal(app.test_client(), slug)
    t.address = {"REMOTE_ADDR": address}
    return t


def drawn(app, slug, count=8):
    """Every tile drawn by its own browser; return (winners, losers)."""
    wins, losses = [], []
    for no in range(1, count + 1):
        t = browser(app, slug, f"198.51.100.{no}")
        assert t.claim(no, environ_base=t.address).status_code == 303
        t.no = no
        with app.app_context():
            state = (
                get_db()
                .execute(
                    "SELECT state FROM entries WHERE tile_no = ? AND campaign_id ="
                    " (SELECT id FROM campaigns WHERE slug = ?)",
                    [no, slug],
                )
                .fetchone()[0]
            )
        (wins if state == "held" else losses).append(t)
    assert len(wins) == 2 and len(losses) == 6
    return wins, losses


def person(n: int) -> dict:
    return {**HANAKO, "email": f"p{n}@example.jp", "phone": f"03-5555-{n:04d}"}


def give(t, details):
    return t.post("/contact", details, environ_base=t.address)


def page(t) -> str:
    t.get("/entry", environ_base=t.address)
    return t.last.get_data(as_text=True)


def same_page(html: str) -> str:
    """A page with what differs by browser (its tile number and CSRF token) blanked."""
    html = re.sub(r"csrf_token\" value=\"[^\"]+\"|\"X-CSRFToken\": \"[^\"]+\"", "TOKEN", html)
    return re.sub(r"Tile \d+", "Tile N", html)


def revealed(app, t) -> bool:
    with app.app_context():
        row = (
            get_db().execute("SELECT revealed_at FROM entries WHERE tile_no = ?", [t.no]).fetchone()
        )
    return row[0] is not None


def test_before_the_details_a_coupon_and_a_loss_look_the_same(app, slug):
    board = browser(app, slug, "198.51.100.99").get().get_data(as_text=True)
    assert "Before your result is shown, you give your name" in board
    wins, losses = drawn(app, slug)
    win, loss = page(wins[0]), page(losses[0])
    assert 'action="/c/first/contact"' in win
    assert same_page(win) == same_page(loss)
    for words in PRIZE_WORDS:
        assert words not in win
    # Neither may be uncovered nor cancelled before the details: the same answer for both.
    for t in (wins[0], losses[0]):
        assert t.reveal().status_code == 409
        assert "Give your contact details first" in t.last.get_data(as_text=True)
        assert "25 % off" not in t.last.get_data(as_text=True)
        assert t.cancel().status_code == 409
        assert not revealed(app, t)


def test_details_then_reveal_confirms_a_coupon_and_keeps_nothing_for_a_loss(app, slug):
    wins, losses = drawn(app, slug)
    win, loss = wins[0], losses[0]
    assert give(win, person(1)).status_code == 303
    assert give(loss, person(2)).status_code == 303
    covered = [page(win), page(loss)]
    assert same_page(covered[0]) == same_page(covered[1])
    assert "Reveal" in covered[0] and "25 % off" not in covered[0]
    assert not revealed(app, win) and not revealed(app, loss)
    with app.app_context():
        db = get_db()
        # The coupon is confirmed with the details at once: nothing to lapse or cancel.
        assert db.execute("SELECT name, email FROM destinations").fetchall() == [
            ("Hanako Yamada", "p1@example.jp")
        ]
        keys = db.execute("SELECT email_key, phone_key FROM contact_keys").fetchall()
        assert len(keys) == 2
        # The loss kept digests only: neither the address nor the number as written.
        assert all(re.fullmatch(r"[0-9a-f]{64}", k) for row in keys for k in row)
    win.reveal()
    assert win.last.status_code == 303 and revealed(app, win)
    shown = page(win)
    assert "25 % off" in shown and "Thank you!" in shown and "Hanako Yamada" in shown
    assert 'action="/c/first/cancel"' not in shown
    loss.reveal()
    assert "no prize this time" in page(loss)
    assert loss.cancel().status_code == 409  # nothing to cancel after the reveal either


@pytest.mark.parametrize("outcome", ["win", "loss"])
@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("email", "hanakoyamada+kuji@gmail.com"),
        ("email", "Hanako.Yamada@googlemail.com"),
        ("phone", "+81 (0)90-1234-5678"),
        ("phone", "81-90-1234-5678"),
    ],
)
def test_the_same_person_elsewhere_is_refused_before_any_reveal(app, slug, outcome, field, written):
    wins, losses = drawn(app, slug, count=8)
    first = wins[0] if outcome == "win" else losses[0]
    assert give(first, HANAKO).status_code == 303
    # Another device at another address, fresh cookies, the same person written otherwise.
    for again in (wins[1], losses[1]):
        other = {**HANAKO, "email": "someone.else@example.jp", "phone": "03-9999-0000"}
        other[field] = written
        response = give(again, other)
        html = response.get_data(as_text=True)
        assert response.status_code == 409
        assert "has already drawn in this campaign: one draw per person" in html
        assert "25 % off" not in html and "no prize this time" not in html
        assert not revealed(app, again)
        assert again.reveal().status_code == 409  # still covered, and stays so


def test_a_draw_whose_details_never_came_lapses_the_same_either_way(app, slug, clock):
    wins, losses = drawn(app, slug)
    clock.advance(minutes=16)
    win, loss = page(wins[0]), page(losses[0])
    assert "did not arrive in time" in win
    assert same_page(win) == same_page(loss)
    assert give(wins[0], person(3)).status_code == 409
    assert give(losses[0], person(4)).status_code == 409
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM contact_keys").fetchone()[0] == 0


def test_the_speed_lottery_asks_first_too(app):
    make_campaign(app, slug="quick", prizes=((25, 3),), mode="speed", reveal_order="after-contact")
    t = browser(app, "quick", "198.51.100.40")
    assert "Before your result is shown" in t.get().get_data(as_text=True)
    assert t.post("/draw", environ_base=t.address).status_code == 303
    assert 'action="/c/quick/contact"' in page(t) and "25 % off" not in page(t)
    assert give(t, HANAKO).status_code == 303
    t.reveal()
    assert "You won" in page(t)
    again = browser(app, "quick", "203.0.113.7")
    again.post("/draw", environ_base=again.address)
    refused = give(again, {**HANAKO, "email": "hanakoyamada+kuji@gmail.com"})
    assert refused.status_code == 409


def test_the_default_order_is_unchanged(app, campaign, terminal):
    assert "Before your result is shown" not in terminal.get().get_data(as_text=True)
    terminal.claim(1)
    assert 'action="/c/spring/reveal"' in terminal.get("/entry").get_data(as_text=True)
    assert terminal.post("/contact", HANAKO).status_code == 409


def test_a_loss_drawn_as_the_campaign_ends_is_uncovered_without_details(app, slug):
    wins, losses = drawn(app, slug)
    for n, t in enumerate(wins):
        assert give(t, person(10 + n)).status_code == 303
    # Every tile is confirmed or lost: the campaign has ended, nobody can draw again.
    shown = page(losses[0])
    assert 'action="/c/first/reveal"' in shown and 'action="/c/first/contact"' not in shown
    assert "no prize this time" not in shown
    losses[0].reveal()
    assert "no prize this time" in page(losses[0])
