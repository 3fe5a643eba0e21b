"""The request's campaign: read once per request (row and settings) and kept on flask.g.

Every view and page helper of a request asks here, so a draw reads its campaign once.
After this request's own write changed the row (a draw refused, holds lapsed, a batch
run), `reload()` reads it again and keeps the new one.
"""

from flask import g

from app.store import campaigns, get_db


def _kept() -> dict:
    return g.setdefault("campaigns", {})


def current_campaign(slug: str):
    """Return the campaign at `slug` (None when there is none), read once per request."""
    kept = _kept()
    if slug not in kept:
        kept[slug] = campaigns.by_slug(get_db(), slug)
    return kept[slug]


def reload(slug: str):
    """Read the campaign at `slug` again, after this request changed it, and keep it."""
    found = _kept()[slug] = campaigns.by_slug(get_db(), slug)
    return found
