"""Which language a person reads: the switch, the candidate's, the browser's, else Japanese."""

import re

import pytest
from flask import g

from app.web.i18n import select_language
from tests.admin.helpers import HTMX, Admin
from tests.factories import make_campaign


def lang_of(response) -> str:
    return re.search(r'<html lang="(\w+)">', response.get_data(as_text=True)).group(1)


def test_nothing_said_gives_japanese(client):
    response = client.get("/admin/login")
    html = response.get_data(as_text=True)
    assert lang_of(response) == "ja"
    assert "くじ 管理画面：サインイン" in html and "パスワード" in html
    assert "Password" not in html and "Sign in" not in html


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("fr-FR, en;q=0.5", "en"),
        ("ja-JP", "ja"),
        ("en;q=0.5, ja;q=0.8", "ja"),
        ("fr, de", "ja"),
        ("*", "ja"),
    ],
)
def test_the_browser_language_is_the_best_match_of_japanese_and_english(client, header, language):
    response = client.get("/admin/login", headers={"Accept-Language": header})
    assert lang_of(response) == language


def test_the_admin_login_reads_in_english_with_the_cookie(client):
    client.set_cookie("lang", "en")
    html = client.get("/admin/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Kuji admin: sign in" in html and "Password" in html
    assert "パスワード" not in html


@pytest.mark.parametrize(("cookie", "header"), [("ja", "en"), ("en", "ja")])
def test_the_switch_beats_the_browser(client, cookie, header):
    client.set_cookie("lang", cookie)
    response = client.get("/admin/login", headers={"Accept-Language": header})
    assert lang_of(response) == cookie


def test_an_unknown_cookie_is_ignored(client):
    client.set_cookie("lang", "xx")
    assert lang_of(client.get("/admin/login", headers={"Accept-Language": "en"})) == "en"


def test_the_candidates_language_comes_after_the_switch_and_before_the_browser(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        g.candidate_language = "en"
        assert select_language() == "en"
    with app.test_request_context(headers={"Accept-Language": "en", "Cookie": "lang=ja"}):
        g.candidate_language = "en"
        assert select_language() == "ja"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        g.candidate_language = "de"  # not one of ours: the browser decides
        assert select_language() == "en"


@pytest.mark.parametrize(
    ("environment", "language"),
    [({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "ja_JP.UTF-8"}, "ja"), ({"LANG": "C.UTF-8"}, "ja")],
)
def test_the_command_line_follows_the_locale_variables(app, monkeypatch, environment, language):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with app.app_context():
        assert select_language() == language


def test_the_command_line_speaks_japanese_by_default(app, monkeypatch):
    monkeypatch.setenv("LANG", "C.UTF-8")
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    result = app.test_cli_runner().invoke(
        args=["admin", "create", "a@example.jp", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "エラー: password: パスワードは12文字以上にしてください" in result.output


def test_the_switch_sets_the_cookie_and_goes_back(client):
    response = client.get("/lang/en?next=/admin/login%3Fnext%3D/admin/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/login?next=/admin/"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie
    assert lang_of(client.get("/admin/login")) == "en"
    client.get("/lang/ja?next=/admin/login")
    assert lang_of(client.get("/admin/login", headers={"Accept-Language": "en"})) == "ja"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/admin",
        "/\\evil.example",
        "javascript:alert(1)",
        "evil.example",
        "/admin/\r\nSet-Cookie:x=1",
        "",
    ],
)
def test_the_switch_never_sends_anyone_off_site(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_the_switch_knows_only_japanese_and_english(client):
    assert client.get("/lang/fr?next=/").status_code == 404
    cookies = client.get("/lang/fr").headers.getlist("Set-Cookie")
    assert not any(c.startswith("lang=") for c in cookies)


def test_every_page_shows_the_switch_back_to_itself(client):
    html = client.get("/admin/login?next=/admin/audit").get_data(as_text=True)
    assert 'href="/lang/en?next=/admin/login?next%3D/admin/audit"' in html
    assert 'lang="ja" hreflang="ja" aria-current="true">日本語</a>' in html
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/lang/ja?next=/"' in home and "Kuji coupon draws" in home


def test_a_page_answering_a_form_goes_back_to_the_form(app, client):
    page = Admin(client, lang=None)
    page.get("/admin/login")
    page.post(
        "/admin/login",
        {"email": "x@example.jp", "password": "wrong password"},
        headers={"Referer": "http://localhost/admin/login?next=/admin/audit"},
    )
    assert page.last.status_code == 401
    assert 'href="/lang/en?next=/admin/login?next%3D/admin/audit"' in page.text()


def test_pages_say_they_vary_by_language(client):
    response = client.get("/admin/login")
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert "HX-Request" not in response.vary
    assert "Accept-Language" not in client.get("/healthz").vary  # plain text for everyone


def test_fragments_say_they_vary_by_htmx(app, admin_account):
    make_campaign(app)
    admin = Admin(app.test_client())
    admin.login(*admin_account)
    response = admin.get("/admin/campaigns/spring", headers=HTMX)
    assert response.get_data(as_text=True).lstrip().startswith('<section id="monitor"')
    assert {"Accept-Language", "Cookie", "HX-Request"} <= set(response.vary)
