"""The committed catalogues: every message has natural Japanese, and placeholders agree."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]")
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,  # the pure rules' messages (app/lottery/messages.py)
}
# Every file with sentences a person reads: the admin, the public pages, the command line
# and the pure rules' validation messages.
TRANSLATED = [
    *sorted((ROOT / "app" / "admin").glob("*.py")),
    *sorted((ROOT / "app" / "public").glob("*.py")),
    *sorted((ROOT / "app" / "commands").glob("*.py")),
    *(ROOT / "app" / "lottery" / name for name in ("conditions.py", "contact.py", "editing.py")),
    ROOT / "app" / "home.py",
    *(ROOT / "app" / "web" / name for name in ("error_pages.py", "i18n.py")),
    *sorted((ROOT / "templates" / "admin").glob("*.html")),
    *sorted((ROOT / "templates" / "board").glob("*.html")),
    *(ROOT / "templates" / name for name in ("base.html", "home.html", "errors.html")),
    *(ROOT / "templates" / name for name in ("_macros.html", "_language.html")),
]


def catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def messages(language: str):
    return [m for m in catalogue(language) if m.id]


def ids(message) -> tuple[str, ...]:
    return tuple(message.id) if message.pluralizable else (message.id,)


def strings(message) -> tuple[str, ...]:
    return tuple(message.string) if message.pluralizable else (message.string,)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def test_every_message_has_a_japanese_translation():
    missing = [m.id for m in messages("ja") if not all(s.strip() for s in strings(m))]
    assert missing == []


def test_no_japanese_translation_is_fuzzy():
    assert [m.id for m in messages("ja") if m.fuzzy] == []


def test_japanese_reads_as_japanese():
    # A msgstr that is only the English copied over would slip past "non-empty".
    kana_or_kanji = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    # The coupon's corner number reads the same in both languages.
    same = {"No. %(no)d"}
    english = [
        m.id for m in messages("ja") if m.id not in same and not kana_or_kanji.search(strings(m)[0])
    ]
    assert english == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_placeholders_match_between_msgid_and_msgstr(language):
    wrong = []
    for m in messages(language):
        wanted = set().union(*(placeholders(i) for i in ids(m)))
        for s in strings(m):
            if s and placeholders(s) != wanted:
                wrong.append((m.id, s))
            if s:
                # Every translation must survive the formatting the app applies to it.
                s % {name: 1 for name in wanted}
    assert wrong == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_catalogue_matches_its_template(language):
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = {m.id if not m.pluralizable else m.id[0] for m in read_po(f) if m.id}
    po = {m.id if not m.pluralizable else m.id[0] for m in messages(language)}
    assert po == template


def test_every_message_in_the_translated_files_is_in_the_catalogue():
    """Catch a new sentence whose author forgot `make translations`."""
    known = {ids(m)[0] for m in messages("ja")}
    found = set()
    for path in TRANSLATED:
        method = "python" if path.suffix == ".py" else "jinja2.ext:babel_extract"
        for _, message, _, _ in extract_from_file(method, str(path), keywords=KEYWORDS):
            found.add(message[0] if isinstance(message, tuple) else message)
    assert sorted(found - known) == []
