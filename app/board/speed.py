"""The speed lottery (one Draw button) and the batch draw (requests now, one draw later)."""

import logging

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from app.i18n import current_language
from app.limiting import counted
from app.lottery.contact import ContactError, clean_contact
from app.play import gate
from app.store import (
    AlreadyDrawn,
    Closed,
    Duplicate,
    Refused,
    Taken,
    batch,
    campaigns,
    claims,
    get_db,
    reveals,
)
from app.views import go, now, render, to_main

from . import addresses, bp, terminal
from .reveal import has_losing

log = logging.getLogger(__name__)


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT"]


def speed_page(campaign, message=None, status=200):
    """Render the Draw button, or why there is none."""
    phase = campaign.phase(now())
    if phase == "open" and not message and not campaign.free:
        message = _("Every coupon is taken for now. Coupons that are not confirmed come back.")
    return render(
        "board/speed.html",
        block="main",
        status=status,
        campaign=campaign,
        phase=phase,
        message=message,
        before=gate.before_draw(get_db(), campaign, terminal.holder()) if phase == "open" else None,
        losing=has_losing(get_db(), campaign),
    )


@bp.post("/<slug>/draw")
@counted("claim", _claim_limit)
def draw(slug):
    """Draw the next sheet of a speed lottery for this terminal."""
    from .routes import _entry_page, drawn_entry, public_campaign

    campaign = public_campaign(slug)
    if campaign.mode != "speed" or campaign.strategy != "next":
        abort(404, _("This campaign has no Draw button."))
    moment = now()
    if campaign.phase(moment) != "open":
        return to_main(speed_page(campaign, status=403))
    if drawn_entry(campaign) is not None:
        return to_main(_entry_page(campaign, status=403))
    holder = terminal.holder()
    # The game's score, fixed now (an unfinished play counts as it stands), is the merit.
    merit = gate.game_merit(get_db(), campaign, holder, moment)
    try:
        entry = claims.hold(
            get_db(), campaign, holder, moment, merit=merit, counted=addresses.counted()
        )
    except Refused as exc:
        message = addresses.refused_message(exc.reason)
        return to_main(speed_page(campaign, message=message, status=429))
    except Taken:
        return to_main(speed_page(campaign, status=409))
    except AlreadyDrawn:
        abort(403, _("You have already drawn in this campaign: one draw per person."))
    except Closed:
        return to_main(speed_page(campaigns.by_slug(get_db(), slug), status=403))
    log.info(
        "draw", extra={"campaign": slug, "entry": entry.id, "state": entry.state, "merit": merit}
    )
    response = current_app.make_response(go(url_for(".entry_page", slug=slug)))
    return terminal.remember(response, campaign, entry.id, holder, moment)


def _run_if_due(campaign):
    """Run a batch draw that is due (from a POST only: a page view never draws)."""
    db = get_db()
    if batch.due(campaign, batch.asked(db, campaign.id), now()):
        if batch.run(db, campaign, now()) is not None:
            log.info("batch draw", extra={"campaign": campaign.slug})
        return campaigns.by_slug(db, campaign.slug)
    return campaign


def batch_page(campaign, status=200, errors=None, form=None, message=None, just=False):
    """Show the request form, this terminal's request, or its result once uncovered."""
    from .revealing import context

    db = get_db()
    found = terminal.drawn(campaign)
    mine = batch.request(db, campaign.id, found[0], found[1]) if found else None
    prize = None
    if mine and mine.prize_id:
        prize = campaigns.prizes(db, campaign.id).get(mine.prize_id)
    drawn = reveals.request_entry(db, campaign.id, found[0], found[1]) if mine else None
    shown = context(db, campaign, drawn[0], prize, just) if drawn else {}
    return render(
        "board/batch.html",
        block="main",
        status=status,
        campaign=campaign,
        phase=campaign.phase(now()),
        mine=mine,
        prize=prize,
        asked=batch.asked(db, campaign.id),
        errors=errors or {},
        form=form or {},
        message=message,
        **shown,
    )


@bp.post("/<slug>/apply")
@counted("claim", _claim_limit)
def apply(slug):
    """Register this terminal's request, with its destination, for the batch draw."""
    from .routes import public_campaign

    campaign = _run_if_due(public_campaign(slug))
    if campaign.strategy != "batch":
        abort(404, _("This campaign takes no requests."))
    moment = now()
    if campaign.phase(moment) != "open":
        return to_main(batch_page(campaign, status=403))
    if terminal.drawn(campaign) is not None:
        return to_main(batch_page(campaign, status=403))
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return batch_page(campaign, status=422, errors=exc.errors, form=request.form)
    holder = terminal.holder()
    db = get_db()
    try:
        request_id = batch.register(
            db, campaign, holder, contact, moment, language=current_language()
        )
    except Duplicate as exc:
        message = duplicate_message(exc.field)
        return batch_page(campaign, 409, errors={exc.field: message}, form=request.form)
    except Taken:
        message = _("Every coupon has been asked for: the draw is about to be made.")
        return to_main(batch_page(campaign, status=409, message=message))
    except AlreadyDrawn:
        abort(403, _("You have already asked in this campaign: one request per person."))
    except Closed:
        return to_main(batch_page(campaigns.by_slug(db, slug), status=403))
    _run_if_due(campaigns.by_slug(db, slug))
    response = current_app.make_response(go(url_for(".show", slug=slug)))
    return terminal.remember(response, campaign, request_id, holder, moment)


def duplicate_message(field: str) -> str:
    """Say that this person already has a coupon, naming how we know."""
    if field == "phone":
        return _("This phone number already has a coupon in this campaign: one per person.")
    return _("This e-mail address already has a coupon in this campaign: one per person.")
