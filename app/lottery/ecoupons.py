"""Pure rules for electronic coupons and kiosk draw tickets: codes, expiry, verdicts.

No Flask, no SQL. Codes come from codes.ALPHABET (no look-alike characters); randomness
is passed in (secrets.SystemRandom() in the app, a seeded Random in tests).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from random import Random
from urllib.parse import urlsplit

from .codes import ALPHABET, grouped, new_code, typed

# 18 characters of a 25-letter alphabet: 18·log2(25) ≈ 83.6 bits, unguessable.
COUPON_LENGTH = 18
# Draw tickets are handed out in the shop and typed on a tablet: short, rate-limited per kiosk.
TICKET_LENGTH = 8
# How a campaign issues its coupons: the paper print run, e-coupons, or both.
ISSUES = ("paper", "electronic", "both")
MAX_EXPIRY_DAYS = 3650


def coupon_bits() -> float:
    """Return the entropy of a coupon code in bits."""
    return COUPON_LENGTH * math.log2(len(ALPHABET))


def new_coupon_code(rng: Random) -> str:
    """Return a fresh e-coupon code (bare, without dashes)."""
    return new_code(rng, COUPON_LENGTH)


def new_ticket_code(rng: Random) -> str:
    """Return a fresh kiosk draw-ticket code (bare)."""
    return new_code(rng, TICKET_LENGTH)


def shown(code: str) -> str:
    """Return a code as people read it: dash-separated groups of four (or six for coupons)."""
    return grouped(code, 6 if len(code) == COUPON_LENGTH else 4)


def normalise(text: str | None, length: int) -> str | None:
    """Return the bare code a person typed or scanned, or None if it cannot be one.

    Forgives case, full-width letters, spaces and dashes, and a scanned coupon page URL
    (…/coupon/<code>). Anything else — a wrong length, a letter outside ALPHABET — is None.
    """
    text = (text or "").strip()[:300]
    if "/" in text:
        path = urlsplit(text).path.rstrip("/")
        text = path.rpartition("/")[2]
    code = typed(text)
    if len(code) != length or any(ch not in ALPHABET for ch in code):
        return None
    return code


def issues_electronic(issue: str) -> bool:
    """Tell whether a campaign with this `issue` setting gives e-coupons."""
    return issue in ("electronic", "both")


def expiry(rule: datetime | int | None, confirmed_at: datetime, zone: tzinfo) -> datetime | None:
    """Return when a coupon confirmed at `confirmed_at` stops being valid, or None for never.

    `rule` is the condition file's coupon_expires: a moment (every coupon ends then), or a
    number of days: the coupon stays valid through the end of the day that many days after
    confirmation, in the campaign's time zone (0 = the day of confirmation itself).
    """
    if rule is None:
        return None
    if isinstance(rule, datetime):
        return rule
    day: date = confirmed_at.astimezone(zone).date() + timedelta(days=rule + 1)
    return datetime.combine(day, time(0), tzinfo=zone)


@dataclass(frozen=True)
class CouponState:
    """What a till needs to know about a coupon."""

    redeemed_at: datetime | None
    expires_at: datetime | None


def verdict(state: CouponState | None, now: datetime) -> str:
    """Return 'unknown', 'used', 'expired' or 'valid' for a coupon at `now`."""
    if state is None:
        return "unknown"
    if state.redeemed_at is not None:
        return "used"
    if state.expires_at is not None and now >= state.expires_at:
        return "expired"
    return "valid"


def day_start(now: datetime, zone: tzinfo) -> datetime:
    """Return the start of `now`'s calendar day in `zone` (an undo is allowed from then)."""
    return datetime.combine(now.astimezone(zone).date(), time(0), tzinfo=zone)


def idempotency_key(text: str | None) -> str | None:
    """Return a till's idempotency key if it looks like one this app hands out, else None."""
    text = text or ""
    if 16 <= len(text) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in text):
        return text
    return None
