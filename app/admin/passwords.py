"""Password hashing with argon2id; the hash carries its own parameters and salt."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so both refusals take the same time.
_DUMMY = _hasher.hash("kuji: not a real password")

MIN_LENGTH = 12
# zxcvbn's estimate of the guesses a password takes: 3 is "safely unguessable" (about 10^8
# guesses online); below it dictionary words, names, dates and keyboard walks are refused.
MIN_SCORE = 3


def hash_password(password: str) -> str:
    """Return an argon2id hash of `password`."""
    return _hasher.hash(password)


def verify(stored: str | None, password: str) -> tuple[bool, str | None]:
    """Check `password`; return (ok, a fresh hash if the stored one's parameters are old)."""
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return False, None
    if stored is None:
        return False, None
    return True, hash_password(password) if _hasher.check_needs_rehash(stored) else None


def password_problem(password: str, email: str = "") -> str | None:
    """Return why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return _("password: at least %(count)d characters", count=MIN_LENGTH)
    # Only the first 100 characters are scored: zxcvbn's time grows fast with length.
    inputs = [email, *email.replace("@", " ").replace(".", " ").split()] if email else []
    if zxcvbn(password[:100], user_inputs=inputs)["score"] < MIN_SCORE:
        return _("password: too easy to guess; use a few unrelated words or a password manager")
    return None
