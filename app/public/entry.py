"""A terminal's entry: the page of its draw, the reveal, then confirm or cancel.

With reveal_order = "after-contact" the details come first (`give`): the store records who
the person is (one person, one draw, from any device) and confirms a coupon with them, and
only then may the draw be uncovered; nothing is left to confirm or cancel. Every answer
before the reveal is the same whatever was drawn: the page, its status and its words.

The reveal POST is the moment the person scratched, spun or pressed Reveal: the server
records it (app/store/reveals.py); a page drawn before it holds neither the prize, the
confirm form nor the losing words, and a confirm before it is refused.
"""

import logging

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask_babel import gettext as _

from app.lottery.contact import ContactError, clean_contact
from app.store import Duplicate, NotHeld, claims, contacts, get_db, reveals
from app.web.i18n import current_language
from app.web.limiting import pending_hits
from app.web.logs import event
from app.web.responses import go, now

from . import confirming, terminal
from .reveal import COVERED, FIRST
from .screens import batch_page, drawn_entry, entry_page, held_entry, public_campaign

bp = Blueprint("entry", __name__, url_prefix="/c")
log = logging.getLogger(__name__)


@bp.get("/<slug>/entry")
def show(slug):
    """Show what this terminal drew: covered until uncovered, then its outcome."""
    return entry_page(public_campaign(slug))


@bp.get("/<slug>/ticket")
def old_url(slug):
    """Send a bookmark of the page's old address to its new one."""
    return redirect(url_for(".show", slug=slug), 301)


@bp.post("/<slug>/reveal")
def reveal(slug):
    """Uncover this terminal's draw, then show its outcome (htmx: the page's main block)."""
    campaign = public_campaign(slug)
    db = get_db()
    if campaign.mode == "invite":
        abort(404, _("This campaign has no draw to uncover here."))
    if campaign.strategy == "batch":
        found = terminal.drawn(campaign)
        drawn = reveals.request_entry(db, campaign.id, found[0], found[1]) if found else None
        if drawn is None:
            abort(409, _("You have no draw to uncover in this campaign yet."))
        first = reveals.reveal(db, campaign.id, drawn[0], now())
        event(log, "revealed", campaign=slug, entry=drawn[0], first=first)
        if request.htmx:
            return batch_page(campaign, just=first)
        return go(url_for("board.show", slug=slug))
    entry = drawn_entry(campaign)
    if entry is None:
        abort(409, _("You have no draw to uncover in this campaign yet."))
    if campaign.contact_first:
        ended = campaign.phase(now()) == "ended"
        first = contacts.reveal(db, campaign, entry.id, now(), ended=ended)
        if first is None:
            log.info("reveal refused: no contact", extra={"campaign": slug, "entry": entry.id})
            return entry_page(campaign, status=409, message=FIRST)
    else:
        first = reveals.reveal(db, campaign.id, entry.id, now())
    event(log, "revealed", campaign=slug, entry=entry.id, first=first)
    if request.htmx:
        return entry_page(campaign, just=first)
    return go(url_for(".show", slug=slug))


@bp.post("/<slug>/confirm")
@confirming.confirm_limits(deferred=True)
def confirm(slug):
    """Record the respondent's destination for the tile they hold."""
    campaign, entry = held_entry(slug)
    if not reveals.revealed(get_db(), entry.id):
        log.info("confirm refused: not revealed", extra={"campaign": slug, "entry": entry.id})
        return entry_page(campaign, status=409, message=COVERED)
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return entry_page(campaign, status=422, errors=exc.errors, form=request.form)
    try:
        claims.confirm(
            get_db(),
            campaign,
            entry.id,
            contact,
            now(),
            language=current_language(),
            hits=pending_hits(),
        )
    except Duplicate as exc:
        if confirming.duplicate_refused(get_db(), campaign, entry.id):
            return entry_page(campaign, status=409, message=confirming.released_message())
        message = confirming.duplicate_message(exc.field)
        return entry_page(campaign, status=409, errors={exc.field: message}, form=request.form)
    except NotHeld:
        return entry_page(campaign, status=409)
    event(log, "confirmed", campaign=slug, entry=entry.id)
    return go(url_for(".show", slug=slug))


@bp.post("/<slug>/contact")
@confirming.confirm_limits()
def give(slug):
    """Record the contact details of this terminal's covered draw, before its reveal."""
    campaign, entry = held_entry(slug)
    if not campaign.contact_first:
        return entry_page(campaign, status=409)
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return entry_page(campaign, status=422, errors=exc.errors, form=request.form)
    current, older = confirming.contact_digests(contact)
    try:
        contacts.give(
            get_db(), campaign, entry.id, contact, current, now(), older, current_language()
        )
    except Duplicate as exc:
        # The same answer for a coupon and for a loss: nothing of the outcome leaks here.
        log.info("contact refused: drew before", extra={"campaign": slug, "entry": entry.id})
        message = confirming.drew_before_message(exc.field)
        return entry_page(campaign, status=409, errors={exc.field: message}, form=request.form)
    except NotHeld:
        return entry_page(campaign, status=409)
    event(log, "contact given", campaign=slug, entry=entry.id)
    return go(url_for(".show", slug=slug))


@bp.post("/<slug>/cancel")
def cancel(slug):
    """Give the held tile back to the board; this terminal may not draw again."""
    campaign, entry = held_entry(slug)
    if campaign.contact_first:
        # Details given settle a draw; before them, a cancel would tell a coupon (given
        # back) from a loss (nothing to give back). Either way there is nothing to cancel.
        return entry_page(campaign, status=409)
    try:
        claims.cancel(get_db(), campaign, entry.id, now())
    except NotHeld:
        return entry_page(campaign, status=409)
    event(log, "cancelled", campaign=slug, entry=entry.id)
    return go(url_for(".show", slug=slug))
