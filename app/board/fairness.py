"""A campaign's fairness page and its public fairness document (the commitment, then the log)."""

import json
from functools import cache
from pathlib import Path

from flask import abort, current_app
from flask_babel import get_locale, gettext
from markdown_it import MarkdownIt
from markupsafe import Markup

from app import paths
from app.store import fairness as fairness_store
from app.store import get_db
from app.views import now, render

from . import bp
from .routes import _campaign

DOCS = Path(paths.data("docs"))
TEXTS = {"ja": "fairness.ja.md", "en": "fairness.md"}


def _document(campaign) -> dict | None:
    return fairness_store.document(get_db(), campaign, now())


@bp.get("/<slug>/fairness.json")
def fairness_json(slug):
    """Send the campaign's fairness document: the commitment, and after the end the seed and log."""
    document = _document(_campaign(slug))
    if document is None:
        abort(404, gettext("This campaign was set up before draws were recorded for checking."))
    body = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    headers = {
        # The seed appears the moment the campaign ends: never serve a stale copy.
        "Cache-Control": "no-cache",
        # Public data: let anyone's verifier, on any site, fetch it.
        "Access-Control-Allow-Origin": "*",
    }
    return current_app.response_class(body, mimetype="application/json", headers=headers)


@bp.get("/<slug>/fairness")
def fairness_page(slug):
    """Show how the draw can be checked, the commitment, and a verifier once it has ended."""
    campaign = _campaign(slug)
    document = _document(campaign)
    return render(
        "board/fairness.html",
        campaign=campaign,
        document=document,
        text=Markup(fairness_text(_language())),  # noqa: S704 - our own Markdown, raw HTML off
    )


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in TEXTS else "en"


@cache
def fairness_text(language: str) -> str:
    """Return docs/fairness.md (or its translation) as HTML, without its title line."""
    source = (DOCS / TEXTS[language]).read_text(encoding="utf-8")
    if source.startswith("# "):
        source = source.split("\n", 1)[1]  # the page has its own heading
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(source)
