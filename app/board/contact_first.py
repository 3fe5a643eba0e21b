"""Contact details before the reveal (reveal_order = "after-contact"), board and speed alike.

The person gives the destination form's details while the draw is still covered; the store
records who they are (one person, one draw, from any device) and confirms a coupon with
them, and only then may the draw be uncovered. Nothing to cancel afterwards: a loss is a
loss, and a coupon is already theirs. Every answer before the reveal is the same whatever
was drawn: the page, its status and its words.
"""

import logging

from flask import current_app, request, url_for
from flask_babel import gettext as _

from app import keys
from app.i18n import current_language
from app.limiting import counted
from app.lottery.contact import ContactError, clean_contact, person_digests
from app.store import Duplicate, NotHeld, contacts, get_db
from app.views import go, now

from . import bp, confirming

log = logging.getLogger(__name__)
PURPOSE = "contact-keys"


def digests(contact) -> tuple[tuple[str, str], list[tuple[str, str]]]:
    """Return the person's digests under the current key, and under every retired one."""
    current, *older = keys.candidates(PURPOSE)
    return person_digests(contact, current), [person_digests(contact, k) for k in older]


def duplicate_message(field: str) -> str:
    """Say that this person drew in this campaign before, naming how we know."""
    if field == "phone":
        return _("This phone number has already drawn in this campaign: one draw per person.")
    return _("This e-mail address has already drawn in this campaign: one draw per person.")


@bp.post("/<slug>/contact")
@counted("confirm", confirming.address_limit, on_breach=confirming.slowed)
@counted(
    "confirm-holder",
    confirming.holder_limit,
    key=confirming.holder_key,
    on_breach=confirming.slowed,
)
def give(slug):
    """Record the contact details of this terminal's covered draw, before its reveal."""
    from .routes import _entry_page, _holder

    campaign, entry = _holder(slug)
    if not campaign.contact_first:
        return _entry_page(campaign, status=409)
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return _entry_page(campaign, status=422, errors=exc.errors, form=request.form)
    current, older = digests(contact)
    try:
        contacts.give(
            get_db(), campaign, entry.id, contact, current, now(), older, current_language()
        )
    except Duplicate as exc:
        # The same answer for a coupon and for a loss: nothing of the outcome leaks here.
        log.info("contact refused: drew before", extra={"campaign": slug, "entry": entry.id})
        message = duplicate_message(exc.field)
        return _entry_page(campaign, status=409, errors={exc.field: message}, form=request.form)
    except NotHeld:
        return _entry_page(campaign, status=409)
    log.info("contact given", extra={"campaign": slug, "entry": entry.id})
    return go(url_for(".entry_page", slug=slug))
