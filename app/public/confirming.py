"""What guards a confirmation, on the board and for invitees alike.

A hold must not become an oracle for "does this e-mail or phone number already have a
coupon?". Confirms are rate-limited per address and per holder (counted in the database, in the
confirm's own transaction), and the "already has a coupon" refusals of one hold
are counted in the database, so the count holds across workers and restarts: the third
refusal releases the hold (its coupon goes back to the pool, its tile to the board) and the
terminal or invitee has drawn.
"""

import hashlib
import logging

from flask import current_app, make_response, request, session, url_for
from flask_babel import gettext as _

from app.lottery.contact import person_digests
from app.store import NotHeld, attempts, claims
from app.web import keys
from app.web.error_pages import title_for
from app.web.limiting import counted
from app.web.responses import now, render, to_main

log = logging.getLogger(__name__)
SCOPE = "confirm-duplicate"
# Refusals are counted per hold, not per address: the address column holds this mark.
PER_HOLD = "-"


def address_limit() -> str:
    return current_app.config["CONFIRM_LIMIT"]


def holder_limit() -> str:
    return current_app.config["CONFIRM_HOLDER_LIMIT"]


def holder_key() -> str:
    """Name who confirms: the terminal's draw cookie, else the browser session, else the address.

    The cookie and the session are signed, so a client cannot pick a fresh name per try
    without drawing again (once per device) or logging in again (limited in the database).
    """
    slug = (request.view_args or {}).get("slug", "")
    who = request.cookies.get(f"kuji_{slug}") or session.get("csrf_token")
    if not who:
        return f"confirm:{slug}:addr:{request.remote_addr or '-'}"
    return f"confirm:{slug}:" + hashlib.sha256(str(who).encode()).hexdigest()[:32]


def slowed(limit):
    """Answer a confirm over its limit with a page that says what to do."""
    slug = (request.view_args or {}).get("slug", "")  # extensions._breached logs it
    message = _("Too many tries to confirm just now. Wait a minute and try again.")
    html, status, headers = to_main(
        render(
            "errors.html",
            block="main",
            status=429,
            title=title_for(429),
            message=message,
            back=url_for("board.show", slug=slug) if slug else url_for("home.index"),
        )
    )
    return make_response(html, status, headers)


def duplicate_refused(db, campaign, entry_id: int) -> bool:
    """Count one "already has a coupon" refusal of a hold; release it at the limit.

    Returns True when the hold was released (the caller tells the person so).
    """
    moment = now()
    key = f"{campaign.id}:{entry_id}"
    attempts.record_failure(db, SCOPE, key, PER_HOLD, moment)
    limit = int(current_app.config["CONFIRM_DUPLICATES"])
    # A hold lasts minutes; the day attempts.KEEP keeps failures covers it whole.
    refused = attempts.failures(db, SCOPE, key, PER_HOLD, moment - attempts.KEEP)
    log.info(
        "confirm refused: already has a coupon",
        extra={"campaign": campaign.slug, "entry": entry_id, "refusals": refused},
    )
    if refused < limit:
        return False
    try:
        claims.cancel(db, campaign, entry_id, moment)
    except NotHeld:
        return True  # lapsed or cancelled meanwhile: released all the same
    log.info("hold released after refusals", extra={"campaign": campaign.slug, "entry": entry_id})
    return True


def released_message() -> str:
    return _(
        "This coupon has gone back to the draw: the e-mail addresses or phone numbers given"
        " already have a coupon in this campaign, and each person may have only one."
    )


def duplicate_message(field: str) -> str:
    """Say that this person already has a coupon, naming how we know."""
    if field == "phone":
        return _("This phone number already has a coupon in this campaign: one per person.")
    return _("This e-mail address already has a coupon in this campaign: one per person.")


# Keys for the digests a draw's details leave behind when asked before the reveal.
CONTACT_KEYS = "contact-keys"


def contact_digests(contact) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """Return the person's digests under the current key, and under every retired one."""
    current, *older = keys.candidates(CONTACT_KEYS)
    return person_digests(contact, current), [person_digests(contact, k) for k in older]


def drew_before_message(field: str) -> str:
    """Say that this person drew in this campaign before (details asked before the reveal)."""
    if field == "phone":
        return _("This phone number has already drawn in this campaign: one draw per person.")
    return _("This e-mail address has already drawn in this campaign: one draw per person.")


def confirm_limits(deferred: bool = False):
    """Count a confirm (or the details given before a reveal) per address and per holder.

    deferred=True: the view's write transaction counts both (pending_hits()), one commit
    instead of three.
    """

    def decorate(view):
        view = counted(
            "confirm-holder", holder_limit, key=holder_key, on_breach=slowed, deferred=deferred
        )(view)
        return counted("confirm", address_limit, on_breach=slowed, deferred=deferred)(view)

    return decorate
