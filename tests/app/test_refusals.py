"""Every bad input gets a clear answer and changes nothing."""

import pytest

from app.store import get_db
from app.web.extensions import limiter
from tests.factories import Terminal, make_campaign


def snapshot(app):
    with app.app_context():
        db = get_db()
        return [
            db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()  # noqa: S608
            for t in ("tiles", "entries", "destinations", "campaigns")
        ]


@pytest.mark.parametrize(
    ("tile", "status"),
    [
        ("0", 404),
        ("101", 404),
        ("9999999", 404),
        ("-1", 400),
        ("abc", 400),
        ("", 400),
        ("1e3", 400),
        ("５", 400),
        ("7 ", 400),
        ("x" * 10_000, 400),
    ],
)
def test_bad_tile_numbers_are_refused(app, terminal, tile, status):
    terminal.get()
    before = snapshot(app)
    response = terminal.claim(tile)
    assert response.status_code == status
    assert "tile" in response.get_data(as_text=True).lower()
    assert snapshot(app) == before


def test_a_claim_without_a_csrf_token_is_refused(app, terminal):
    terminal.get()
    before = snapshot(app)
    for data in ({"tile": "1"}, {"tile": "1", "csrf_token": "forged"}):
        response = terminal.client.post("/c/spring/claim", data=data)
        assert response.status_code == 400
        assert "expired or did not come from this site" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_token_from_another_session_is_refused(app, terminal, new_terminal):
    other = new_terminal()
    other.get()
    terminal.token = other.token
    assert terminal.claim(1).status_code == 400


def test_a_tampered_cookie_is_ignored_as_if_absent(app, terminal, client):
    terminal.claim(1)
    cookie = terminal.client.get_cookie("kuji_spring", path="/c/spring")
    thief = Terminal(app.test_client())
    # A forged signature, an entry id without a signature, and a cookie from another campaign.
    make_campaign(app, slug="autumn")
    other = Terminal(app.test_client(), "autumn")
    other.claim(1)
    foreign = other.client.get_cookie("kuji_autumn", path="/c/autumn").value
    for value in (cookie.value[:-2] + "xx", "eyJlIjoxfQ", foreign):
        thief.client.set_cookie("kuji_spring", value, path="/c/spring")
        page = thief.get()
        assert "data-tile" in page.get_data(as_text=True)
        before = snapshot(app)
        assert thief.confirm().status_code == 409
        assert thief.cancel().status_code == 409
        assert snapshot(app) == before


def test_confirm_or_cancel_without_a_hold(app, terminal):
    terminal.get()
    before = snapshot(app)
    response = terminal.confirm()
    assert response.status_code == 409
    assert "pick one on the board first" in response.get_data(as_text=True)
    assert terminal.cancel().status_code == 409
    assert snapshot(app) == before


