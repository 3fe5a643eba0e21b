"""htmx gets fragments and swap instructions; browsers without JavaScript get pages."""

import json

HX = {"HX-Request": "true"}


def test_an_htmx_claim_is_told_where_to_go(terminal):
    response = terminal.claim(5, headers=HX)
    assert response.status_code == 200
    assert json.loads(response.headers["HX-Location"]) == {
        "path": "/c/spring/entry",
        "target": "#main",
    }
    assert "kuji_spring" in response.headers["Set-Cookie"]


def test_an_htmx_ticket_request_gets_only_the_main_block(terminal):
    terminal.claim(5)
    terminal.reveal()
    html = terminal.get("/entry", headers=HX).get_data(as_text=True)
    assert "<html" not in html and "Tile 5:" in html


def test_a_taken_tile_over_htmx_returns_just_the_refreshed_board(terminal, new_terminal):
    new_terminal().claim(5)
    response = terminal.claim(5, headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert html.lstrip().startswith('<form id="board"')
    assert "That tile was just taken" in html and 'id="t5"' in html and 'data-tile="5"' not in html


def test_an_htmx_error_is_retargeted_to_the_main_area(terminal):
    response = terminal.claim("abc", headers=HX)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#main"
    assert "<html" not in response.get_data(as_text=True)


def test_pages_never_come_from_a_cdn_and_carry_the_csrf_header(terminal):
    html = terminal.get().get_data(as_text=True)
    assert '<script src="/static/vendor/htmx.min.js"' in html
    assert "https://" not in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_the_htmx_csrf_header_is_accepted(terminal):
    terminal.get()
    response = terminal.client.post(
        "/c/spring/claim", data={"tile": "3"}, headers={**HX, "X-CSRFToken": terminal.token}
    )
    assert response.status_code == 200 and "HX-Location" in response.headers


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.data == b"ok"
