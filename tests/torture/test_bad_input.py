"""Abuse by an attacker feeding every public route bad input: always a 4xx or a clear
refusal page, never a 5xx, and a refused attempt leaves the database exactly as it was."""

import pytest

from app import create_app
from app.store import get_db
from app.web.extensions import limiter
from tests.factories import Terminal, make_campaign

from .refusals import CSRF, HANAKO, holding, refused


@pytest.mark.parametrize(
    "tile",
    [
        "0",
        "-1",
        "101",
        "1e3",
        "abc",
        "",
        "５",
        "١",
        "x" * 10_240,
        "1" * 10_240,
        " 1",
        "1\x00",
        "+1",
        "0x1",
        "1.0",
        "9999999",
        "99999999999999999999",
        None,
    ],
)
def test_bad_tile_numbers_are_refused(terminal, snapshot, tile):
    terminal.get()
    before = snapshot()
    data = {} if tile is None else {"tile": tile}
    refused(terminal.post("/claim", data), 400, 404)
    assert snapshot() == before
    # A refusal does not use up the terminal's draw.
    assert terminal.claim(1).status_code == 303


CONTROL = ["\x00", "\x1b[31m", "\u202e", "\u200f", "\x7f", "\U0010fffe"]
FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-1+1",
    " =1+1",
    "\t=1+1",
    "\u3000=1+1",
]


def _bad_fields():
    for field in ("name", "address", "phone", "email"):
        yield field, "x" * 10_240
        for ch in CONTROL:
            yield field, f"abc{ch}def" if field != "email" else f"ab{ch}c@example.jp"
        yield field, ""
        yield field, None
    for field in ("name", "address"):
        for formula in FORMULAS:
            yield field, formula
    for phone in ("12345", "1" * 16, "090-1234-5678; DROP", "+", "abc"):
        yield "phone", phone
    for email in ("no-at-sign", "a@b", "a@@example.jp", "a b@example.jp", "<a@example.jp>"):
        yield "email", email


@pytest.mark.parametrize(("field", "value"), list(_bad_fields()))
def test_bad_destination_fields_are_refused(terminal, snapshot, field, value):
    assert terminal.claim(11).status_code == 303
    data = {"name": "Hanako Yamada", "address": "1-2-3 Ginza, Chuo-ku, Tokyo", **HANAKO}
    if value is None:
        del data[field]
    else:
        data[field] = value
    terminal.reveal()
    before = snapshot()
    response = terminal.post("/confirm", data)
    refused(response, 422)
    assert f'id="e-{field}"' in response.get_data(as_text=True)
    assert snapshot() == before
    holding(terminal, 11)


@pytest.mark.parametrize(
    "body",
    [
        b"tile=%FF%FE",
        b"tile=\xff\xfe",
        b"name=%FF%FE&address=%C0%AF&phone=%ED%A0%80&email=a%00@example.jp",
        b"\x00\x01\x02",
        b"=&&&==&tile",
    ],
)
def test_bytes_that_are_not_utf8_are_refused(terminal, snapshot, body):
    def send(path):
        return terminal.client.post(
            f"/c/spring{path}",
            data=body + b"&csrf_token=" + terminal.token.encode(),
            content_type="application/x-www-form-urlencoded",
        )

    terminal.get()
    before = snapshot()
    refused(send("/claim"))  # as a claim from a terminal that holds nothing
    assert snapshot() == before
    assert terminal.claim(10).status_code == 303
    terminal.reveal()
    before = snapshot()
    refused(send("/confirm"))  # as the destination for a held tile
    assert snapshot() == before
    holding(terminal, 10)


def test_an_oversized_form_is_refused(terminal, snapshot):
    assert terminal.claim(12).status_code == 303
    terminal.reveal()
    before = snapshot()
    response = terminal.post("/confirm", {"name": "x" * 1_000_000, **HANAKO, "address": "a"})
    assert 400 <= response.status_code < 500
    assert snapshot() == before
    holding(terminal, 12)


SCRIPT = "<script>alert(1)</script>"


