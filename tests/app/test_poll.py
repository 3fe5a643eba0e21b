"""Live updates: polls cost nothing when nothing changed, and send only the changes."""

import re

HEADERS = {"HX-Request": "true"}


def version_of(html: str) -> int:
    return int(re.search(r"tiles\?v=(\d+)", html).group(1))


def test_a_poll_with_nothing_new_is_204(terminal):
    v = version_of(terminal.get().get_data(as_text=True))
    response = terminal.get(f"/tiles?v={v}", headers=HEADERS)
    assert response.status_code == 204 and response.data == b""


def test_a_poll_after_changes_sends_only_those_tiles(terminal, new_terminal):
    v = version_of(terminal.get().get_data(as_text=True))
    other = new_terminal()
    other.claim(42)
    response = terminal.get(f"/tiles?v={v}", headers=HEADERS)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.findall(r'id="t(\d+)"', html) == ["42"]
    assert 'class="tile gone" id="t42"' in html and 'hx-swap-oob="true"' in html
    assert "99 tiles left" in html
    assert f"tiles?v={v + 1}" in html
    assert len(response.data) < 700


def test_a_cancelled_tile_comes_back_in_the_next_poll(terminal, new_terminal):
    other = new_terminal()
    other.claim(42)
    v = version_of(terminal.get().get_data(as_text=True))
    other.cancel()
    html = terminal.get(f"/tiles?v={v}", headers=HEADERS).get_data(as_text=True)
    assert '<button class="tile" id="t42"' in html


def test_a_poll_reports_expired_holds(terminal, new_terminal, clock):
    new_terminal().claim(8)
    v = version_of(terminal.get().get_data(as_text=True))
    clock.advance(minutes=16)
    html = terminal.get(f"/tiles?v={v}", headers=HEADERS).get_data(as_text=True)
    assert '<button class="tile" id="t8"' in html


def test_polling_stops_when_the_campaign_closes(terminal, clock):
    v = version_of(terminal.get().get_data(as_text=True))
    clock.advance(days=31)
    html = terminal.get(f"/tiles?v={v}", headers=HEADERS).get_data(as_text=True)
    assert '<div id="poller"></div>' in html and "hx-trigger" not in html
    assert "has closed" in html and "data-tile" not in html


def test_a_poll_without_a_valid_version_reloads_and_never_gets_the_board(terminal):
    """Missing, non-numeric, negative or newer than the board's: htmx reloads the page."""
    for bogus in ("", "?v=", "?v=999999", "?v=abc", "?v=-5", "?v=1&page=2"):
        response = terminal.get(f"/tiles{bogus}", headers=HEADERS)
        assert response.status_code == 200 and response.headers["HX-Refresh"] == "true", bogus
        assert response.data == b""


def test_a_plain_poll_without_a_version_is_sent_to_the_board(terminal):
    response = terminal.get("/tiles?v=abc")
    assert response.status_code == 303 and response.headers["Location"] == "/c/spring"
    assert b"data-tile" not in response.data


def test_a_quiet_poll_is_answered_before_flask(app, terminal):
    """Nothing new: no session, no routing, no view; a change goes through Flask again."""
    seen = []
    app.before_request(lambda: seen.append(1))
    v = version_of(terminal.get().get_data(as_text=True))
    seen.clear()
    assert terminal.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204
    assert seen == []
    assert terminal.get(f"/tiles?v={v - 1}", headers=HEADERS).status_code == 200
    assert seen == [1]


def test_a_quiet_poll_sees_a_claim_made_by_another_worker(app, terminal, tmp_path):
    """A claim committed on another connection (another gunicorn worker) ends the quiet."""
    from app.store import campaigns, claims
    from app.store.db import connect
    from tests.factories import START

    v = version_of(terminal.get().get_data(as_text=True))
    assert terminal.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204
    other_worker = connect(app.config["DATABASE"], "NORMAL")
    claims.hold(other_worker, campaigns.by_slug(other_worker, "spring"), "board:w2", START, no=9)
    html = terminal.get(f"/tiles?v={v}", headers=HEADERS).get_data(as_text=True)
    assert 'class="tile gone" id="t9"' in html
