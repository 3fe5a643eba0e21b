"""Sessions that end: a copied cookie dies with sign-out, a new password, or "everywhere"."""

from app.store import admins, get_db

from .conftest import EMAIL
from .helpers import Admin

DESTINATIONS = "/admin/campaigns/spring/destinations"


def _copy(app, admin) -> Admin:
    """Another browser, at another address, holding a copy of the admin's session cookie."""
    thief = Admin(app.test_client())
    cookie = admin.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value)
    return thief


def test_a_copied_cookie_stops_working_at_sign_out(app, campaign, admin):
    thief = _copy(app, admin)
    assert thief.get(DESTINATIONS, environ_base={"REMOTE_ADDR": "203.0.113.66"}).status_code == 200
    assert admin.post("/admin/logout").status_code == 303
    stolen = thief.get(DESTINATIONS, environ_base={"REMOTE_ADDR": "203.0.113.66"})
    assert stolen.status_code == 302 and "/admin/login" in stolen.headers["Location"]


def test_sign_out_everywhere_ends_the_other_devices(app, campaign, admin, admin_account):
    laptop = Admin(app.test_client())
    laptop.login(*admin_account)
    assert laptop.get(DESTINATIONS).status_code == 200
    assert admin.post("/admin/sessions/end").status_code == 303
    assert laptop.get(DESTINATIONS).status_code == 302
    assert admin.get(DESTINATIONS).status_code == 302
    with app.app_context():
        actions = [r[0] for r in get_db().execute("SELECT action FROM audit")]
    assert "signed out everywhere" in actions


def test_a_new_password_ends_every_session(app, campaign, admin, runner):
    thief = _copy(app, admin)
    result = runner.invoke(
        args=["admin", "password", EMAIL, "--password", "plum orchard violin 42"]
    )
    assert result.exit_code == 0, result.output
    assert thief.get(DESTINATIONS).status_code == 302
    assert admin.get(DESTINATIONS).status_code == 302


def test_a_session_of_an_old_generation_is_refused(app, campaign, admin):
    with app.app_context():
        account = admins.by_email(get_db(), EMAIL)
        admins.end_sessions(get_db(), account.id)
    assert admin.get(DESTINATIONS).status_code == 302
