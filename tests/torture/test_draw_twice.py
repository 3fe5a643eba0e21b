"""Abuse by a respondent who wants a second draw: every way in is refused, and a refused
attempt leaves the database exactly as it was."""

import threading

import pytest
from itsdangerous import URLSafeSerializer

from app.store import campaigns, get_db
from tests.factories import Terminal, make_campaign

from .live import Browser, open_campaign, query
from .refusals import ALREADY, HANAKO, NO_HOLD, holding, refused


@pytest.mark.parametrize(
    ("email", "phone", "field"),
    [
        ("HANAKO@EXAMPLE.JP", "080-1111-0001", "e-mail address"),
        (" Hanako@Example.jp ", "080-1111-0002", "e-mail address"),
        ("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "080-1111-0003", "e-mail address"),
        ("other1@example.jp", "０９０-１２３４-５６７８", "phone number"),
        ("other2@example.jp", "09012345678", "phone number"),
        ("other3@example.jp", "090(1234)5678", "phone number"),
        ("other4@example.jp", "090 1234 5678", "phone number"),
    ],
)
def test_a_wiped_cookie_draws_again_but_the_same_person_is_refused(
    new_terminal, snapshot, email, phone, field
):
    first = new_terminal()
    assert first.claim(1).status_code == 303
    assert first.confirm(**HANAKO).status_code == 303
    # Cookies wiped: a new session from the same address may draw (the IP limit is generous)…
    again = new_terminal()
    assert again.claim(2).status_code == 303
    again.reveal()
    before = snapshot()
    # …but the same person cannot receive a second coupon, however the details are written.
    html = refused(again.confirm(email=email, phone=phone), 409)
    assert f"This {field} {ALREADY}" in html
    assert snapshot() == before
    holding(again, 2)


@pytest.mark.parametrize("invisible", ["\u200b", "\u2060", "\ufeff", "\u00ad"])
def test_an_invisible_character_does_not_make_a_new_email(new_terminal, snapshot, invisible):
    first = new_terminal()
    assert first.claim(1).status_code == 303
    assert first.confirm(**HANAKO).status_code == 303
    again = new_terminal()
    assert again.claim(2).status_code == 303
    again.reveal()
    before = snapshot()
    # Looks exactly like hanako@example.jp in the destination list.
    response = again.confirm(email=f"hana{invisible}ko@example.jp", phone="080-1111-0009")
    refused(response, 409, 422)
    assert snapshot() == before


@pytest.mark.parametrize("phone", ["+81 90-1234-5678", "+81-90-1234-5678", "0081 90 1234 5678"])
def test_the_same_phone_in_international_form_is_refused(new_terminal, snapshot, phone):
    first = new_terminal()
    assert first.claim(1).status_code == 303
    assert first.confirm(**HANAKO).status_code == 303
    again = new_terminal()
    assert again.claim(2).status_code == 303
    again.reveal()
    before = snapshot()
    html = refused(again.confirm(email="other@example.jp", phone=phone), 409)
    assert f"This phone number {ALREADY}" in html
    assert snapshot() == before


def test_a_forged_cookie_counts_as_no_cookie(app, terminal, new_terminal, snapshot):
    assert terminal.claim(5).status_code == 303
    genuine = terminal.client.get_cookie("kuji_spring", path="/c/spring").value
    with app.app_context():
        db = get_db()
        spring = campaigns.by_slug(db, "spring")
        (entry_id,) = db.execute("SELECT entry_id FROM tiles WHERE no = 5").fetchone()
    make_campaign(app, slug="autumn")
    other = Terminal(app.test_client(), "autumn")
    assert other.claim(5).status_code == 303
    foreign = other.client.get_cookie("kuji_autumn", path="/c/autumn").value
    right = URLSafeSerializer("test-secret", salt=f"kuji.terminal.{spring.id}")
    wrong_key = URLSafeSerializer("guessed-secret", salt=f"kuji.terminal.{spring.id}")
    forgeries = {
        "garbage": "x" * 40,
        "flipped signature": genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB"),
        "no signature": genuine.rsplit(".", 1)[0],
        "another campaign's cookie": foreign,
        "wrong key": wrong_key.dumps({"e": entry_id, "h": "board:guess"}),
        # Even with the real key (a leak), naming the entry is not enough to act on it.
        "real key, old format": right.dumps({"e": entry_id}),
        "real key, guessed holder": right.dumps({"e": entry_id, "h": "board:guess"}),
        "real key, not a dict": right.dumps([entry_id]),
        "huge": "A" * 4000,
    }
    for name, value in forgeries.items():
        thief = new_terminal()
        thief.client.set_cookie("kuji_spring", value, path="/c/spring")
        page = thief.get().get_data(as_text=True)
        assert "data-tile" in page and "Tile 5:" not in page, name
        assert thief.get("/entry").status_code == 303, name
        before = snapshot()
        assert NO_HOLD in refused(thief.confirm(email="thief@example.jp"), 409), name
        assert NO_HOLD in refused(thief.cancel(), 409), name
        assert snapshot() == before, name
    # The genuine holder is untouched and can still confirm.
    holding(terminal, 5)
    assert terminal.confirm().status_code == 303


def test_a_lapsed_hold_cannot_confirm_the_next_holders_tile(
    terminal, new_terminal, clock, snapshot
):
    assert terminal.claim(7).status_code == 303
    clock.advance(minutes=16)
    successor = new_terminal()
    assert successor.claim(7).status_code == 303
    before = snapshot()
    refused(terminal.confirm(email="late@example.jp", phone="080-2222-3333"), 409)
    refused(terminal.cancel(), 409)
    assert snapshot() == before
    assert successor.confirm(name="Successor").status_code == 303
    assert "sent to Successor" in successor.get("/entry").get_data(as_text=True)


def test_a_second_tab_cannot_draw_again(app, terminal, snapshot):
    assert terminal.claim(3).status_code == 303
    tab = Terminal(terminal.client, "spring")  # same cookies, its own page
    assert "Tile 3" in tab.get().get_data(as_text=True)
    before = snapshot()
    for no in (3, 4, 99):
        assert "You have already drawn" in refused(tab.claim(no), 403)
    assert snapshot() == before
    assert terminal.confirm().status_code == 303
    before = snapshot()
    for t in (tab, terminal):
        assert "already drawn" in refused(t.claim(4), 403)
    assert snapshot() == before


def test_a_cancelled_draw_is_still_a_draw(terminal, snapshot):
    assert terminal.claim(8).status_code == 303
    assert terminal.cancel().status_code == 303
    before = snapshot()
    refused(terminal.claim(8), 403)
    refused(terminal.claim(9), 403)
    refused(terminal.confirm(), 409)
    refused(terminal.cancel(), 409)
    assert snapshot() == before


def test_a_replayed_confirm_changes_nothing(terminal, snapshot):
    assert terminal.claim(9).status_code == 303
    data = {"name": "Hanako Yamada", **HANAKO}
    assert terminal.confirm(**data).status_code == 303
    before = snapshot()
    refused(terminal.confirm(**data), 409)
    refused(terminal.confirm(name="Someone Else", email="else@example.jp"), 409)
    refused(terminal.cancel(), 409)
    assert snapshot() == before
    html = terminal.get("/entry").get_data(as_text=True)
    assert "Thank you" in html and "sent to Hanako Yamada" in html


def _parallel(live, slug, tiles):
    """Send one claim per tile at the same moment, all with one terminal's cookies."""
    browser = Browser(live.url, slug)
    assert browser.get().status == 200
    tabs = [browser.twin() for _ in tiles]
    barrier = threading.Barrier(len(tiles))
    statuses = [None] * len(tiles)

    def claim(i):
        barrier.wait(10)
        statuses[i] = tabs[i].claim(tiles[i]).status

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(tiles))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    entries = query(
        live.db_path,
        "SELECT count(*) FROM entries e JOIN campaigns c ON c.id = e.campaign_id WHERE c.slug = ?",
        [slug],
    )[0][0]
    return statuses, entries


def test_parallel_claims_of_one_tile_from_one_terminal_win_once(live):
    open_campaign(live.app, "par-same")
    statuses, entries = _parallel(live, "par-same", [13] * 10)
    # The others are refused as "taken" (409) or as "already drawn" (403).
    assert sorted(statuses)[0] == 303 and all(s in (403, 409) for s in sorted(statuses)[1:])
    assert entries == 1


def test_parallel_claims_of_many_tiles_from_one_terminal_win_once(live):
    open_campaign(live.app, "par-many")
    statuses, entries = _parallel(live, "par-many", list(range(21, 31)))
    # Different tiles never collide as "taken": exactly one claim wins, the rest have drawn.
    assert statuses.count(303) == 1 and statuses.count(403) == 9, statuses
    assert entries == 1
