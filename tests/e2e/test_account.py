"""An administrator changes their own password on a phone, and a second browser is signed out."""

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.e2e.test_admin import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="en-US")]

EMAIL = "e2e-password@example.jp"
OLD = "an old e2e password"
NEW = "kettle meadow quartz 7"


def test_a_new_password_on_a_320px_phone_signs_the_other_browser_out(live, new_context, shots):
    with live.app.app_context():
        admins.create(get_db(), EMAIL, hash_password(OLD), datetime.now(UTC))
    laptop = new_context().new_page()
    sign_in(laptop, EMAIL, OLD)
    phone = new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    ).new_page()
    sign_in(phone, EMAIL, OLD)
    phone.get_by_role("link", name="Your password").click()
    expect(phone.get_by_role("heading", name="Change your password")).to_be_visible()
    phone.get_by_label("Current password").fill("not the password")
    phone.get_by_label("New password", exact=True).fill(NEW)
    phone.get_by_label("New password again").fill(NEW)
    phone.get_by_role("button", name="Change password").click()
    expect(phone.locator("#e-current_password")).to_contain_text("not correct")
    phone.get_by_label("Current password").fill(OLD)
    phone.get_by_label("New password", exact=True).fill(NEW)
    phone.get_by_label("New password again").fill(NEW)
    phone.get_by_role("button", name="Change password").click()
    expect(phone.get_by_role("status")).to_contain_text("Your password was changed")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 320
    phone.screenshot(path=shots / "admin-password-phone.png", full_page=True)
    # The phone carries on; the laptop's session has ended.
    phone.get_by_role("link", name="Campaigns").click()
    expect(phone.get_by_role("heading", name="Campaigns")).to_be_visible()
    laptop.goto("/admin/")
    expect(laptop).to_have_url(re.compile(r"/admin/login"))
