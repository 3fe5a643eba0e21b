"""The speed lottery: one Draw button that takes the next tile for this terminal."""

import logging

from flask import Blueprint, abort, current_app, url_for
from flask_babel import gettext as _

from app.play import gate
from app.store import AlreadyDrawn, Closed, Refused, Taken, claims, get_db
from app.web.current_campaign import reload
from app.web.limiting import counted
from app.web.responses import go, now, to_main

from . import addresses, terminal
from .screens import drawn_entry, entry_page, public_campaign, speed_page

bp = Blueprint("speed", __name__, url_prefix="/c")
log = logging.getLogger(__name__)


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT"]


@bp.post("/<slug>/draw")
@counted("claim", _claim_limit)
def draw(slug):
    """Draw the next tile of a speed lottery for this terminal."""
    campaign = public_campaign(slug)
    if campaign.mode != "speed" or campaign.strategy != "next":
        abort(404, _("This campaign has no Draw button."))
    moment = now()
    if campaign.phase(moment) != "open":
        return to_main(speed_page(campaign, status=403))
    if drawn_entry(campaign) is not None:
        return to_main(entry_page(campaign, status=403))
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
        return to_main(speed_page(reload(slug), status=403))
    log.info(
        "draw", extra={"campaign": slug, "entry": entry.id, "state": entry.state, "merit": merit}
    )
    response = current_app.make_response(go(url_for("entry.show", slug=slug)))
    return terminal.remember(response, campaign, entry.id, holder, moment)
