"""A campaign's fairness page and its public fairness document (the commitment, then the log)."""

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Blueprint, abort, current_app, request
from flask_babel import get_locale, gettext
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.store import fairness as fairness_store
from app.store import get_db
from app.web import paths
from app.web.responses import now, render

from .screens import public_campaign

DOCS = Path(paths.data("docs"))
bp = Blueprint("fairness", __name__, url_prefix="/c")
TEXTS = {"ja": "fairness.ja.md", "en": "fairness.md"}


@dataclass(frozen=True)
class Built:
    """A fairness document serialised once: its body, gzipped body and their ETags."""

    body: bytes
    gzipped: bytes
    tag: str


# Documents of ended campaigns never change again: each worker builds one once (the log of
# 100,000 draws takes about a second) and keeps the last few, keyed by database, campaign
# and commitment, so a new campaign under a reused id never meets an old document.
_BUILT: OrderedDict[tuple, Built] = OrderedDict()
_BUILT_LOCK = threading.Lock()
KEEP_BUILT = 16


def _build(document: dict) -> Built:
    body = (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode()
    tag = hashlib.sha256(body).hexdigest()[:32]
    return Built(body, gzip.compress(body, compresslevel=6, mtime=0), tag)


def _built(campaign) -> Built | None:
    """Return the campaign's document, built once after the end, or cheaply before it."""
    db, moment = get_db(), now()
    if campaign.commitment is None:
        return None
    if not fairness_store.finished(campaign, moment):
        return _build(fairness_store.document(db, campaign, moment))
    key = (current_app.config["DATABASE"], campaign.id, campaign.commitment)
    with _BUILT_LOCK:
        found = _BUILT.get(key)
        if found is not None:
            _BUILT.move_to_end(key)
            return found
    found = _build(fairness_store.document(db, campaign, moment))
    with _BUILT_LOCK:
        _BUILT[key] = found
        while len(_BUILT) > KEEP_BUILT:
            _BUILT.popitem(last=False)
    return found


@bp.get("/<slug>/fairness.json")
def document(slug):
    """Send the campaign's fairness document: the commitment, and after the end the seed and log."""
    built = _built(public_campaign(slug))
    if built is None:
        abort(404, gettext("This campaign was set up before draws were recorded for checking."))
    zipped = "gzip" in request.headers.get("Accept-Encoding", "")
    tag = built.tag + ("-gz" if zipped else "")
    headers = {
        # The seed appears the moment the campaign ends: always ask whether it changed (the
        # ETag makes that a 304 of no body).
        "Cache-Control": "no-cache",
        "ETag": f'"{tag}"',
        "Vary": "Accept-Encoding",
        # Public data: let anyone's verifier, on any site, fetch it.
        "Access-Control-Allow-Origin": "*",
    }
    if request.if_none_match.contains(tag):
        return current_app.response_class(status=304, headers=headers)
    if zipped:
        headers["Content-Encoding"] = "gzip"
    body = built.gzipped if zipped else built.body
    return current_app.response_class(body, mimetype="application/json", headers=headers)


@bp.get("/<slug>/fairness")
def page(slug):
    """Show how the draw can be checked, the commitment, and a verifier once it has ended."""
    campaign = public_campaign(slug)
    # The page shows the commitment and whether the campaign ended: never the log.
    document = fairness_store.summary(campaign, now())
    return render(
        "public/fairness.html",
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
