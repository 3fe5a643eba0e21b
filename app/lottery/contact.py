"""A respondent's destination: validation, and the keys that make one person one coupon."""

import re
import unicodedata
from dataclasses import dataclass

LIMITS = {"name": 100, "address": 300, "phone": 30, "email": 254}
EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\.[A-Za-z]{2,63}")
PHONE = re.compile(r"\+?[0-9(][0-9 ()-]*")
# Numbers written in international form ("+81 90…", "0081 90…") are keyed in national form.
COUNTRY_CODE = "81"
# Characters a spreadsheet would run as a formula when they start a cell.
FORMULA_START = ("=", "+", "-", "@")
# Joiners are part of some scripts and emoji in names and addresses; every other format
# character (direction overrides, zero-width spaces, soft hyphens) only disguises text.
JOINERS = {"\u200c", "\u200d"}


class ContactError(ValueError):
    """Fields that failed validation: `errors` maps field name to message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Contact:
    name: str
    address: str
    phone: str
    email: str

    @property
    def email_key(self) -> str:
        return email_key(self.email)

    @property
    def phone_key(self) -> str:
        return phone_key(self.phone)


def email_key(email: str) -> str:
    """Return the form of an e-mail address used to spot the same person twice."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def phone_key(phone: str) -> str:
    """Return the digits of a phone number in national form (full-width digits count)."""
    text = unicodedata.normalize("NFKC", phone).strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if text.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    if international.startswith(COUNTRY_CODE):
        return "0" + international[len(COUNTRY_CODE) :]
    return "00" + international


def clean_contact(fields) -> Contact:
    """Validate and normalise name, address, phone and e-mail, raising ContactError."""
    errors: dict[str, str] = {}
    values = {}
    for name, limit in LIMITS.items():
        raw = fields.get(name) or ""
        value = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
        if name == "phone" or name == "email":
            value = unicodedata.normalize("NFKC", value)
        problem = _problem(name, value, limit)
        if problem:
            errors[name] = problem
        values[name] = value
    if errors:
        raise ContactError(errors)
    return Contact(**values)


def _problem(name: str, value: str, limit: int) -> str | None:
    if not value:
        return "is required"
    if len(value) > limit:
        return f"must be at most {limit} characters"
    allowed = {"\n", *JOINERS} if name == "address" else JOINERS if name == "name" else set()
    if any(_odd(ch) and ch not in allowed for ch in value):
        return "contains control or invisible characters"
    if name == "phone":
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE.fullmatch(value) or not 6 <= digits <= 15:
            return "use digits, spaces, dashes or brackets (6 to 15 digits)"
        return None
    if value.startswith(FORMULA_START):
        return "may not start with " + " ".join(FORMULA_START)
    if name == "email" and not EMAIL.fullmatch(value):
        return "is not a valid e-mail address"
    return None


def _odd(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")
