"""One key per purpose, derived from SECRET_KEY, so no two uses share a secret."""

import hashlib
import hmac

from flask import current_app


def derive(purpose: str, secret: str | bytes | None = None) -> bytes:
    """Return the key for `purpose` (e.g. 'candidate-passwords') from the app's secret."""
    if secret is None:
        secret = current_app.secret_key
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, f"kuji.{purpose}".encode(), hashlib.sha256).digest()
