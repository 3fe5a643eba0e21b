"""Where the app finds its templates, static files, translations and documents.

In a checkout they are the repository's own top-level folders. A wheel carries copies
inside the package, in app/_data (setup.py puts them there at build time), so an installed
app needs no checkout.
"""

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # app/, not app/web/
INSTALLED = (PACKAGE / "_data").is_dir()
DATA = PACKAGE / "_data" if INSTALLED else PACKAGE.parent


def data(name: str) -> str:
    """Return the folder `name` (templates, static, translations, docs) as a path."""
    return str(DATA / name)


def instance() -> str | None:
    """Return the instance folder: KUJI_INSTANCE, the checkout's instance/, else Flask's own.

    Flask's own, for an installed package, is <venv>/var/app-instance.
    """
    if os.environ.get("KUJI_INSTANCE"):
        return os.path.abspath(os.environ["KUJI_INSTANCE"])
    return None if INSTALLED else str(DATA / "instance")
