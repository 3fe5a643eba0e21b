"""The kiosk's device cookie: a long-lived, signed name of the kiosk this browser is.

It is separate from the session (a customer's session cookie, CSRF secret and language
carry nothing of the kiosk's), signed with its own key, and checked against the kiosk's
row on every request, so a revoked kiosk is refused at once.
"""

import base64
import hashlib
import hmac
import re

from flask import g, request, url_for

from app.store import get_db, kiosks
from app.web.keys import candidates, derive
from app.web.responses import now

COOKIE = "kuji_kiosk"
FORMAT = re.compile(r"(\d{1,12})\.([A-Za-z0-9_-]{10,40})\.([A-Za-z0-9_-]{43})")
MAX_AGE = 5 * 365 * 24 * 3600


def _signature(payload: str, key: bytes | None = None) -> str:
    key = key or derive("kiosk-device")
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def bind(response, kiosk_id: int, device: str):
    """Make this browser the kiosk: set the signed device cookie."""
    payload = f"{kiosk_id}.{device}"
    response.set_cookie(
        COOKIE,
        f"{payload}.{_signature(payload)}",
        max_age=MAX_AGE,
        path="/",  # the campaign's mini-game (/c/<slug>/play) must know the kiosk too
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def claimed() -> tuple[int, str] | None:
    """Return (kiosk id, device) from a genuine cookie, else None."""
    found = FORMAT.fullmatch(request.cookies.get(COOKIE, ""))
    if not found:
        return None
    kiosk_id, device, signature = found.groups()
    payload = f"{kiosk_id}.{device}"
    # Any of the current and fallback keys: rotating SECRET_KEY must not unbind the tablets.
    if not any(
        hmac.compare_digest(signature, _signature(payload, key))
        for key in candidates("kiosk-device")
    ):
        return None
    return int(kiosk_id), device


def current() -> tuple[kiosks.Kiosk | None, str]:
    """Return this browser's kiosk and its standing: 'ok', 'revoked' or 'none'."""
    if "kiosk" in g:
        return g.kiosk
    found, standing = None, "none"
    mine = claimed()
    if mine:
        kiosk = kiosks.get(get_db(), mine[0])
        if kiosk is not None and kiosk.device and hmac.compare_digest(kiosk.device, mine[1]):
            found, standing = kiosk, "revoked" if kiosk.revoked_at else "ok"
    g.kiosk = (found, standing)
    return g.kiosk


def holder_of(ticket_id: int) -> str:
    """Return the draw holder of a ticket: one draw per ticket, on whichever kiosk."""
    return f"kiosk:{ticket_id}"


def player(campaign) -> str | None:
    """Name the holder for a mini-game played on this kiosk now, or None off a kiosk."""
    kiosk, standing = current()
    if standing != "ok" or kiosk.campaign_id != campaign.id:
        return None
    ticket_id = kiosks.turn(kiosk, now())
    return holder_of(ticket_id) if ticket_id else None


def draw_url(campaign) -> str | None:
    """Return where a game played on this kiosk goes on to draw, or None off a kiosk."""
    return url_for("kiosk.play") if player(campaign) else None
