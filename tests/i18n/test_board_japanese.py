"""The public pages read in Japanese: no English sentence of ours, times in the campaign's zone."""

import functools
import re
from datetime import timedelta

import pytest

from app.store import campaigns, get_db
from tests.factories import START, Terminal, make_campaign

from .test_admin_japanese import visible_text
from .test_catalogue import messages

PUBLIC = (
    "templates/public/",
    "templates/_",
    "templates/base.html",
    "app/public/",
    "app/lottery/",
)
CONTACT = {
    "name": "山田 花子",
    "postal_code": "〒１０４－００６１",
    "address": "東京都中央区銀座1-2-3",
    "phone": "090-1234-5678",
    "email": "hanako@example.jp",
}


@functools.cache  # the committed catalogue, parsed once per test process
def english_sentences() -> frozenset[str]:
    """Our public messages in English, as a page would show them."""
    return frozenset(
        m.id
        for m in messages("ja")
        if not m.pluralizable
        and "%(" not in m.id
        and any(p.startswith(PUBLIC) for p, _ in m.locations)
    )


def assert_japanese(response, *, status=None):
    html = response.get_data(as_text=True)
    if status is not None:
        assert response.status_code == status, html
    assert '<html lang="ja">' in html or not html.lstrip().startswith("<!doctype")
    english = english_sentences()
    left = [t for t in visible_text(html) if t in english]
    assert left == []
    return html


def japanese(app, slug="spring") -> Terminal:
    return Terminal(app.test_client(), slug, lang=None)


def test_the_check_has_teeth():
    english = english_sentences()
    assert "Confirm" in english and "Please enter your name." in english


def test_the_board_and_the_ticket_are_japanese_in_tokyo_time(app):
    make_campaign(app, timezone="Asia/Tokyo")
    t = japanese(app)
    html = assert_japanese(t.get())
    assert "残り100枚" in html and "タイルを1枚選んでください" in html
    assert 'aria-label="7番のタイル"' in html
    t.claim(7)
    html = assert_japanese(t.get("/entry"))
    assert "7番のタイル" in html and "「結果を見る」" in html and "送り先" not in html
    t.reveal()
    html = assert_japanese(t.get("/entry"))
    # START is 12:00 UTC; the hold lasts 15 minutes: 21:15 in Tokyo.
    assert "2026年12月10日 21:15</time>までに送り先をご入力ください。" in html
    assert "7番のタイル：" in html and "郵便番号（例：123-4567）" in html
    html = assert_japanese(t.confirm(name="", postal_code="12-34"), status=422)
    assert "お名前を入力してください。" in html
    assert "郵便番号は「123-4567」のように7桁の数字で入力してください。" in html
    assert t.confirm(**CONTACT).status_code == 303
    html = assert_japanese(t.get("/entry"))
    assert "ありがとうございました！" in html and "山田 花子様あてに" in html
    with app.app_context():
        row = get_db().execute("SELECT postal_code FROM destinations").fetchone()
    assert row == ("104-0061",)


def test_the_ticket_in_english_keeps_the_campaigns_zone(app):
    make_campaign(app, timezone="Asia/Tokyo")
    t = Terminal(app.test_client(), "spring", lang="en")
    t.claim(7)
    t.reveal()
    html = t.get("/entry").get_data(as_text=True)
    assert "before <time" in html and "Dec 10, 2026, 9:15 PM</time>" in html


def test_each_language_gets_its_own_board_markup(app):
    make_campaign(app)
    ja = japanese(app).get().get_data(as_text=True)
    en = Terminal(app.test_client()).get().get_data(as_text=True)
    assert 'aria-label="7番のタイル"' in ja and 'aria-label="Tile 7"' not in ja
    assert 'aria-label="Tile 7"' in en and "番のタイル" not in en


def test_a_poll_speaks_the_readers_language(app):
    make_campaign(app)
    t = japanese(app)
    t.get()
    japanese(app).claim(3)
    html = t.get("/tiles?v=0").get_data(as_text=True)
    assert "残り99枚" in html


def test_a_scheduled_board_says_when_it_opens_in_its_zone(app):
    make_campaign(
        app,
        opens=START + timedelta(days=1),
        closes=START + timedelta(days=2),
        timezone="Asia/Tokyo",
    )
    html = assert_japanese(japanese(app).get())
    assert "くじの開始は" in html and "2026年12月11日 21:00" in html


@pytest.mark.parametrize("outcome", ["cancel", "taken"])
def test_refusals_and_outcomes_are_japanese(app, outcome):
    make_campaign(app)
    t = japanese(app)
    if outcome == "cancel":
        t.claim(5)
        assert t.cancel().status_code == 303
        html = assert_japanese(t.get("/entry"))
        assert "5番のタイルをキャンセルしました。" in html
        assert "くじはお一人様1回までです。" in html
    else:
        japanese(app).claim(5)
        html = assert_japanese(t.claim(5), status=409)
        assert "そのタイルはたった今ほかの方が選びました。" in html


def test_the_speed_lottery_is_japanese(app):
    make_campaign(app, slug="speedy", mode="speed", timezone="Asia/Tokyo")
    t = japanese(app, "speedy")
    html = assert_japanese(t.get())
    assert ">くじを引く<" in html
    assert t.post("/draw").status_code == 303
    assert_japanese(t.get("/entry"))


def test_the_batch_page_is_japanese(app, clock):
    make_campaign(app, slug="lots", draw="batch", mode="speed", timezone="Asia/Tokyo")
    t = japanese(app, "lots")
    html = assert_japanese(t.get())
    # Closes 30 days after START, 12:00 UTC: 21:00 in Tokyo.
    assert "2027年1月9日 21:00までに応募された方全員を対象に" in html
    html = assert_japanese(t.post("/apply", {**CONTACT, "email": "bad"}), status=422)
    assert "メールアドレスを正しく入力してください" in html
    assert t.post("/apply", CONTACT).status_code == 303
    html = assert_japanese(t.get())
    assert "応募を受け付けました。" in html
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "lots")
        row = db.execute(
            "SELECT postal_code FROM requests WHERE campaign_id = ?", [campaign.id]
        ).fetchone()
    assert row == ("104-0061",)


def test_the_closed_board_is_japanese(app, clock):
    make_campaign(app)
    clock.advance(days=40)
    html = assert_japanese(japanese(app).get())
    assert re.search("このキャンペーンは終了しました。", html)


def test_the_quiz_feedback_is_japanese(app, clock):
    from tests.app.test_play import QUIZ, make_game_campaign, the_play

    make_game_campaign(app, QUIZ)
    t = Terminal(app.test_client(), "play", lang=None)
    t.get("/play")
    q = the_play(app).challenge["questions"][0]
    clock.advance(seconds=3)
    t.post("/play", {"q": "0", "choice": str((q["answer"] + 1) % len(q["choices"]))})
    page = t.get("/play").get_data(as_text=True)
    assert f"第 1 問:残念、不正解です。正解は「{q['choices'][q['answer']]}」でした。" in page
