"""axe-core finds nothing on the shop's screens, in Japanese and in English: the kiosk, the
e-coupon, the till, the admin's screens and the fairness page."""

import itertools
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.admin.passwords import hash_password
from app.lottery.conditions import parse_conditions, to_toml
from app.lottery.contact import Contact
from app.new_campaign import create_campaign
from app.store import admins, campaigns, claims, get_db, kiosks
from app.web.keys import derive
from tests.factories import QUIZ, conditions

from .axe import violations

pytestmark = [pytest.mark.e2e]
EMAIL, PASSWORD = "axe-admin@example.jp", "a long axe password"
_numbers = itertools.count(1)


def _setup(live):
    """A campaign with a kiosk, a ticket, a game and one confirmed e-coupon; return them."""
    app = create_app(
        {"DATABASE": str(live.db_path), "SECRET_KEY": live.server.env["FLASK_SECRET_KEY"]}
    )
    moment = datetime.now(UTC)
    slug = f"axe-{next(_numbers)}"
    c = replace(
        conditions(
            slug=slug,
            mode="speed",
            opens=moment - timedelta(hours=1),
            closes=moment + timedelta(days=1),
            prizes=((30, 10), (10, 10)),
            timezone="Asia/Tokyo",
        ),
        issue="electronic",
    )
    with app.app_context():
        db = get_db()
        if admins.by_email(db, EMAIL) is None:
            admins.create(db, EMAIL, hash_password(PASSWORD), moment)
        text = to_toml(c) + "\n" + QUIZ
        create_campaign(parse_conditions(text), moment, source=text)
        campaign = campaigns.by_slug(db, slug)
        kiosk_id, token = kiosks.register(
            db, campaign.id, "入口", "銀座店", derive("kiosk-setup"), moment
        )
        batch = kiosks.make_tickets(db, campaign.id, 1, moment)
        ticket = kiosks.batch_codes(db, campaign.id, batch)[0]
        entry = claims.hold(db, campaign, "board:axe", moment)
        person = Contact("山田 花子", "銀座1-2-3", "090-0000-0001", "h@example.jp", "104-0061")
        claims.confirm(db, campaign, entry.id, person, moment)
        coupon = db.execute(
            "SELECT code FROM ecoupons WHERE campaign_id = ?", [campaign.id]
        ).fetchone()[0]
    return slug, f"/kiosk/setup/{kiosk_id}/{token}", ticket, coupon


def _check(page, where, found):
    bad = violations(page)
    if bad:
        found.append(f"{where}: {bad}")


@pytest.mark.parametrize("locale", ["ja-JP", "en-US"])
def test_the_shop_screens_have_no_axe_violations(live, browser, locale):
    slug, setup, ticket, coupon = _setup(live)
    found: list[str] = []
    # The kiosk: attract, game, draw, sealed reveal, result.
    tablet = browser.new_context(
        base_url=live.server.url,
        locale=locale,
        bypass_csp=True,
        viewport={"width": 820, "height": 1180},
    )
    page = tablet.new_page()
    page.goto(setup)
    _check(page, "kiosk setup", found)
    page.locator("form button[type=submit]").click()
    page.locator("#ticket-code").wait_for()
    _check(page, "kiosk attract", found)
    page.locator("#ticket-code").fill(ticket)
    page.locator("#ticket-form button[type=submit]").click()
    page.locator(".kiosk-panel a.button-link").wait_for()  # the next screen has loaded
    _check(page, "kiosk game intro", found)
    page.locator(".kiosk-panel a.button-link").click()
    page.locator("form.quiz").wait_for()
    _check(page, "kiosk game", found)
    for index in range(2):  # QUIZ's two questions, one swapped in after the other
        page.locator(f"form.quiz input[name=q][value='{index}']").wait_for(state="attached")
        page.locator("form.quiz input[type=radio]").first.check()
        page.locator("form.quiz button[type=submit]").click()
    page.locator("a.game-next").wait_for()
    _check(page, "kiosk game score", found)
    page.locator("a.game-next").click()
    page.locator("button.kiosk-go").wait_for()
    _check(page, "kiosk draw", found)
    page.locator("button.kiosk-go").click()
    page.locator("form[data-open]").wait_for()
    _check(page, "kiosk reveal", found)
    page.locator("form[data-open] button").click()
    page.locator(".kiosk-result").wait_for()
    _check(page, "kiosk result", found)
    tablet.close()
    # The e-coupon, valid, then the till, then the e-coupon used.
    context = browser.new_context(base_url=live.server.url, locale=locale, bypass_csp=True)
    page = context.new_page()
    page.goto(f"/coupon/{coupon}")
    _check(page, "e-coupon", found)
    page.goto("/admin/login")
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/redeem/")
    _check(page, "till", found)
    page.locator("input[name=till]").fill("Register 1")
    page.locator("#code").fill(coupon)
    page.locator("#check-form button[type=submit]").first.click()
    page.locator(".verdict-valid").wait_for()
    _check(page, "till check", found)
    page.locator(".verdict form button[type=submit]").click()
    page.locator(".verdict-redeemed").wait_for()
    _check(page, "till redeemed", found)
    page.goto(f"/coupon/{coupon}")
    _check(page, "e-coupon used", found)
    # The admin's screens.
    for path in (
        "/admin/",
        f"/admin/campaigns/{slug}",
        f"/admin/campaigns/{slug}/kiosks",
        f"/admin/campaigns/{slug}/destinations",
        f"/admin/campaigns/{slug}/redemptions",
        "/admin/audit",
        "/admin/outbox",
        "/admin/candidates",
        "/admin/campaigns/new",
    ):
        page.goto(path)
        _check(page, path, found)
    page.goto(f"/admin/campaigns/{slug}/kiosks")
    page.locator("input[name=name]").fill("Back door")
    page.locator("input[name=store]").fill("Ginza")
    page.locator("form[action$='/kiosks'] button[type=submit]").click()
    page.locator(".setup-qr svg").wait_for()
    _check(page, "kiosk setup QR", found)
    page.goto("/admin/campaigns/new")
    page.locator("form.campaign-form").evaluate(
        "f => { f.noValidate = true }"
    )  # the server's check
    page.locator("#f-slug").fill("Bad Slug")
    page.locator("form.campaign-form button[value=preview]").click()
    page.locator("#problems").wait_for()
    assert re.search(r"/admin/campaigns/new", page.url)
    _check(page, "campaign form errors", found)
    page.goto(f"/c/{slug}/fairness")
    _check(page, "fairness", found)
    page.locator("summary").click()
    _check(page, "fairness details", found)
    context.close()
    assert found == [], "\n".join(found)
