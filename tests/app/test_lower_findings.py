"""The review's lower findings: big integers in URLs, deep condition files, caching, logs."""

import io
import logging
import re
from email.utils import parsedate_to_datetime

import pytest

from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.admin.conftest import EMAIL, PASSWORD
from tests.admin.helpers import Admin
from tests.factories import START


@pytest.fixture
def admin(app):
    with app.app_context():
        admins.create(get_db(), EMAIL, hash_password(PASSWORD), START)
    a = Admin(app.test_client())
    a.login(EMAIL, PASSWORD)
    return a


@pytest.mark.parametrize(
    "path",
    [
        "/kiosk/setup/99999999999999999999/x",
        "/admin/jobs/99999999999999999999",
        "/admin/jobs/1/files/99999999999999999999",
    ],
)
def test_integers_out_of_range_in_urls_are_404(admin, path):
    assert admin.get(path).status_code == 404


@pytest.mark.parametrize(
    "nested", ["a = " + "[" * 5000 + "]" * 5000, "a = " + "{b = " * 200 + "1" + "}" * 200]
)
def test_a_deeply_nested_condition_file_is_422_with_a_message(admin, nested):
    admin.get("/admin/campaigns/new")
    response = admin.client.post(
        "/admin/campaigns/upload",
        data={"csrf_token": admin.token, "file": (io.BytesIO(nested.encode()), "x.toml")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "nest deeper than 32 levels" in response.get_data(as_text=True)


def test_admin_pages_and_a_persons_pages_are_not_stored(app, admin, campaign, terminal):
    for path in ("/admin/", "/admin/campaigns/spring", "/admin/campaigns/spring/destinations"):
        assert admin.get(path).headers["Cache-Control"] == "no-store", path
    terminal.claim(1)
    assert terminal.get("/entry").headers["Cache-Control"] == "no-store"
    assert terminal.confirm().status_code == 303
    assert terminal.get("/entry").headers["Cache-Control"] == "no-store"
    assert terminal.get("").headers["Cache-Control"] == "no-store"  # the board shows the entry
    # The public board of someone who has not drawn may be cached as before.
    assert app.test_client().get("/c/spring").headers.get("Cache-Control") != "no-store"


def test_secret_path_parts_are_not_logged(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="app.web.logs"):
        client.get("/coupon/ABCD-EFGH-JKLM")
        client.get("/kiosk/setup/1/very-secret-setup-token")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "very-secret-setup-token" not in text and "ABCD-EFGH-JKLM" not in text
    assert "path=/kiosk/setup/1/[redacted]" in text


def test_the_remembered_entry_expires_with_the_campaign(app, campaign, terminal, clock):
    response = terminal.claim(1)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("kuji_spring="))
    max_age = int(re.search(r"Max-Age=(\d+)", cookie).group(1))
    assert max_age == int((campaign.closes - clock.now).total_seconds())
    # Browsers that read only Expires see the same moment: the campaign's close.
    expires = re.search(r"Expires=([^;]+)", cookie).group(1)
    assert parsedate_to_datetime(expires) == campaign.closes.replace(microsecond=0)
