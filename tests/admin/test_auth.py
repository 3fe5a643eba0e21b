"""Who may see the admin: sign-in, sessions, rate limits, CSRF, safe redirects."""

import re

import pytest

from app import create_app
from app.admin import passwords
from app.store import admins, audit, get_db
from tests.conftest import PRODUCTION_HASHER
from tests.factories import START, make_campaign

from .conftest import EMAIL, PASSWORD
from .helpers import HTMX, Admin

TOKENS = re.compile(r"[\w-]+\.[\w-]+\.[\w-]+")  # itsdangerous-signed CSRF tokens
# argon2-cffi's default, RFC 9106's low-memory choice: 64 MiB, 3 passes, 4 lanes.
PRODUCTION = "$argon2id$v=19$m=65536,t=3,p=4$"
WRONG = "That e-mail address and password do not match an administrator."
PAGES = [
    "/admin/",
    "/admin/audit",
    "/admin/campaigns/new",
    "/admin/campaigns/spring",
    "/admin/campaigns/spring/edit",
    "/admin/campaigns/spring/close",
    "/admin/campaigns/spring/conditions.toml",
    "/admin/campaigns/spring/destinations",
    "/admin/campaigns/spring/destinations.csv",
    "/admin/campaigns/spring/destinations.xlsx",
    "/admin/password",
]
POSTS = [
    "/admin/campaigns/new",
    "/admin/campaigns/upload",
    "/admin/campaigns/spring/edit",
    "/admin/campaigns/spring/open",
    "/admin/campaigns/spring/close",
    "/admin/campaigns/spring/issued",
    "/admin/password",
]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_pages_redirect_to_login_with_next(app, anonymous, path):
    make_campaign(app)
    response = anonymous.get(path)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/admin/login?next=")
    # The login page it leads to is a real form.
    page = anonymous.get(location)
    assert page.status_code == 200 and 'name="password"' in anonymous.text()


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_htmx_requests_get_401(app, anonymous, path):
    make_campaign(app)
    assert anonymous.get(path, headers=HTMX).status_code == 401


@pytest.mark.parametrize("path", POSTS)
def test_anonymous_posts_change_nothing(app, anonymous, path):
    make_campaign(app)
    response = anonymous.post(path, {"confirm": "yes", "all": "yes", "title": "x"})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    with app.app_context():
        assert audit.recent(get_db()) == []


def test_login_then_every_page_opens(app, admin):
    make_campaign(app)
    for path in PAGES:
        assert admin.get(path).status_code == 200, path


def test_login_follows_a_local_next(admin_account, anonymous):
    response = anonymous.login(*admin_account, next="/admin/audit?x=1")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/audit?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/admin",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/admin/\r\nSet-Cookie:x=1",
    ],
)
def test_login_never_redirects_off_site(admin_account, anonymous, target):
    response = anonymous.login(*admin_account, next=target)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"


def test_wrong_password_and_unknown_email_get_the_same_answer(admin_account, anonymous):
    wrong = anonymous.login(EMAIL, "not the password")
    wrong_text = anonymous.text()
    unknown = anonymous.login("nobody@example.jp", PASSWORD)
    unknown_text = anonymous.text()
    assert wrong.status_code == unknown.status_code == 401
    assert WRONG in wrong_text and WRONG in unknown_text
    # Byte for byte the same page, but for the e-mail typed and the (timestamped) CSRF token.
    assert scrub(wrong_text, EMAIL) == scrub(unknown_text, "nobody@example.jp")
    assert anonymous.get("/admin/").status_code == 302


def scrub(html: str, email: str) -> str:
    return TOKENS.sub("TOKEN", html.replace(email, ""))


def test_email_is_matched_without_case(admin_account, anonymous):
    assert anonymous.login("  Owner@Example.JP ", PASSWORD).status_code == 303


