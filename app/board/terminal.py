"""The signed per-campaign cookie that remembers a terminal's one draw."""

import hashlib
import hmac
from datetime import datetime

from flask import current_app, request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer

from app.store.campaigns import Campaign


def _cookie(campaign: Campaign) -> str:
    return f"kuji_{campaign.slug}"


def _signer(campaign: Campaign) -> URLSafeSerializer:
    # The campaign id in the salt stops a cookie from one campaign working in another.
    return URLSafeSerializer(current_app.secret_key, salt=f"kuji.terminal.{campaign.id}")


def holder() -> str:
    """Return this browser session's name as a holder: the same for every tab and request.

    It is derived from the session's CSRF secret, which every accepted claim carries, so
    parallel claims from one session collide on the one-draw-per-holder constraint.
    """
    generate_csrf()  # makes sure the session has its secret, even with CSRF checks off
    secret = session["csrf_token"].encode()
    digest = hmac.new(current_app.secret_key.encode(), secret, hashlib.sha256).hexdigest()
    return "board:" + digest[:32]


def drawn(campaign: Campaign) -> tuple[int, str] | None:
    """Return (entry id, holder) of this terminal's draw; a tampered cookie counts as none."""
    raw = request.cookies.get(_cookie(campaign))
    if not raw:
        return None
    try:
        data = _signer(campaign).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    entry, holder = data.get("e"), data.get("h")
    if not isinstance(entry, int) or not isinstance(holder, str):
        return None
    return entry, holder


def remember(response, campaign: Campaign, entry_id: int, holder: str, now: datetime):
    """Mark this terminal as having drawn, until well after the campaign closes."""
    max_age = int((campaign.closes - now).total_seconds()) + 90 * 24 * 3600
    response.set_cookie(
        _cookie(campaign),
        _signer(campaign).dumps({"e": entry_id, "h": holder}),
        max_age=max_age,
        path=f"/c/{campaign.slug}",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
