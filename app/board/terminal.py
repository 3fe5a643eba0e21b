"""The signed per-campaign cookie that remembers a terminal's one draw."""

from datetime import datetime

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from app.store.campaigns import Campaign


def _cookie(campaign: Campaign) -> str:
    return f"kuji_{campaign.slug}"


def _signer(campaign: Campaign) -> URLSafeSerializer:
    # The campaign id in the salt stops a cookie from one campaign working in another.
    return URLSafeSerializer(current_app.secret_key, salt=f"kuji.terminal.{campaign.id}")


def drawn_entry(campaign: Campaign) -> int | None:
    """Return the entry this terminal drew in the campaign; a tampered cookie counts as none."""
    raw = request.cookies.get(_cookie(campaign))
    if not raw:
        return None
    try:
        data = _signer(campaign).loads(raw)
    except BadSignature:
        return None
    entry = data.get("e") if isinstance(data, dict) else None
    return entry if isinstance(entry, int) else None


def remember(response, campaign: Campaign, entry_id: int, now: datetime):
    """Mark this terminal as having drawn, until well after the campaign closes."""
    max_age = int((campaign.closes - now).total_seconds()) + 90 * 24 * 3600
    response.set_cookie(
        _cookie(campaign),
        _signer(campaign).dumps({"e": entry_id}),
        max_age=max_age,
        path=f"/c/{campaign.slug}",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
