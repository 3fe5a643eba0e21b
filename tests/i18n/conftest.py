"""An app that reads the committed catalogues, compiled into a temporary folder.

The tests then prove what the .po files say, whether or not `make install` has compiled the
.mo files beside them, and never write into the working tree.
"""

import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import create_app
from app.web.extensions import limiter
from tests.admin.conftest import admin_account  # noqa: F401 (a fixture)
from tests.conftest import sqlite_copy

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


@pytest.fixture(scope="session")
def compiled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("translations")
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        language = po.parent.parent.name
        with po.open("rb") as f:
            catalogue = read_po(f, locale=language)
        target = out / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        with (target / "messages.mo").open("wb") as f:
            write_mo(f, catalogue)
    shutil.copy(TRANSLATIONS / "messages.pot", out / "messages.pot")
    return out


@pytest.fixture
def app(request, tmp_path, clock, compiled):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": sqlite_copy(request, tmp_path),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            "BABEL_TRANSLATION_DIRECTORIES": str(compiled),
        }
    )
    with app.app_context():
        limiter.reset()
    return app
