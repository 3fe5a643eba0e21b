"""Build step: a wheel carries the templates, static files, compiled translations and the
fairness documents inside the package, in app/_data, so `pip install .` needs no checkout.

Everything else about the package is in pyproject.toml. The repository keeps these
folders at its top level; app/web/paths.py finds them there in a checkout, or in app/_data.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# static/vendor/htmx.min.js is copied too when `make install` (npm) has placed it.
FOLDERS = ("templates", "static")
DOCS = "fairness*.md"


class BuildWithData(build_py):
    """build_py, then copy the app's data folders and compile its catalogues into the build."""

    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's own folders
        data = Path(self.build_lib) / "app" / "_data"
        shutil.rmtree(data, ignore_errors=True)
        for name in FOLDERS:
            shutil.copytree(ROOT / name, data / name, ignore=shutil.ignore_patterns(".*"))
        (data / "docs").mkdir(parents=True)
        for doc in (ROOT / "docs").glob(DOCS):
            shutil.copy2(doc, data / "docs" / doc.name)
        compile_catalogues(ROOT / "translations", data / "translations")


def compile_catalogues(source: Path, target: Path) -> None:
    """Write each language's messages.mo from its committed messages.po."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        language = po.parts[-3]
        with po.open("rb") as f:
            catalogue = read_po(f, locale=language)
        mo = target / language / "LC_MESSAGES" / "messages.mo"
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as f:
            write_mo(f, catalogue)


setup(cmdclass={"build_py": BuildWithData})
