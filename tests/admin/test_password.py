"""Changing one's own password in the admin: checked, limited, and it ends the other sessions."""

import pytest

from app.admin.passwords import hash_password, verify
from app.store import admins, get_db
from tests.factories import START

from .conftest import EMAIL, PASSWORD
from .helpers import Admin

DESTINATIONS = "/admin/campaigns/spring/destinations"
NEW = "plum orchard violin 42"


def _copy(app, admin) -> Admin:
    thief = Admin(app.test_client())
    thief.client.set_cookie("session", admin.client.get_cookie("session").value)
    return thief


def _change(admin, current, new, again=None):
    admin.get("/admin/password")
    return admin.post(
        "/admin/password",
        {"current_password": current, "new_password": new, "new_password_again": again or new},
    )


def _hash(app) -> str:
    with app.app_context():
        return admins.by_email(get_db(), EMAIL).password_hash


def test_the_navigation_links_the_page(admin):
    assert 'href="/admin/password"' in admin.get("/admin/").get_data(as_text=True)
    page = admin.get("/admin/password").get_data(as_text=True)
    assert 'name="current_password"' in page and 'action="/admin/sessions/end"' in page


def test_a_wrong_current_password_changes_nothing(app, campaign, admin):
    before = _hash(app)
    thief = _copy(app, admin)
    response = _change(admin, "not my password at all", NEW)
    assert response.status_code == 403
    assert "Your current password is not correct" in admin.text()
    assert _hash(app) == before
    # Nothing ended: both copies of the session still work.
    assert admin.get(DESTINATIONS).status_code == 200
    assert thief.get(DESTINATIONS).status_code == 200


@pytest.mark.parametrize(
    ("new", "again", "says"),
    [
        ("short pw 1", None, "at least 12 characters"),
        ("password1234", None, "too easy to guess"),
        (NEW, NEW + "x", "not the same"),
        (PASSWORD, None, "must differ"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused(app, admin, new, again, says):
    before = _hash(app)
    assert _change(admin, PASSWORD, new, again).status_code == 422
    assert says in admin.text()
    assert _hash(app) == before


def test_a_new_password_ends_a_copied_cookie_but_not_this_session(app, campaign, admin):
    thief = _copy(app, admin)
    assert thief.get(DESTINATIONS).status_code == 200
    response = _change(admin, PASSWORD, NEW)
    assert response.status_code == 200
    assert "Your password was changed" in admin.text()
    assert verify(_hash(app), NEW)[0]
    stolen = thief.get(DESTINATIONS, environ_base={"REMOTE_ADDR": "203.0.113.66"})
    assert stolen.status_code == 302 and "/admin/login" in stolen.headers["Location"]
    assert admin.get(DESTINATIONS).status_code == 200  # this browser carries on
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit")]
    assert "changed password" in actions
    # The old password no longer signs in; the new one does.
    fresh = Admin(app.test_client())
    assert fresh.login(EMAIL, PASSWORD).status_code == 401
    assert fresh.login(EMAIL, NEW).status_code == 303


def test_wrong_current_passwords_are_limited_in_the_database(app, admin):
    app.config["ADMIN_LOGIN_LIMIT"] = "3 per 10 minutes"
    for _ in range(3):
        assert _change(admin, "a wrong guess again", NEW).status_code == 403
    response = _change(admin, PASSWORD, NEW)  # even the right one, while locked
    assert response.status_code == 429 and "Retry-After" in response.headers
    assert not verify(_hash(app), NEW)[0]


def test_the_form_needs_its_csrf_token(app, admin):
    before = _hash(app)
    response = admin.post(
        "/admin/password",
        {"current_password": PASSWORD, "new_password": NEW, "new_password_again": NEW},
        token=False,
    )
    assert response.status_code == 400
    assert _hash(app) == before


def test_staff_may_change_their_own_password(app):
    with app.app_context():
        admins.create(get_db(), "till@example.jp", hash_password(PASSWORD), START, role="staff")
    till = Admin(app.test_client())
    till.login("till@example.jp", PASSWORD)
    assert _change(till, PASSWORD, NEW).status_code == 200
    with app.app_context():
        assert verify(admins.by_email(get_db(), "till@example.jp").password_hash, NEW)[0]


def test_the_page_is_throttled_per_address_like_the_sign_in(app, admin):
    app.config["ADMIN_LOGIN_THROTTLE"] = "2 per minute"
    for _ in range(2):
        assert _change(admin, "a wrong guess again", NEW).status_code == 403
    response = _change(admin, PASSWORD, NEW)
    assert response.status_code == 429
    assert "Too many attempts from your network" in admin.text()
    assert not verify(_hash(app), NEW)[0]
