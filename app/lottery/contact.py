"""A respondent's destination: validation, and the keys that make one person one coupon."""

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import phonenumbers

from .messages import N_, Problem

# In the order the form asks for them.
LIMITS = {"name": 100, "postal_code": 20, "address": 300, "phone": 30, "email": 254}
EMAIL = re.compile(r"[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?\.[A-Za-z]{2,63}")
PHONE = re.compile(r"\+?[0-9(][0-9 ()-]*")
# Phone numbers without a country code are Japanese; every number is keyed in E.164.
REGION = "JP"
# "00" (most of the world) and "010" (from Japan) before a country code mean "+".
INTERNATIONAL_PREFIXES = ("010", "00")
GMAIL_ALIASES = {"googlemail.com": "gmail.com"}
# Providers that deliver "name+tag@…" to "name@…", so the tag is ignored when matching (the
# EMAIL_TAG_DOMAINS setting replaces this list; "*" means every domain). Gmail always.
TAG_DOMAINS = frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "icloud.com",
        "me.com",
        "fastmail.com",
        "proton.me",
        "protonmail.com",
    }
)
# Characters a spreadsheet would run as a formula when they start a cell.
FORMULA_START = ("=", "+", "-", "@")
# Joiners are part of some scripts and emoji in names and addresses; every other format
# character (direction overrides, zero-width spaces, soft hyphens) only disguises text.
JOINERS = {"\u200c", "\u200d"}
# A Japanese postal code: 〒123-4567, the mark, spaces and any dash optional.
POSTAL_MARKS = str.maketrans("", "", "〒 -\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff70")
# One whole sentence per field and problem, so every language can word it its own way.
MESSAGES = {
    ("name", "required"): N_("Please enter your name."),
    ("name", "long"): N_("Your name must be at most %(limit)d characters."),
    ("name", "control"): N_("Your name contains control or invisible characters."),
    ("name", "formula"): N_("Your name may not start with = + - or @."),
    ("postal_code", "required"): N_("Please enter your postal code."),
    ("postal_code", "long"): N_("Your postal code must be at most %(limit)d characters."),
    ("postal_code", "control"): N_("Your postal code contains control or invisible characters."),
    ("postal_code", "format"): N_("Please write your postal code as 7 digits, e.g. 123-4567."),
    ("address", "required"): N_("Please enter your address."),
    ("address", "long"): N_("Your address must be at most %(limit)d characters."),
    ("address", "control"): N_("Your address contains control or invisible characters."),
    ("address", "formula"): N_("Your address may not start with = + - or @."),
    ("phone", "required"): N_("Please enter your phone number."),
    ("phone", "long"): N_("Your phone number must be at most %(limit)d characters."),
    ("phone", "control"): N_("Your phone number contains control or invisible characters."),
    ("phone", "format"): N_(
        "Please write your phone number in digits; spaces, dashes and brackets may separate"
        " them (6 to 15 digits)."
    ),
    ("email", "required"): N_("Please enter your e-mail address."),
    ("email", "long"): N_("Your e-mail address must be at most %(limit)d characters."),
    ("email", "control"): N_("Your e-mail address contains control or invisible characters."),
    ("email", "formula"): N_("Your e-mail address may not start with = + - or @."),
    ("email", "format"): N_("Please enter a valid e-mail address, e.g. hanako@example.jp."),
}


