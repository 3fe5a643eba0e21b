"""The admin in a real browser: create a campaign, watch it live, download the list."""

import csv
import io
import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.e2e.test_board import expect_reveal

# These tests name what they click in English: the browser asks for English, as a person
# whose browser is set so would. test_the_admin_speaks_japanese_first covers Japanese.
pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="en-US")]

EMAIL = "e2e-admin@example.jp"
PASSWORD = "a long e2e password"
CONTACT = {
    "name": "山田 花子",
    "postal_code": "104-0061",
    "address": "東京都中央区銀座1-2-3",
    "phone": "090-1234-5678",
    "email": "hanako@example.jp",
}
PRIZES = (("25 % off", 25, 7), ("20 % off", 20, 7), ("10 % off", 10, 6))
_numbers = itertools.count(1)
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture(scope="module")
def admin_account(live):
    """An administrator in the live server's database, created once."""
    with live.app.app_context():
        db = get_db()
        if admins.by_email(db, EMAIL) is None:
            admins.create(db, EMAIL, hash_password(PASSWORD), datetime.now(UTC))
    return EMAIL, PASSWORD


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login\?next="))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()


def create_through_the_form(page: Page, slug: str) -> None:
    moment = datetime.now(TOKYO).replace(second=0, microsecond=0)
    page.get_by_role("link", name="New campaign").first.click()
    page.get_by_label("Title").fill(f"Admin e2e {slug}")
    page.get_by_label("Slug").fill(slug)
    page.get_by_label("Goods guide").fill("DVD-RAM by XYZ corp. — up to 25 % off")
    # Times are typed as the shop's clock shows them, in the zone picked beside them.
    page.get_by_label("Time zone", exact=True).select_option("Asia/Tokyo")
    page.get_by_label("Opens").fill(f"{moment - timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.get_by_label("Closes").fill(f"{moment + timedelta(days=1):%Y-%m-%dT%H:%M}")
    for i, (label, value, count) in enumerate(PRIZES, start=1):
        page.locator(f"#p{i}-label").fill(label)
        page.locator(f"#p{i}-value").fill(str(value))
        page.locator(f"#p{i}-unit").select_option("percent")
        page.locator(f"#p{i}-count").fill(str(count))
    page.get_by_role("button", name="Preview", exact=True).click()
    expect(page.locator("#preview-sheets")).to_have_text("20")
    expect(page.locator("#preview-table")).to_contain_text("35.0 %")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/admin/campaigns/{slug}$"))
    # A new campaign is a draft until the admin publishes it.
    expect(page.locator(".state-draft").first).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".state-open").first).to_be_visible()


def left(page: Page, label: str):
    return page.locator(f'#per-prize tr[data-prize="{label}"] td.left')


def test_admin_watches_a_claim_live_and_downloads_the_list(live, admin_account, new_context):
    slug = f"admin-e2e-{next(_numbers)}"
    admin = new_context().new_page()
    sign_in(admin, *admin_account)
    create_through_the_form(admin, slug)
    for label, _, count in PRIZES:
        expect(left(admin, label)).to_have_text(str(count))
    admin.evaluate("window.__notReloaded = true")

    # A respondent on the public board, in a browser of their own.
    board = new_context().new_page()
    board.goto(f"/c/{slug}")
    board.locator('button.tile[data-tile="5"]').click()
    label = live.prize_of(slug, 5)
    expect_reveal(board, 5, label)
    count = dict((lbl, n) for lbl, _, n in PRIZES)[label]
    # Held already counts as gone from the board.
    expect(left(admin, label)).to_have_text(str(count - 1), timeout=5000)
    expect(admin.locator("#held")).to_have_text("1")
    for name, value in CONTACT.items():
        board.locator(f'form.destination [name="{name}"]').fill(value)
    board.get_by_role("button", name="Confirm").click()
    expect(board.get_by_role("heading", name="Thank you!")).to_be_visible()

    expect(admin.locator("#confirmed")).to_have_text("1", timeout=5000)
    expect(admin.locator("#held")).to_have_text("0")
    expect(left(admin, label)).to_have_text(str(count - 1))
    assert admin.evaluate("window.__notReloaded") is True

    admin.get_by_role("link", name="Destination list").click()
    expect(admin.locator("#destinations")).to_contain_text(CONTACT["name"])
    want = ["5", *CONTACT.values(), label]

    with admin.expect_download() as csv_download:
        admin.get_by_role("link", name="Export CSV").click()
    raw = Path(csv_download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:7] == ["issue_no", "name", "postal_code", "address", "phone", "email", "coupon"]
    assert [r[:7] for r in rows[1:]] == [want]

    with admin.expect_download() as xlsx_download:
        admin.get_by_role("link", name="Export XLSX").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    values = [
        [str(c) if c is not None else "" for c in r] for r in sheet.iter_rows(values_only=True)
    ]
    assert values[0][:7] == rows[0][:7] and [r[:7] for r in values[1:]] == [want]


def test_the_monitor_fits_a_phone(live, admin_account, new_context, shots):
    slug = live.campaign(prizes=((25, 7), (20, 7), (10, 6)))
    live.hold(slug, 1, 2, 3)
    page = new_context(
        viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
    ).new_page()
    sign_in(page, *admin_account)
    page.goto(f"/admin/campaigns/{slug}")
    expect(page.locator("#held")).to_have_text("3")
    expect(page.locator("svg.chart")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    width = page.locator("svg.chart").first.evaluate("s => s.getBoundingClientRect().width")
    assert 250 <= width <= 320
    page.screenshot(path=shots / "admin-monitor-phone.png", full_page=True)


@pytest.mark.browser_context_args(locale="ja-JP")
def test_the_admin_speaks_japanese_first_and_switches_to_english(admin_account, new_context):
    page = new_context().new_page()
    page.goto("/admin/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="くじ 管理画面：サインイン")).to_be_visible()
    page.get_by_label("メールアドレス").fill(admin_account[0])
    page.get_by_label("パスワード").fill(admin_account[1])
    page.get_by_role("button", name="サインイン").click()
    expect(page.get_by_role("heading", name="キャンペーン一覧")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/admin/audit")  # the choice is remembered
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    page.get_by_role("link", name="日本語").click()
    expect(page.get_by_role("heading", name="操作履歴")).to_be_visible()
