"""The till on a phone: a staff member redeems a coupon, and a second scan says already used."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.admin.passwords import hash_password
from app.lottery.contact import Contact
from app.new_campaign import create_campaign
from app.store import admins, campaigns, claims, get_db
from tests.factories import conditions

pytestmark = [pytest.mark.e2e]
EMAIL, PASSWORD = "till-e2e@example.jp", "a long till password"


@pytest.fixture(scope="module")
def coupon(live):
    """A staff account and one confirmed e-coupon in the live server's database."""
    moment = datetime.now(UTC)
    c = conditions(
        slug="redeem-e2e", opens=moment - timedelta(hours=1), closes=moment + timedelta(days=1)
    )
    with live.app.app_context():
        db = get_db()
        admins.create(db, EMAIL, hash_password(PASSWORD), moment, role="staff")
        create_campaign(replace(c, issue="electronic", coupon_expires=30), moment)
        campaign = campaigns.by_slug(db, c.slug)
        entry = claims.hold(db, campaign, "board:e2e-till", moment, no=1)
        contact = Contact("Hanako", "Ginza", "090-1111-2222", "", "104-0061")
        claims.confirm(db, campaign, entry.id, contact, moment)
        # The live server is shared with other modules: take this campaign's coupon.
        found = "SELECT code FROM ecoupons WHERE campaign_id = ?"
        return db.execute(found, [campaign.id]).fetchone()[0]


def test_redeem_then_already_used_on_a_phone(live, browser, playwright, coupon):
    context = browser.new_context(**playwright.devices["iPhone 13"], locale="en-US")
    page = context.new_page()
    page.goto(f"{live.server.url}/redeem/")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Till").fill("Register 1")
    shown = f"{coupon[:6]}-{coupon[6:12]}-{coupon[12:]}".lower()
    page.get_by_label("Coupon code").fill(shown)
    page.get_by_role("button", name="Check").tap()
    expect(page.get_by_role("status")).to_contain_text("Valid")
    page.get_by_role("button", name="Redeem").tap()
    expect(page.get_by_role("status")).to_contain_text("Redeemed")

    page.get_by_label("Coupon code").fill(coupon)
    page.get_by_role("button", name="Check").tap()
    expect(page.get_by_role("status")).to_contain_text("Already used")
    expect(page.get_by_role("status")).to_contain_text("Register 1")
    # Staff reach only the till.
    assert page.goto(f"{live.server.url}/admin/audit").status == 403
    context.close()