class ContactError(ValueError):
    """Fields that failed validation: `errors` maps field name to a whole sentence."""

    def __init__(self, errors: dict[str, Problem]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Contact:
    name: str
    address: str
    phone: str
    email: str
    postal_code: str = ""
    tag_domains: frozenset[str] = field(default=TAG_DOMAINS, repr=False, compare=False)

    @property
    def email_key(self) -> str:
        """The key under which one person has one coupon (the stored e-mail stays as written)."""
        return person_email_key(self.email, self.tag_domains)

    @property
    def phone_key(self) -> str:
        return phone_key(self.phone)


def person_digests(contact: Contact, key: bytes) -> tuple[str, str]:
    """Return keyed digests of a contact's e-mail and phone keys.

    Enough to know the same person again in a campaign, nothing to write to them with: what
    a draw that won nothing keeps of the details given before its reveal.
    """
    return tuple(
        hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        for kind, value in (("email", contact.email_key), ("phone", contact.phone_key))
    )


def email_key(email: str) -> str:
    """Return the form of an e-mail address used to spot the same candidate twice."""
    return unicodedata.normalize("NFKC", email).strip().casefold()


def person_email_key(email: str, tag_domains: Iterable[str] = TAG_DOMAINS) -> str:
    """Return the e-mail key that makes one person one coupon, however the address is written.

    Case never matters. Gmail ignores dots and a "+tag" in the local part, and
    googlemail.com is gmail.com; the providers in `tag_domains` deliver "+tag" mail too.
    """
    key = email_key(email)
    local, at, domain = key.rpartition("@")
    if not at:
        return key
    domain = GMAIL_ALIASES.get(domain, domain)
    if domain == "gmail.com":
        local = local.replace(".", "")
    if domain == "gmail.com" or domain in tag_domains or "*" in tag_domains:
        local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"


def phone_key(phone: str, region: str = REGION) -> str:
    """Return a phone number in E.164 ("+819012345678"), however it was written.

    090…, +81 90…, +81 (0)90…, 81-90…, 0081 90…, full-width digits, spaces, dashes and
    brackets all give the same key; a number that does not parse keys as its digits.
    """
    text = unicodedata.normalize("NFKC", phone).strip()
    digits = "".join(ch for ch in text if ch.isascii() and ch.isdigit())
    if not text.startswith("+"):
        for prefix in INTERNATIONAL_PREFIXES:  # dialled from abroad or from Japan
            if digits.startswith(prefix) and len(digits) > len(prefix) + 6:
                text = "+" + digits[len(prefix) :]
                break
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return digits
    if not phonenumbers.is_possible_number(number):
        return digits
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def postal_code(text: str) -> str | None:
    """Return a Japanese postal code as 123-4567 (full width and 〒 accepted), or None."""
    digits = unicodedata.normalize("NFKC", text).translate(POSTAL_MARKS)
    if len(digits) != 7 or not (digits.isascii() and digits.isdigit()):
        return None
    return f"{digits[:3]}-{digits[3:]}"


def clean_contact(fields, tag_domains: Iterable[str] = TAG_DOMAINS) -> Contact:
    """Validate and normalise name, postal code, address, phone and e-mail (ContactError).

    `tag_domains`: the e-mail providers whose "+tag" is ignored when matching people.
    """
    errors: dict[str, Problem] = {}
    values = {}
    for name, limit in LIMITS.items():
        raw = fields.get(name) or ""
        value = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
        if name == "phone" or name == "email":
            value = unicodedata.normalize("NFKC", value)
        problem = _problem(name, value, limit)
        if problem:
            errors[name] = Problem(
                MESSAGES[name, problem], **({"limit": limit} if problem == "long" else {})
            )
        elif name == "postal_code":
            value = postal_code(value)
        values[name] = value
    if errors:
        raise ContactError(errors)
    return Contact(**values, tag_domains=frozenset(tag_domains))


def _problem(name: str, value: str, limit: int) -> str | None:
    """Name what is wrong with a field: required, long, control, formula or format."""
    if not value:
        return "required"
    if len(value) > limit:
        return "long"
    allowed = {"\n", *JOINERS} if name == "address" else JOINERS if name == "name" else set()
    # Every character of those categories is unprintable: a printable value (most of them)
    # needs no look at each character.
    if not value.isprintable() and any(_odd(ch) and ch not in allowed for ch in value):
        return "control"
    if name == "phone":
        digits = sum(ch.isdigit() for ch in value)
        if not PHONE.fullmatch(value) or not 6 <= digits <= 15:
            return "format"
        return None
    if name == "postal_code":
        return None if postal_code(value) else "format"
    if value.startswith(FORMULA_START):
        return "formula"
    if name == "email" and not EMAIL.fullmatch(value):
        return "format"
    return None


def _odd(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn")
