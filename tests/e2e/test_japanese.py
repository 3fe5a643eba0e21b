"""Kuji in Japanese in a real browser: the whole draw, Tokyo time, the switch, 320 px phones."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from app import create_app
from app.invite.demo import SLUG as INVITE_SLUG
from app.invite.demo import demo_invitation
from app.store import get_db, outbox
from tests.e2e.test_board import uncover
from tests.factories import conditions
from tests.invite.conftest import credentials

from .test_games import QUIZ, game_campaign

pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="ja-JP")]

TOKYO = ZoneInfo("Asia/Tokyo")
CONTACT = {
    "name": "山田 花子",
    "postal_code": "〒１０４－００６１",
    "address": "東京都中央区銀座1-2-3",
    "phone": "090-1234-5678",
    "email": "hanako@example.jp",
}
PHONE = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
STOP = '[game]\nname = "stop"\n'
MEMORY = '[game]\nname = "memory"\n'
# What an English page would say at each step: none of it may show in Japanese.
ENGLISH = (
    "Pick a tile",
    "tiles left",
    "To receive your coupon",
    "Confirm",
    "Cancel",
    "Thank you!",
    "You will receive",
    "Postal code",
    "Name",
)


def clock_text(moment: datetime) -> str:
    """Write a moment as the Japanese pages do, on a Tokyo clock: 2026年12月1日 9:05."""
    t = moment.astimezone(TOKYO)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour}:{t.minute:02d}"


def no_english(page: Page) -> None:
    text = page.locator("main").inner_text()
    left = [s for s in ENGLISH if s in text]
    assert left == [], left


def tokyo_campaign(live, **kw) -> str:
    return live.campaign(timezone="Asia/Tokyo", prizes=((25, 7), (20, 7), (10, 6)), **kw)


def test_a_japanese_browser_draws_confirms_and_is_thanked_in_japanese(live, page: Page):
    slug = tokyo_campaign(live)
    page.goto(f"/c/{slug}")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("main")).to_contain_text("残り20枚")
    no_english(page)

    page.get_by_role("button", name="5番のタイル", exact=True).click()
    uncover(page)
    expect(page.locator(".outcome-title")).to_contain_text("5番のタイル：")
    before = page.locator(".confirm-before time")
    until = datetime.fromisoformat(before.get_attribute("datetime"))
    # The hold ends 15 minutes after the claim, shown on the shop's (Tokyo) clock.
    assert abs(until - (datetime.now(UTC) + timedelta(minutes=15))) < timedelta(minutes=1)
    expect(before).to_have_text(clock_text(until))
    expect(page.locator(".confirm-before")).to_contain_text("までに送り先をご入力ください")
    expect(page.get_by_role("button", name="確定する")).to_be_visible()
    no_english(page)

    for name, value in CONTACT.items():
        page.locator(f'form.destination [name="{name}"]').fill(value)
    page.get_by_role("button", name="確定する").click()
    expect(page.get_by_role("heading", name="ありがとうございました！")).to_be_visible()
    expect(page.locator(".result")).to_contain_text("山田 花子様あてに")
    no_english(page)
    row = live.export(slug)[0]
    assert (row["issue_no"], row["postal_code"]) == ("5", "104-0061")


def test_the_switch_turns_the_same_flow_into_english(live, page: Page):
    slug = tokyo_campaign(live)
    page.goto(f"/c/{slug}")
    expect(page.locator("main")).to_contain_text("残り20枚")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(rf"/c/{slug}$"))
    expect(page.locator("main")).to_contain_text("20 tiles left")

    page.locator('button.tile[data-tile="3"]').click()
    label = live.prize_of(slug, 3)
    uncover(page)
    expect(page.locator(".outcome-title")).to_have_text(f"Tile 3: {label}")
    until = datetime.fromisoformat(
        page.locator(".confirm-before time").get_attribute("datetime")
    ).astimezone(TOKYO)
    # English words, and still the shop's clock: "Dec 1, 2026, 9:05 PM".
    hour = until.hour % 12 or 12
    noon = "AM" if until.hour < 12 else "PM"
    expect(page.locator(".confirm-before time")).to_have_text(
        f"{until:%b} {until.day}, {until.year}, {hour}:{until.minute:02d} {noon}"
    )
    for name, value in {**CONTACT, "name": "Hanako Yamada"}.items():
        page.locator(f'form.destination [name="{name}"]').fill(value)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    assert "ありがとう" not in page.locator("main").inner_text()
    # The choice is remembered: the next page is English without asking again.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")


def invited_person(live, base_url: str) -> tuple[str, str]:
    """Invite the demo's candidates (once) and return a Japanese invitee's ID and password."""
    moment = datetime.now(UTC)
    with live.app.app_context():
        base = conditions(
            slug="x",
            opens=moment - timedelta(hours=1),
            closes=moment + timedelta(days=1),
            timezone="Asia/Tokyo",
        )
        demo_invitation(base, moment)
    # Passwords are keyed with the secret: send them as the server itself would.
    secret = live.server.env["FLASK_SECRET_KEY"]
    server_app = create_app({"DATABASE": str(live.db_path), "SECRET_KEY": secret})
    server_app.test_cli_runner().invoke(
        args=["invitations", "send", INVITE_SLUG, "--url", base_url]
    )
    with live.app.app_context():
        mail = next(m for m in outbox.page(get_db()) if m["recipient"] == "hanako@example.jp")
    return credentials(mail["body"])


def public_pages(live, base_url: str) -> dict[str, str]:
    """Every kind of public page, by name: a path to open (a callable for pages behind a step)."""
    board = tokyo_campaign(live)
    speed = tokyo_campaign(live, mode="speed")
    batch = tokyo_campaign(live, mode="speed", draw="batch")
    return {
        "home": "/",
        "board": f"/c/{board}",
        "speed": f"/c/{speed}",
        "batch": f"/c/{batch}",
        "fairness": f"/c/{board}/fairness",
        "quiz": f"/c/{game_campaign(live, QUIZ, timezone='Asia/Tokyo')}/play",
        "stop": f"/c/{game_campaign(live, STOP)}/play",
        "memory": f"/c/{game_campaign(live, MEMORY)}/play",
        "invite-login": f"/c/{INVITE_SLUG}/login",
    }


def fits_320(page: Page, name: str, shots) -> None:
    page.screenshot(path=shots / f"ja-320-{name}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"{name}: {width} px wide"
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def test_every_public_page_fits_a_320_px_phone_in_japanese(live, base_url, new_context, tmp_path):
    login_id, password = invited_person(live, base_url)
    page = new_context(**PHONE).new_page()
    for name, path in public_pages(live, base_url).items():
        page.goto(path)
        fits_320(page, name, tmp_path)

    # Behind a step: the ticket and the thank-you page, the invitee's own page.
    page.goto(public_pages(live, base_url)["board"])
    page.get_by_role("button", name="1番のタイル", exact=True).tap()
    uncover(page)
    expect(page.locator(".outcome-title")).to_contain_text("1番のタイル：")
    fits_320(page, "entry", tmp_path)
    for field, value in CONTACT.items():
        page.locator(f'form.destination [name="{field}"]').fill(value)
    page.get_by_role("button", name="確定する").tap()
    expect(page.get_by_role("heading", name="ありがとうございました！")).to_be_visible()
    fits_320(page, "thanks", tmp_path)

    page.goto(f"/c/{INVITE_SLUG}/login")
    page.get_by_label("ID").fill(login_id)
    page.get_by_label("パスワード").fill(password)
    page.locator("form button[type=submit]").last.tap()
    expect(page.locator("main")).to_contain_text("山田 花子")
    fits_320(page, "invited", tmp_path)
