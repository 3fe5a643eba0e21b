"""The batch draw: requests, with their destination, now; one draw for them all later."""

import logging

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _

from app.lottery.contact import ContactError, clean_contact
from app.store import AlreadyDrawn, Closed, Duplicate, Taken, batch, get_db
from app.web.current_campaign import reload
from app.web.i18n import current_language
from app.web.limiting import counted
from app.web.responses import go, now, to_main

from . import terminal
from .confirming import duplicate_message
from .screens import batch_page, public_campaign

bp = Blueprint("batch", __name__, url_prefix="/c")
log = logging.getLogger(__name__)


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT"]


def _run_if_due(campaign):
    """Run a batch draw that is due (from a POST only: a page view never draws)."""
    db = get_db()
    if batch.due(campaign, batch.asked(db, campaign.id), now()):
        if batch.run(db, campaign, now()) is not None:
            log.info("batch draw", extra={"campaign": campaign.slug})
        return reload(campaign.slug)
    return campaign


@bp.post("/<slug>/apply")
@counted("claim", _claim_limit)
def apply(slug):
    """Register this terminal's request, with its destination, for the batch draw."""
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
        return to_main(batch_page(reload(slug), status=403))
    _run_if_due(reload(slug))
    response = current_app.make_response(go(url_for("board.show", slug=slug)))
    return terminal.remember(response, campaign, request_id, holder, moment)
