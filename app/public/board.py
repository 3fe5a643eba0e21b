"""The board: a campaign's numbered tiles, the poll that keeps them live, and the claim."""

import logging

from flask import Blueprint, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.lottery.pages import page_number, page_of
from app.store import AlreadyDrawn, Closed, Refused, Taken, claims, get_db
from app.store import board as board_store
from app.web.current_campaign import reload
from app.web.limiting import counted, pending_hits
from app.web.logs import event
from app.web.responses import go, now, render, to_main

from . import addresses, terminal, tiles
from .screens import (
    batch_page,
    board_page,
    drawn_entry,
    entry_page,
    page_size,
    public_campaign,
    speed_page,
    tile_words,
)

bp = Blueprint("board", __name__, url_prefix="/c")
log = logging.getLogger(__name__)
TAKEN = _l("That tile was just taken — pick another.")


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT"]


@bp.get("/<slug>")
def show(slug):
    """Show the board (or the Draw button), or what this terminal already drew."""
    campaign = public_campaign(slug)
    if campaign.mode == "invite":
        return go(url_for("invite.login", slug=slug))
    if campaign.strategy == "batch":
        return batch_page(campaign)
    if drawn_entry(campaign) is not None:
        return entry_page(campaign)
    if campaign.strategy == "next":
        return speed_page(campaign)
    return board_page(campaign, page=page_number(request.args.get("page")))


@bp.get("/<slug>/tiles")
def poll(slug):
    """Send only the tiles of this page that changed since version `v`, or 204 when none did."""
    campaign = public_campaign(slug)
    if campaign.strategy != "pick":
        abort(404, _("This campaign has no board of tiles."))
    db = get_db()
    moment = now()
    if campaign.phase(moment) == "open" and claims.expire_due(db, campaign, moment):
        campaign = reload(slug)
    raw = request.args.get("v", "")
    since = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
    page = page_of(campaign.tile_count, page_size(), page_number(request.args.get("page")))
    if since == campaign.version and campaign.phase(moment) == "open" and page:
        return "", 204
    if campaign.phase(moment) != "open":
        return render(
            "public/_poll.html",
            campaign=campaign,
            phase=campaign.phase(moment),
            changes="",
            remaining=0,
            page=page,
        )
    if since is None or since > campaign.version or page is None:
        # A board that never had this version (or page) reloads: never send every tile.
        log.info("poll refused: unknown version", extra={"campaign": slug})
        if request.htmx:
            return "", 200, {"HX-Refresh": "true", "Cache-Control": "no-store"}
        return go(url_for(".show", slug=slug, page=page.number if page and page.paged else None))
    changed = board_store.changes_since(
        db, campaign.id, since, page.first, page.last, newest=campaign.version
    )
    return render(
        "public/_poll.html",
        campaign=campaign,
        phase="open",
        changes=tiles.changes(changed, tile_words()),
        remaining=campaign.free,
        page=page,
    )


@bp.post("/<slug>/claim")
@counted("claim", _claim_limit, deferred=True)
def claim(slug):
    """Hold the tile the respondent picked for this terminal."""
    campaign = public_campaign(slug)
    if campaign.strategy != "pick":
        abort(404, _("This campaign has no board of tiles."))
    moment = now()
    if campaign.phase(moment) != "open":
        log.info("claim refused: closed", extra={"campaign": slug})
        return to_main(board_page(campaign, status=403))
    if drawn_entry(campaign) is not None:
        log.info("claim refused: already drawn", extra={"campaign": slug})
        return to_main(entry_page(campaign, status=403))
    raw = request.form.get("tile", "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 7:
        abort(400, _("Pick a tile by its number."))
    no = int(raw)
    if not 1 <= no <= campaign.tile_count:
        abort(404, _("There is no tile with that number."))
    holder = terminal.holder()
    shown = page_number(request.form.get("page"))
    try:
        entry = claims.hold(
            get_db(),
            campaign,
            holder,
            moment,
            no=no,
            counted=addresses.counted(),
            hits=pending_hits(),
        )
    except Refused as exc:
        fresh = reload(slug)
        message = addresses.refused_message(exc.reason)
        return to_main(board_page(fresh, message=message, status=429))
    except Taken:
        log.info("claim refused: taken", extra={"campaign": slug, "tile": no})
        # Read the board as it is now: the version from before the claim could show the
        # very tile just refused as free, from a cached page.
        fresh = reload(slug)
        return board_page(fresh, message=TAKEN, status=409, block="board", page=shown)
    except AlreadyDrawn:
        log.info("claim refused: already drawn", extra={"campaign": slug})
        abort(403, _("You have already drawn in this campaign: one draw per person."))
    except Closed:
        log.info("claim refused: closed", extra={"campaign": slug})
        return to_main(board_page(reload(slug), status=403))
    event(log, "draw", campaign=slug, entry=entry.id, tile=no, state=entry.state)
    response = current_app.make_response(go(url_for("entry.show", slug=slug)))
    return terminal.remember(response, campaign, entry.id, holder, moment)