def test_passwords_are_stored_hashed(app, admin_account):
    with app.app_context():
        stored = admins.by_email(get_db(), EMAIL).password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_app_hashes_at_argon2s_full_cost_and_renews_cheaper_hashes(app, monkeypatch):
    """The other tests hash at argon2's lowest cost (tests/conftest.py); the app does not."""
    cheap = passwords.hash_password(PASSWORD)
    assert not cheap.startswith(PRODUCTION)
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHER)
    with app.app_context():
        admins.create(get_db(), EMAIL, cheap, START)
    assert Admin(app.test_client()).login(EMAIL, PASSWORD).status_code == 303
    with app.app_context():
        stored = admins.by_email(get_db(), EMAIL).password_hash
    # Signing in with a hash of older, cheaper parameters stores one of today's.
    assert stored.startswith(PRODUCTION) and stored != cheap
    assert passwords.hash_password("another password").startswith(PRODUCTION)


def test_five_failures_lock_the_account_even_for_the_right_password(app, admin_account):
    for _ in range(5):
        assert Admin(app.test_client()).login(EMAIL, "wrong password").status_code == 401
    # A new browser (same test address) with the right password is still refused.
    late = Admin(app.test_client())
    response = late.login(EMAIL, PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in late.text()


def test_guesses_at_other_accounts_do_not_lock_an_administrator_out(app, admin_account):
    browser = Admin(app.test_client())
    for n in range(5):
        assert browser.login(f"guess{n}@example.jp", "x" * 12).status_code == 401
    assert browser.login(EMAIL, PASSWORD).status_code == 303


def test_many_accounts_tried_from_one_address_lock_that_address(app, admin_account):
    app.config["ADMIN_LOGIN_ADDRESS_LIMIT"] = "6 per 10 minutes"
    browser = Admin(app.test_client())
    for n in range(6):
        assert browser.login(f"guess{n}@example.jp", "x" * 12).status_code == 401
    assert browser.login(EMAIL, PASSWORD).status_code == 429
    assert "Too many failed sign-ins" in browser.text()


def test_a_different_address_is_not_locked_by_someone_elses_failures(app, admin_account):
    for _ in range(5):
        Admin(app.test_client()).login("guess@example.jp", "x" * 12)
    other = Admin(app.test_client())
    other.get("/admin/login")
    response = other.post(
        "/admin/login",
        {"email": EMAIL, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert response.status_code == 303


def test_successful_logins_do_not_count_towards_the_limit(app, admin_account):
    for _ in range(8):
        assert Admin(app.test_client()).login(*admin_account).status_code == 303


def test_the_lock_lasts_ten_minutes(app, admin_account):
    for _ in range(5):
        Admin(app.test_client()).login(EMAIL, "wrong password")
    response = Admin(app.test_client()).login(*admin_account)
    assert response.status_code == 429
    assert 500 < int(response.headers["Retry-After"]) <= 600


def test_login_without_csrf_token_is_refused(admin_account, anonymous):
    response = anonymous.post("/admin/login", {"email": EMAIL, "password": PASSWORD}, token=False)
    assert response.status_code == 400
    assert anonymous.get("/admin/").status_code == 302


def test_admin_forms_without_csrf_token_are_refused(app, admin):
    make_campaign(app)
    for path in POSTS:
        response = admin.post(path, {"confirm": "yes", "all": "yes"}, token=False)
        assert response.status_code == 400, path
        assert "did not come from this site" in admin.text()
    assert admin.get("/admin/campaigns/spring").status_code == 200
    assert "Close early" in admin.text()  # still open


def test_every_admin_form_carries_a_csrf_token(app, admin):
    make_campaign(app)
    for path in (
        "/admin/",
        "/admin/campaigns/new",
        "/admin/campaigns/spring",
        "/admin/campaigns/spring/edit",
        "/admin/campaigns/spring/close",
        "/admin/campaigns/spring/destinations",
    ):
        html = admin.get(path).get_data(as_text=True)
        forms = html.count('method="post"')
        assert forms and html.count('name="csrf_token"') >= forms, path


def test_logout_ends_the_session(admin):
    assert admin.get("/admin/").status_code == 200
    assert admin.post("/admin/logout").status_code == 303
    assert admin.get("/admin/").status_code == 302


def test_an_idle_session_expires(admin, clock):
    clock.advance(minutes=59)
    assert admin.get("/admin/").status_code == 200
    clock.advance(minutes=61)
    response = admin.get("/admin/")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert "Your session expired" in admin.get(response.headers["Location"]).get_data(True)
    assert admin.get("/admin/").status_code == 302


def test_a_busy_session_still_ends_after_twelve_hours(admin, clock):
    for _ in range(14):
        clock.advance(minutes=55)
        admin.get("/admin/")
    assert admin.last.status_code == 302


def test_the_session_cookie_is_not_remembered(admin_account, anonymous):
    response = anonymous.login(*admin_account)
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session and "Expires" not in session


def test_sign_ins_are_in_the_audit_log(admin):
    admin.get("/admin/audit")
    assert "signed in" in admin.text() and EMAIL in admin.text()


def test_the_public_board_shows_no_admin_link(app, client):
    make_campaign(app)
    html = client.get("/c/spring").get_data(as_text=True)
    assert "/admin" not in html


def test_the_right_password_from_another_address_still_signs_in(app, admin_account):
    for _ in range(5):
        assert Admin(app.test_client()).login(EMAIL, "wrong password").status_code == 401
    assert Admin(app.test_client()).login(EMAIL, PASSWORD).status_code == 429
    elsewhere = Admin(app.test_client())
    elsewhere.get("/admin/login")
    response = elsewhere.post(
        "/admin/login",
        {"email": EMAIL, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 303


def test_an_unknown_email_is_locked_with_the_same_answer(app):
    for _ in range(5):
        assert Admin(app.test_client()).login("nobody@example.jp", "x" * 12).status_code == 401
    late = Admin(app.test_client())
    assert late.login("nobody@example.jp", "x" * 12).status_code == 429
    assert "Too many failed sign-ins" in late.text()


def test_the_lock_ends_after_ten_minutes_on_the_apps_clock(app, admin_account, clock):
    for _ in range(5):
        Admin(app.test_client()).login(EMAIL, "wrong password")
    clock.advance(minutes=9)
    assert Admin(app.test_client()).login(*admin_account).status_code == 429
    clock.advance(minutes=1)
    assert Admin(app.test_client()).login(*admin_account).status_code == 303


def test_the_lock_holds_for_a_new_app_on_the_same_database(app, admin_account, clock):
    """A restart (or another worker) reads the same failures."""
    for _ in range(5):
        Admin(app.test_client()).login(EMAIL, "wrong password")
    restarted = create_app({**app.config, "TESTING": True})
    assert Admin(restarted.test_client()).login(*admin_account).status_code == 429


def _sign_in(app, email, password, address):
    """Sign in from `address`, the login page and the form both read from there."""
    browser = Admin(app.test_client())
    browser.get("/admin/login", environ_base={"REMOTE_ADDR": address})
    return browser.post(
        "/admin/login",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guesses_from_many_addresses_lock_the_account_for_strangers(app, admin_account):
    """30 addresses × 4 wrong passwords, then the right one from a 31st: refused."""
    email, password = admin_account
    assert _sign_in(app, email, password, "192.0.2.200").status_code == 303
    for n in range(30):
        for _ in range(4):
            answer = _sign_in(app, email, "wrong password", f"198.51.100.{n}")
            assert answer.status_code in (401, 429)
    thirty_first = _sign_in(app, email, password, "203.0.113.31")
    assert thirty_first.status_code == 429
    # The administrator's own address, which signed in before, is still admitted.
    again = _sign_in(app, email, password, "192.0.2.200")
    assert again.status_code == 303


def test_an_ipv6_administrator_is_known_by_their_64(app, admin_account):
    email, password = admin_account
    app.config["ADMIN_ACCOUNT_LIMIT"] = "10 per hour"
    assert _sign_in(app, email, password, "2001:db8:6::1").status_code == 303
    for n in range(12):
        _sign_in(app, email, "wrong password", f"2001:db8:5::{n + 1:x}")
    assert _sign_in(app, email, password, "2001:db8:7::1").status_code == 429
    # Privacy addresses change the low 64 bits: the same network is still known.
    assert _sign_in(app, email, password, "2001:db8:6::beef").status_code == 303


@pytest.mark.parametrize(
    "weak", ["password1234", "qwertyuiop123", "owner@example.jp1", "short pw 1"]
)
def test_weak_or_short_admin_passwords_are_refused(runner, weak):
    result = runner.invoke(args=["admin", "create", "owner@example.jp", "--password", weak])
    assert result.exit_code == 1
    assert "password:" in result.output