def test_confirm_twice_and_cancel_after_confirm_change_nothing(app, terminal):
    terminal.claim(2)
    terminal.confirm()
    before = snapshot(app)
    for response in (terminal.confirm(name="Someone Else"), terminal.cancel()):
        assert response.status_code == 409
        assert "already drawn" in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name."),
        ("address", "", "Please enter your address."),
        ("email", "hanako-at-example", "Please enter a valid e-mail address"),
        ("phone", "ring me", "Please write your phone number in digits"),
        ("name", "x" * 10_000, "Your name must be at most 100 characters."),
        ("address", "Tokyo\x00", "Your address contains control or invisible characters."),
        ("name", '=HYPERLINK("http://evil")', "Your name may not start with"),
        ("postal_code", "", "Please enter your postal code."),
        ("postal_code", "12-345", "Please write your postal code as 7 digits"),
    ],
)
def test_bad_fields_are_named_and_the_hold_stays(app, terminal, field, value, message):
    terminal.claim(2)
    terminal.reveal()
    before = snapshot(app)
    response = terminal.confirm(**{field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'aria-invalid="true"' in html
    assert snapshot(app) == before


def test_script_tags_are_stored_as_text_and_shown_escaped(terminal, runner):
    terminal.claim(2)
    terminal.confirm(name="<script>alert(1)</script>")
    html = terminal.get("/entry").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert (
        "<script>alert(1)</script>" in runner.invoke(args=["campaign", "export", "spring"]).output
    )


@pytest.mark.parametrize(
    ("email", "phone"),
    [
        ("HANAKO@example.JP", "03-0000-0000"),
        ("other@example.jp", "０９０－１２３４－５６７８"),
        ("other@example.jp", "090 1234 5678"),
    ],
)
def test_one_person_one_coupon_even_without_cookies(app, terminal, new_terminal, email, phone):
    terminal.claim(1)
    terminal.confirm()
    again = new_terminal()
    again.claim(2)
    again.reveal()
    before = snapshot(app)
    response = again.confirm(email=email, phone=phone)
    assert response.status_code == 409
    assert "already has a coupon in this campaign" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_claims_are_rate_limited_per_address(app, new_terminal):
    app.config["CLAIM_LIMIT"] = "3 per minute"
    with app.app_context():
        limiter.reset()
    codes = [new_terminal().claim(n).status_code for n in range(1, 6)]
    assert codes == [303, 303, 303, 429, 429]
    assert "Wait a minute" in new_terminal().claim(9).get_data(as_text=True)


def test_refused_claims_count_against_the_limit_as_taken_ones_do(app, new_terminal):
    """The claim's hit is counted inside its transaction; a claim refused (a tile taken, a
    bad number) rolls that back, and the hit is counted on its own all the same."""
    app.config["CLAIM_LIMIT"] = "3 per minute"
    with app.app_context():
        limiter.reset()
    assert new_terminal().claim(1).status_code == 303
    assert new_terminal().claim(1).status_code == 409  # taken
    assert new_terminal().claim("x").status_code == 400  # not a number
    # Three hits counted: the next is refused whatever it asks, a good tile or a bad one.
    assert new_terminal().claim(2).status_code == 429
    assert new_terminal().claim("x").status_code == 429
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM entries").fetchone()[0] == 1


def test_the_limit_counts_each_address_on_its_own(app, new_terminal):
    app.config["CLAIM_LIMIT"] = "1 per minute"
    with app.app_context():
        limiter.reset()
    a, b = new_terminal(), new_terminal()
    assert a.claim(1, environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 303
    assert b.claim(2, environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 303


def test_a_get_on_post_routes_is_405(terminal):
    assert terminal.get("/claim").status_code == 405
    assert terminal.get("/confirm").status_code == 405


def test_a_validly_signed_cookie_for_someone_elses_entry_is_useless(app, terminal, new_terminal):
    """Even with the secret key, a cookie must name the holder's own token, not just an id."""
    from itsdangerous import URLSafeSerializer

    terminal.claim(1)
    victim = terminal.client.get_cookie("kuji_spring", path="/c/spring").value
    entry_id = int(victim.split(".")[0])  # "<entry id>.<holder>.<signature>"
    forged = URLSafeSerializer(app.secret_key, salt="kuji.terminal.1").dumps(
        {"e": entry_id, "h": "board:guessed"}
    )
    thief = new_terminal()
    thief.client.set_cookie("kuji_spring", forged, path="/c/spring")
    before = snapshot(app)
    assert thief.cancel().status_code == 409
    assert thief.confirm(email="thief@example.jp", phone="0311112222").status_code == 409
    assert snapshot(app) == before


def test_deleting_the_campaign_cookie_alone_does_not_give_a_second_draw(app, terminal):
    terminal.claim(1)
    terminal.client.delete_cookie("kuji_spring", path="/c/spring")
    before = snapshot(app)
    response = terminal.claim(2)
    assert response.status_code == 403
    assert "already drawn" in response.get_data(as_text=True)
    assert snapshot(app) == before
