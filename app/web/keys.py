"""One key per purpose, derived from SECRET_KEY, so no two uses share a secret.

New values (signatures, codes, digests) are made with the current SECRET_KEY. Verifiers
try every key of `candidates(purpose)`: the current one, then each of SECRET_KEY_FALLBACKS,
so rotating the secret voids neither a printed coupon nor a terminal's record of its draw.
"""

import hashlib
import hmac
from functools import lru_cache

from flask import current_app


def derive(purpose: str, secret: str | bytes | None = None) -> bytes:
    """Return the key for `purpose` (e.g. 'candidate-passwords') from the app's secret."""
    if secret is None:
        secret = current_app.secret_key
    return _derived(purpose, secret.encode() if isinstance(secret, str) else secret)


@lru_cache(maxsize=256)
def _derived(purpose: str, secret: bytes) -> bytes:
    # Cached: a claim verifies a cookie on every request, and the keys never change.
    return hmac.new(secret, f"kuji.{purpose}".encode(), hashlib.sha256).digest()


def secrets() -> list[str | bytes]:
    """Return SECRET_KEY, then each of SECRET_KEY_FALLBACKS (newest first, as listed)."""
    fallbacks = current_app.config.get("SECRET_KEY_FALLBACKS") or []
    if isinstance(fallbacks, str | bytes):
        fallbacks = [fallbacks]  # one old key written without a list
    return [current_app.secret_key, *(f for f in fallbacks if f)]


def candidates(purpose: str, raw: bool = False) -> list[bytes]:
    """Return every key a value of `purpose` may have been made with, current key first.

    raw=True also yields the secrets themselves: values made before keys were derived
    per purpose (terminal cookies and coupon codes) were keyed with SECRET_KEY directly.
    """
    keys = [derive(purpose, s) for s in secrets()]
    if raw:
        keys += [s.encode() if isinstance(s, str) else s for s in secrets()]
    return keys
