"""The admin read in Japanese: no English sentence of ours is left on any page."""

import re
from html import unescape

import pytest

from tests.admin.helpers import Admin, seed_destinations
from tests.factories import make_campaign

from .test_catalogue import messages

PAGES = [
    "/admin/",
    "/admin/audit",
    "/admin/campaigns/new",
    "/admin/campaigns/spring",
    "/admin/campaigns/spring/edit",
    "/admin/campaigns/spring/close",
    "/admin/campaigns/spring/destinations",
    "/admin/campaigns/nope",
]


# app/errors.py: the error pages' place before app/web/error_pages.py, in the catalogue's
# locations until the next `make translations`.
ADMIN = ("templates/", "app/admin/", "app/web/error_pages", "app/errors")


def english_sentences() -> set[str]:
    """Our admin and error messages in English, as a page would show them."""
    return {
        m.id
        for m in messages("ja")
        if not m.pluralizable
        and "%(" not in m.id
        and any(p.startswith(ADMIN) for p, _ in m.locations)
    }


def visible_text(html: str) -> list[str]:
    """Every run of text between tags, and every label read aloud, unescaped."""
    texts = re.findall(r">([^<]+)<", html) + re.findall(r'aria-label="([^"]+)"', html)
    return [unescape(t).strip() for t in texts if t.strip()]


@pytest.fixture
def japanese_admin(app, admin_account):
    make_campaign(app)
    seed_destinations(app, "spring", 3)
    admin = Admin(app.test_client(), lang=None)
    admin.login(*admin_account)
    return admin


def test_every_admin_page_is_japanese(japanese_admin):
    english = english_sentences()
    assert "Destination list" in english and "Tiles left" in english  # the check has teeth
    for path in PAGES:
        response = japanese_admin.get(path)
        html = response.get_data(as_text=True)
        assert '<html lang="ja">' in html, path
        left = [t for t in visible_text(html) if t in english]
        assert left == [], path


def test_the_monitor_and_the_list_read_naturally(japanese_admin, clock):
    html = japanese_admin.get("/admin/campaigns/spring").get_data(as_text=True)
    assert "受付終了まで残り30日0時間0分です。" in html
    assert "受付中" in html and "送付先リスト" in html
    html = japanese_admin.get("/admin/campaigns/spring/destinations").get_data(as_text=True)
    assert "送付先は3件です。" in html and "キャンペーンは受付中です。" in html
    clock.advance(days=31)
    japanese_admin.login("owner@example.jp", "correct horse battery")
    html = japanese_admin.get("/admin/campaigns/spring/destinations").get_data(as_text=True)
    assert "発行できます。" in html and "3枚のうち0枚を発行済みにしました。" in html
    assert japanese_admin.post("/admin/campaigns/spring/coupons").status_code == 303
    from app.jobs import run_pending

    assert run_pending(japanese_admin.client.application) == 1
    html = japanese_admin.get("/admin/campaigns/spring/destinations").get_data(as_text=True)
    assert "spring-coupons-1.pdf" in html and "Ready to download" not in html


def test_refusals_are_japanese(japanese_admin):
    response = japanese_admin.get("/admin/campaigns/nope")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "ページが見つかりません" in html and "その名前のキャンペーンは見つかりません。" in html
    japanese_admin.post("/admin/campaigns/spring/publish")
    assert "このキャンペーンはすでに公開されています。" in japanese_admin.text()
    response = japanese_admin.post("/admin/campaigns/spring/close", token=False)
    assert response.status_code == 400 and "再読み込み" in japanese_admin.text()


def test_a_wrong_password_is_refused_in_japanese(app, admin_account):
    browser = Admin(app.test_client(), lang=None)
    assert browser.login(admin_account[0], "not the password").status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません。" in browser.text()


def test_the_monitors_values_per_unit_read_in_japanese(app, admin_account):
    from tests.admin.test_monitor_units import issued, mixed, unit_rows

    mixed(app)
    seed_destinations(app, "mixed", 8)
    admin = Admin(app.test_client(), lang=None)
    admin.login(*admin_account)
    html = admin.get("/admin/campaigns/mixed").get_data(as_text=True)
    assert issued(html) == "2,000円 · 300ポイント · パーセント割引のクーポン 2枚"
    assert unit_rows(html)["円"][0] == "3枚で2,000円"
    assert unit_rows(html)["パーセント割引"][0] == "2枚"
