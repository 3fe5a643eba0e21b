"""The pure packages import alone: no Flask, no Babel, no database driver."""

import pkgutil
import subprocess
import sys
from pathlib import Path

import app.lottery
import games

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("flask", "flask_babel", "babel", "sqlite3", "sqlite_utils", "werkzeug")


def modules(package) -> list[str]:
    return [package.__name__] + [
        f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
    ]


def test_the_rules_and_the_games_import_without_flask_babel_or_a_database():
    names = modules(app.lottery) + modules(games)
    script = (
        "import importlib, json, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "import games; [games.get(n) for n in games.names()]\n"
        f"print(json.dumps(sorted(m for m in {FORBIDDEN!r} if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert len(names) > 10 and "games.quiz" in names
    assert out.strip() == "[]"