def test_markup_is_shown_escaped_never_run(terminal, snapshot):
    assert terminal.claim(14).status_code == 303
    attack = {
        "name": SCRIPT,
        "address": f'"></textarea>{SCRIPT}<img src=x onerror=alert(2)>',
        **HANAKO,
    }
    # Re-shown after a validation error: every value escaped in the form.
    html = refused(terminal.confirm(**{**attack, "phone": "bad"}), 422)
    assert "<script>" not in html.replace('<script src="', "") and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # Accepted, stored as typed, and escaped on the thank-you page.
    assert terminal.confirm(**attack).status_code == 303
    html = terminal.get("/entry").get_data(as_text=True)
    assert "Thank you" in html
    assert "sent to &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    # Stored exactly as typed: escaping is the template's job, on the way out.
    assert [row[5] for row in snapshot()["destinations"]] == [SCRIPT]


def test_the_export_neutralises_cells_a_spreadsheet_would_run(terminal, runner):
    # "+81 …" is a valid phone number, and also what a spreadsheet reads as a formula.
    assert terminal.claim(15).status_code == 303
    assert terminal.confirm(phone="+81 90-1234-5678").status_code == 303
    out = runner.invoke(args=["campaign", "export", "spring"]).output
    assert "'+81 90-1234-5678" in out
    assert ",+81" not in out


def test_requests_without_a_genuine_csrf_token_are_refused(terminal, new_terminal, snapshot):
    assert terminal.claim(16).status_code == 303
    stranger = new_terminal()
    stranger.get()
    before = snapshot()
    for token in (None, "", "forged", stranger.token, terminal.token + "x"):
        for path, data in (
            ("/claim", {"tile": "17"}),
            ("/confirm", {"name": "A", "address": "B", **HANAKO}),
            ("/cancel", {}),
            ("/contact", {"name": "A", "address": "B", **HANAKO}),
        ):
            if token is not None:
                data = {**data, "csrf_token": token}
            response = terminal.client.post(f"/c/spring{path}", data=data)
            assert CSRF in refused(response, 400), (token, path)
    # A forged htmx header is no better than a forged field.
    response = terminal.client.post(
        "/c/spring/cancel", headers={"HX-Request": "true", "X-CSRFToken": "forged"}
    )
    refused(response, 400)
    assert snapshot() == before
    holding(terminal, 16)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/c/" + "a" * 10_000),
        ("GET", "/c/%00"),
        ("GET", "/c/%1b%5b31m"),
        ("GET", "/c/..%2f..%2fetc%2fpasswd"),
        ("GET", "/c/%3Cscript%3Ealert(1)%3C%2Fscript%3E"),
        ("GET", "/c/spring/tiles?v=" + "9" * 5000),
        ("GET", "/c/spring/tiles?v=-1"),
        ("GET", "/c/spring/tiles?v=1e309"),
        ("GET", "/c/spring/tiles?v=%00"),
        ("GET", "/c/spring/tiles?v=%EF%BC%95"),
        ("GET", "/c/spring/tiles?v=1&v=2"),
        ("GET", "/c/spring/entry?next=%3Cscript%3E"),
        ("GET", "/c/spring/claim"),
        ("GET", "/c/spring/confirm"),
        ("GET", "/c/spring/cancel"),
        ("POST", "/c/spring"),
        ("POST", "/c/spring/tiles"),
        ("POST", "/c/spring/entry"),
        ("POST", "/c/nope/claim"),
        ("POST", "/c/nope/confirm"),
        ("POST", "/healthz"),
        ("PUT", "/c/spring/claim"),
        ("DELETE", "/c/spring/entry"),
    ],
)
def test_every_public_route_answers_garbage_without_a_5xx(terminal, snapshot, method, path):
    terminal.get()
    before = snapshot()
    data = {"csrf_token": terminal.token, "tile": "1"} if method != "GET" else None
    response = terminal.client.open(path, method=method, data=data)
    assert response.status_code < 500
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    if response.status_code >= 400:
        refused(response)
    assert snapshot() == before


def test_the_ip_limit_refuses_a_draw_storm(tmp_path, clock):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "limit.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            "CLAIM_LIMIT": "5 per minute",
        }
    )
    with app.app_context():
        limiter.reset()
    make_campaign(app)
    for no in range(1, 6):
        assert Terminal(app.test_client()).claim(no).status_code == 303
    storm = Terminal(app.test_client())
    storm.get()
    with app.app_context():
        before = get_db().execute("SELECT count(*) FROM entries").fetchone()
    html = refused(storm.claim(6), 429)
    assert "Wait a minute" in html
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM entries").fetchone() == before
