"""The public board through the Flask test client."""

import re
from datetime import timedelta

from tests.factories import START, Terminal, make_campaign

TILE = re.compile(r'data-tile="(\d+)"')


def tiles_on(page) -> set[int]:
    return {int(n) for n in TILE.findall(page.get_data(as_text=True))}


def test_the_board_shows_the_goods_and_every_tile(terminal):
    page = terminal.get()
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "DVD-RAM by XYZ corp. — up to 40 % off" in html
    assert "coupons are being issued" in html.lower()
    assert tiles_on(page) == set(range(1, 101))
    assert "100 tiles left" in html


def test_the_board_never_reveals_the_breakdown(terminal):
    html = terminal.get().get_data(as_text=True)
    for secret in ("25 % off", "20 % off", "10 % off", "prize", "percent"):
        assert secret not in html


def test_unknown_campaign_is_404(client):
    assert client.get("/c/nope").status_code == 404
    assert client.post("/c/nope/claim", data={"tile": "1"}).status_code in (400, 404)


def test_claiming_a_tile_reveals_it_and_removes_it_from_other_boards(terminal, new_terminal):
    other = new_terminal()
    other.get()
    response = terminal.claim(7)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/c/spring/entry")
    covered = terminal.get("/entry").get_data(as_text=True).split("</header>")[1]
    assert "Tile 7" in covered and "% off" not in covered and 'name="email"' not in covered
    assert terminal.reveal().status_code == 303
    entry = terminal.get("/entry").get_data(as_text=True)
    assert re.search(r"Tile 7: <strong>\d+ % off</strong>", entry)
    assert 'name="email"' in entry and "Confirm" in entry and "Cancel" in entry
    assert 7 not in tiles_on(other.get())


def test_the_entry_page_s_old_address_still_leads_to_it(terminal):
    terminal.claim(7)
    moved = terminal.get("/ticket")
    assert moved.status_code == 301 and moved.location.endswith("/c/spring/entry")


def test_a_tile_someone_holds_is_refused_and_the_board_refreshes(terminal, new_terminal):
    terminal.claim(7)
    late = new_terminal()
    response = late.claim(7)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "That tile was just taken — pick another." in html
    assert 7 not in tiles_on(response) and 8 in tiles_on(response)
    # The refused terminal may still draw.
    assert late.claim(8).status_code == 303


def test_confirming_records_a_destination(terminal, runner):
    terminal.claim(12)
    response = terminal.confirm()
    assert response.status_code == 303
    thanks = terminal.get("/entry").get_data(as_text=True)
    assert "Thank you" in thanks and "issue no. 12" in thanks and "Hanako Yamada" in thanks
    out = runner.invoke(args=["campaign", "export", "spring"]).output.splitlines()
    assert out[0] == "issue_no,name,postal_code,address,phone,email,coupon,confirmed_at"
    assert out[1].startswith(
        '12,Hanako Yamada,104-0061,"1-2-3 Ginza, Chuo-ku, Tokyo",090-1234-5678,hanako@example.jp,'
    )
    assert len(out) == 2


def test_cancel_returns_the_tile_but_the_terminal_cannot_draw_again(terminal, new_terminal):
    terminal.claim(3)
    assert terminal.cancel().status_code == 303
    assert 3 in tiles_on(new_terminal().get())
    again = terminal.get()
    assert "You have already drawn in this campaign" in again.get_data(as_text=True)
    assert tiles_on(again) == set()
    assert terminal.claim(4).status_code == 403


def test_a_terminal_that_confirmed_sees_its_result_not_the_board(terminal):
    terminal.claim(3)
    terminal.confirm()
    page = terminal.get()
    html = page.get_data(as_text=True)
    assert "You have already drawn in this campaign" in html and "issue no. 3" in html
    assert tiles_on(page) == set()


def test_a_losing_draw_says_so_and_uses_up_the_draw(app):
    make_campaign(app, slug="lose", prizes=((25, 1),), losing=1)
    terminals = [Terminal(app.test_client(), "lose") for _ in (1, 2)]
    for no, t in enumerate(terminals, 1):
        t.claim(no)
    # Covered, a win and a loss are the same page but for the tile's number and the token.
    covered = [
        re.sub(
            r'value="[^"]+"|"X-CSRFToken": "[^"]+"|Tile \d',
            "",
            t.get("/entry").get_data(as_text=True),
        )
        for t in terminals
    ]
    assert covered[0] == covered[1] and "prize" not in covered[0] and "Thank you" not in covered[0]
    for t in terminals:
        assert t.confirm(reveal=False).status_code == 409  # refused while covered
        t.reveal()
    pages = [t.get("/entry").get_data(as_text=True) for t in terminals]
    losers = [t for t, html in zip(terminals, pages, strict=True) if "no prize this time" in html]
    assert len(losers) == 1  # one prize and one losing sheet: exactly one of two loses
    loser = losers[0]
    assert 'name="email"' not in loser.get("/entry").get_data(as_text=True)
    assert loser.claim(1).status_code == 403
    assert loser.confirm().status_code == 409


def test_a_hold_expires_after_hold_minutes(terminal, new_terminal, clock):
    terminal.claim(5)
    clock.advance(minutes=15)
    assert 5 in tiles_on(new_terminal().get())
    html = terminal.get("/entry").get_data(as_text=True)
    assert "ran out" in html
    assert terminal.confirm().status_code == 409
    assert terminal.claim(6).status_code == 403


def test_before_and_after_the_period(app, clock, client):
    make_campaign(
        app, slug="later", opens=START + timedelta(days=1), closes=START + timedelta(days=2)
    )
    t = Terminal(client, "later")
    page = t.get()
    assert "Not open yet" in page.get_data(as_text=True) and tiles_on(page) == set()
    assert t.claim(1).status_code == 403
    clock.advance(days=3)
    page = t.get()
    assert "has closed" in page.get_data(as_text=True) and tiles_on(page) == set()
    assert "hx-trigger" not in page.get_data(as_text=True)
    assert t.claim(1).status_code == 403


def test_the_campaign_ends_when_every_tile_is_confirmed(app, client, new_terminal):
    make_campaign(app, slug="tiny", prizes=((25, 2),))
    for n in (1, 2):
        t = Terminal(new_terminal().client, "tiny")
        t.claim(n)
        t.confirm(email=f"p{n}@example.jp", phone=f"090-0000-000{n}")
    page = Terminal(client, "tiny").get()
    assert "has closed" in page.get_data(as_text=True)
    assert tiles_on(page) == set()


def test_claims_still_work_with_csrf_checks_turned_off(app, new_terminal):
    app.config["WTF_CSRF_ENABLED"] = False
    first = new_terminal()
    assert first.post("/claim", {"tile": "4"}, token=False).status_code == 303
    assert first.post("/claim", {"tile": "5"}, token=False).status_code == 403


def test_a_tile_given_back_hides_a_freshly_drawn_coupon_each_time(app, campaign):
    """Nobody can map the board: tile 7 claimed after each cancel gives different coupons."""
    seen = set()
    for _ in range(30):
        t = Terminal(app.test_client())
        assert t.claim(7).status_code == 303
        t.reveal()
        seen.add(t.get("/entry").get_data(as_text=True).split("<strong>")[1].split("<")[0])
        assert t.cancel().status_code == 303
    assert len(seen) >= 2, seen  # 70/20/10: thirty times the same coupon has p < 1e-4
