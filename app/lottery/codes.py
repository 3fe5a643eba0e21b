"""Codes people type: login IDs, passwords, tickets. No look-alike characters.

0/O, 1/I/L, 2/Z, 5/S and 8/B are left out; lower case, spaces and dashes typed by a person
are forgiven.
"""

import hashlib
import hmac
import unicodedata
from random import Random

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def new_code(rng: Random, length: int) -> str:
    """Return a random code of `length` characters from ALPHABET."""
    return "".join(rng.choice(ALPHABET) for _ in range(length))


def grouped(code: str, size: int = 4) -> str:
    """Return a code in dash-separated groups for reading, e.g. 'K7QM-XPDR-4RTA'."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def typed(text: str) -> str:
    """Return what a person typed as a bare code: full width, case, spaces and dashes forgiven."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    return "".join(ch for ch in text if ch not in " -\u2010\u2011\u2012\u2013\u2014\u2212")


def secret_digest(key: bytes, *parts: object) -> str:
    """Return an HMAC-SHA256 of the parts, for storing a random secret without keeping it."""
    message = "\x1f".join(str(p) for p in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def same_digest(key: bytes, stored: str | None, *parts: object) -> bool:
    """Tell whether the parts hash to `stored`, in constant time."""
    return stored is not None and hmac.compare_digest(stored, secret_digest(key, *parts))
