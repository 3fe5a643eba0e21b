"""Rotating SECRET_KEY: new values use the new key, every verifier still takes the old."""

import hashlib
import hmac

from app.admin.printing import code_for, genuine_code
from app.lottery.coupons import coupon_code
from app.web.keys import candidates, derive
from tests.factories import Terminal


def rotate(app, new="rotated-secret"):
    """Make the current key a fallback, as an operator rotating the key does."""
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = app.secret_key = new


def test_each_purpose_has_its_own_key(app):
    with app.app_context():
        keys = {derive(p) for p in ("terminal-cookies", "coupon-codes", "candidate-passwords")}
        assert len(keys) == 3 and app.secret_key.encode() not in keys


def test_a_coupon_printed_before_rotation_still_verifies(app):
    with app.app_context():
        before = code_for(1, 7)
        legacy = coupon_code(b"test-secret", 1, 7)  # printed when codes used SECRET_KEY itself
        rotate(app)
        after = code_for(1, 7)
        assert after != before
        assert genuine_code(1, 7, before) and genuine_code(1, 7, after)
        assert genuine_code(1, 7, legacy)
        assert not genuine_code(1, 8, before) and not genuine_code(2, 7, after)
        app.config["SECRET_KEY_FALLBACKS"] = []  # the old key retired: its coupons are void
        assert not genuine_code(1, 7, before) and genuine_code(1, 7, after)


def test_the_command_line_checks_a_coupon_code(app, runner, campaign):
    with app.app_context():
        code = code_for(1, 3)
    rotate(app)
    result = runner.invoke(args=["campaign", "check-code", "spring", "3", code])
    assert result.exit_code == 0 and "Genuine" in result.output
    result = runner.invoke(args=["campaign", "check-code", "spring", "4", code])
    assert result.exit_code == 1 and "not the code" in result.output


def test_a_terminal_that_drew_before_rotation_still_counts_as_drawn(app, terminal):
    terminal.claim(5)
    terminal.cancel()
    rotate(app)
    assert "You have already drawn" in terminal.get().get_data(as_text=True)
    assert terminal.claim(6).status_code == 403
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert "You have already drawn" not in terminal.get().get_data(as_text=True)


def test_new_terminal_cookies_use_the_new_key(app, new_terminal):
    rotate(app)
    t = new_terminal()
    t.claim(9)
    value = t.client.get_cookie("kuji_spring", path="/c/spring").value
    payload, _, signature = value.rpartition(".")
    with app.app_context():
        new, old = candidates("terminal-cookies")
    message = b"kuji.terminal.1\x00" + payload.encode()
    import base64

    made = base64.urlsafe_b64encode(hmac.new(new, message, hashlib.sha256).digest())
    assert signature == made.rstrip(b"=").decode()
    assert old != new


def test_a_session_signed_before_rotation_is_still_read(app, terminal):
    terminal.claim(5)
    rotate(app)
    page = terminal.get("/entry").get_data(as_text=True)
    assert "Tile 5" in page  # the session (and the held tile's form) survived


def test_a_terminal_cookie_from_before_derived_keys_still_counts(app, terminal):
    """Cookies signed with SECRET_KEY itself (before per-purpose keys) stay valid."""
    import base64

    payload = "1.board:legacy"
    message = b"kuji.terminal.1\x00" + payload.encode()
    digest = hmac.new(b"test-secret", message, hashlib.sha256).digest()
    signature = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    with app.app_context():
        from app.store import campaigns, claims, get_db

        db = get_db()
        claims.hold(
            db, campaigns.by_slug(db, "spring"), "board:legacy", app.config["CLOCK"](), no=1
        )
    terminal.client.set_cookie("kuji_spring", f"{payload}.{signature}", path="/c/spring")
    assert "Tile 1" in terminal.get("/entry").get_data(as_text=True)


def test_an_invitation_password_sent_before_rotation_still_logs_in(app, invite_ready):
    login_id, password = invite_ready
    rotate(app)
    t = Terminal(app.test_client(), "vip")
    t.get("/login")
    assert t.post("/login", {"id": login_id, "password": password}).status_code == 303
