"""The signed per-campaign cookie that remembers a terminal's one draw."""

import base64
import hashlib
import hmac
import re
from datetime import datetime
from functools import lru_cache

from flask import request, session
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.http import http_date

from app.store.campaigns import Campaign
from app.web.keys import candidates, derive, secrets

# "<entry id>.<holder>.<signature>": one HMAC-SHA256 over the campaign id and the rest.
# itsdangerous signed the same in about ten times the time (a key derived on every call,
# JSON, a compression attempt); cookies it wrote before are still read.
COOKIE = re.compile(r"(\d{1,18})\.(.+)\.([A-Za-z0-9_-]{43})")
PURPOSE = "terminal-cookies"


@lru_cache(maxsize=64)
def _expires(closes: datetime) -> str:
    # The same moment as Max-Age, written once per campaign rather than on every draw.
    return http_date(closes)


def _cookie(campaign: Campaign) -> str:
    return f"kuji_{campaign.slug}"


def _signature(campaign: Campaign, payload: str, key: bytes | None = None) -> str:
    # The campaign id in the message stops a cookie from one campaign working in another.
    message = f"kuji.terminal.{campaign.id}\x00{payload}".encode()
    digest = hmac.new(key or derive(PURPOSE), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _genuine(campaign: Campaign, payload: str, signature: str) -> bool:
    """Tell whether any current or fallback key (or, from before derived keys, a raw
    secret) signed `payload`: a terminal that drew before a key rotation stays drawn."""
    if hmac.compare_digest(signature, _signature(campaign, payload)):
        return True  # the current key, first of the candidates: nearly every cookie
    return any(
        hmac.compare_digest(signature, _signature(campaign, payload, key))
        for key in candidates(PURPOSE, raw=True)[1:]
    )


def _signer(campaign: Campaign) -> URLSafeSerializer:
    """Read cookies written before the compact format (itsdangerous: newest key last)."""
    keys = [s.decode() if isinstance(s, bytes) else s for s in reversed(secrets())]
    return URLSafeSerializer(keys, salt=f"kuji.terminal.{campaign.id}")


def holder() -> str:
    """Return this browser session's name as a holder: the same for every tab and request.

    It is derived from the session's CSRF secret, which every accepted claim carries, so
    parallel claims from one session collide on the one-draw-per-holder constraint.
    """
    if "csrf_token" not in session:
        generate_csrf()  # gives the session its secret, even with CSRF checks off
    secret = session["csrf_token"].encode()
    digest = hmac.new(derive("terminal-holders"), secret, hashlib.sha256).hexdigest()
    return "board:" + digest[:32]


def drawn(campaign: Campaign) -> tuple[int, str] | None:
    """Return (entry id, holder) of this terminal's draw; a tampered cookie counts as none."""
    raw = request.cookies.get(_cookie(campaign))
    if not raw:
        return None
    found = COOKIE.fullmatch(raw)
    if found:
        entry, holder, signature = found.groups()
        if _genuine(campaign, f"{entry}.{holder}", signature):
            return int(entry), holder
        return None
    return _old_cookie(campaign, raw)


def _old_cookie(campaign: Campaign, raw: str) -> tuple[int, str] | None:
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
    """Mark this terminal as having drawn, until the campaign closes.

    Not a day longer: on a shared browser the cookie leads to the person's entry page and
    e-coupon, and once the campaign is over no draw needs refusing (the coupon went by mail).
    """
    max_age = max(0, int((campaign.closes - now).total_seconds()))
    payload = f"{entry_id}.{holder}"
    response.set_cookie(
        _cookie(campaign),
        f"{payload}.{_signature(campaign, payload)}",
        max_age=max_age,
        expires=_expires(campaign.closes),  # for browsers that know no Max-Age
        path=f"/c/{campaign.slug}",
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response
