"""The mini-games read in Japanese: every sentence of theirs is in the catalogue, translated."""

from pathlib import Path

from babel.messages.extract import extract_from_file

from tests.app.test_play import QUIZ, make_game_campaign
from tests.factories import Terminal

from .test_admin_japanese import visible_text
from .test_catalogue import KEYWORDS, messages

ROOT = Path(__file__).resolve().parents[2]
FILES = [
    *sorted((ROOT / "games").glob("**/*.py")),
    *sorted((ROOT / "app" / "play").glob("*.py")),
    *sorted((ROOT / "templates" / "games").glob("*.html")),
]


def game_messages() -> set[str]:
    found = set()
    for path in FILES:
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        for _, message, _, _ in extract_from_file(method, str(path), keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_game_sentence_has_a_japanese_translation():
    japanese = {m.id: m.string for m in messages("ja")}
    mine = game_messages()
    assert len(mine) > 30
    assert sorted(m for m in mine if not japanese.get(m)) == []


def test_each_game_page_speaks_japanese_by_default(app, client, clock):
    english = {m for m in game_messages() if "%(" not in m and len(m) > 12}
    for slug, game, expected in (
        ("quiz-ja", QUIZ, "商品クイズ"),
        ("stop-ja", '\n[game]\nname = "stop"\n', "ルーレットを止めよう"),
        ("memory-ja", '\n[game]\nname = "memory"\n', "記憶ゲーム"),
    ):
        make_game_campaign(app, game, slug=slug)
        t = Terminal(app.test_client(), slug, lang=None)
        page = t.get("/play").get_data(as_text=True)
        text = " ".join(visible_text(page))
        assert expected in text and "お楽しみ用" in text
        assert [s for s in english if s in text] == []
