"""Views of a kiosk: attract screen, ticket, game or draw, result, and back to the start.

Every page is sent with Cache-Control: no-store, and the customer's state lives only in the
kiosk's row (the ticket at the kiosk now), so going back after a reset finds nothing.
"""

import logging
from functools import wraps

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _

from app.coupons.qr import svg
from app.coupons.routes import page_url
from app.lottery import ecoupons as rules
from app.play import gate
from app.store import (
    AlreadyDrawn,
    Closed,
    Taken,
    attempts,
    campaigns,
    claims,
    ecoupons,
    get_db,
    kiosks,
    plays,
)
from app.web.extensions import limiter
from app.web.keys import derive
from app.web.logs import event
from app.web.responses import now, render

from . import device, drawing
from .blueprint import bp

log = logging.getLogger(__name__)
SCOPE = "kiosk-ticket"
# Tiles a kiosk board shows at most: a coupon is drawn when a tile is taken, so which tile
# a customer picks changes nothing; a screenful is enough.
BOARD_TILES = 60
OPEN_ENDPOINTS = {"kiosk.setup", "kiosk.setup_bind"}


def _kiosk_key() -> str:
    kiosk, standing = device.current()
    return f"kiosk:{kiosk.id}" if kiosk else (request.remote_addr or "unknown")


def _limit() -> str:
    return current_app.config["KIOSK_LIMIT"]


@bp.before_request
def _bound():
    """Refuse browsers that are not a kiosk, and kiosks that were revoked, with a clear screen."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    kiosk, standing = device.current()
    if standing == "revoked":
        event(log, "revoked kiosk refused", kiosk=kiosk.id)
        return _refusal(
            _("This kiosk has been switched off"),
            _("Please ask a member of staff. This tablet can no longer draw coupons."),
        )
    if standing != "ok":
        return _refusal(
            _("This is not a kiosk"),
            _("Open the setup link from the admin on this tablet to make it a kiosk."),
        )
    return None


@bp.after_request
def _no_store(response):
    # Nothing of a customer may be kept: not by the browser's cache, nor its back button.
    response.headers["Cache-Control"] = "no-store"
    return response


def _refusal(title, message, status=403):
    return render("kiosk/refused.html", status=status, title=title, message=message)


def _campaign(kiosk):
    return campaigns.by_id(get_db(), kiosk.campaign_id)


def _screen(template, kiosk, campaign, status=200, **context):
    return render(
        template,
        status=status,
        kiosk=kiosk,
        campaign=campaign,
        idle=current_app.config["KIOSK_IDLE_SECONDS"],
        **context,
    )


def _link_refused():
    return _refusal(
        _("This setup link cannot be used"),
        _("It was used already, has expired, or its kiosk was revoked. Ask for a new one."),
        status=410,
    )


@bp.get("/setup/<int:kiosk_id>/<token>")
def setup(kiosk_id, token):
    """Ask before binding this browser: a link preview must not use the one-time link."""
    db = get_db()
    if not kiosks.setup_ok(db, kiosk_id, token, derive("kiosk-setup"), now()):
        return _link_refused()
    kiosk = kiosks.get(db, kiosk_id)
    return render("kiosk/setup.html", kiosk=kiosk, campaign=_campaign(kiosk), token=token)


@bp.post("/setup/<int:kiosk_id>/<token>")
def setup_bind(kiosk_id, token):
    """Use the one-time link: this browser becomes the kiosk."""
    db = get_db()
    bound = kiosks.bind(db, kiosk_id, token, derive("kiosk-setup"), now())
    if bound is None:
        return _link_refused()
    event(log, "kiosk bound", kiosk=kiosk_id)
    return device.bind(make_response(redirect(url_for(".attract"), 303)), kiosk_id, bound)


@bp.get("/")
def attract():
    """The attract screen: the goods, the coupons to win, and a ticket to type or scan."""
    kiosk, _standing = device.current()
    if kiosk.ticket_id is not None:
        kiosks.end_turn(get_db(), kiosk.id)  # back at the start: the last customer is gone
    return _attract(kiosk, message=request.args.get("m") and _message(request.args["m"]))


def _attract(kiosk, status=200, message=None):
    campaign = _campaign(kiosk)
    prizes = sorted(campaigns.prizes(get_db(), campaign.id).values(), key=lambda p: -p.value)
    return _screen(
        "kiosk/attract.html",
        kiosk,
        campaign,
        status=status,
        prizes=prizes,
        phase=campaign.phase(now()),
        message=message,
    )


MESSAGES = {
    "unknown": lambda: _("That ticket code is not known. Check it and try again."),
    "used": lambda: _("That ticket has already been used. Each ticket draws once."),
    "other": lambda: _("That ticket is for a different campaign."),
    "closed": lambda: _("The campaign is not open for draws now."),
    "slow": lambda: _("Too many wrong ticket codes. Please ask a member of staff."),
}


def _message(key: str) -> str | None:
    found = MESSAGES.get(key)
    return found() if found else None


@bp.post("/ticket")
@limiter.limit(_limit, key_func=_kiosk_key)
def ticket():
    """Start a customer's turn with a ticket: unknown, used and other campaigns' are refused."""
    kiosk, _standing = device.current()
    db, moment = get_db(), now()
    address = f"kiosk:{kiosk.id}"
    rule = attempts.rule(current_app.config["KIOSK_TICKET_GUESSES"])
    if attempts.locked_until(db, SCOPE, None, address, moment, rule):
        return _refused_ticket(kiosk, "slow", 429)
    code = rules.normalise(request.form.get("code"), rules.TICKET_LENGTH)
    found = kiosks.ticket_by_code(db, code) if code else None
    if found is None:
        attempts.record_failure(db, SCOPE, "", address, moment)
        return _refused_ticket(kiosk, "unknown", 404)
    if found.campaign_id != kiosk.campaign_id:
        return _refused_ticket(kiosk, "other", 409)
    if found.used:
        return _refused_ticket(kiosk, "used", 409)
    if _campaign(kiosk).phase(moment) != "open":
        return _refused_ticket(kiosk, "closed", 403)
    kiosks.begin_turn(db, kiosk.id, found.id, moment)
    return redirect(url_for(".play"), 303)


def _refused_ticket(kiosk, reason, status):
    event(log, "kiosk ticket refused", kiosk=kiosk.id, why=reason)
    return _attract(kiosk, status=status, message=_message(reason))


def _in_turn(view):
    """Give a view the kiosk, its campaign and the ticket of the customer at it; with no
    customer at the kiosk, go back to the attract screen."""

    @wraps(view)
    def turn():
        kiosk, _standing = device.current()
        ticket_id = kiosks.turn(kiosk, now())
        if ticket_id is None:
            return redirect(url_for(".attract"), 303)
        return view(kiosk, _campaign(kiosk), ticket_id)

    return turn


@bp.get("/play")
@_in_turn
def play(kiosk, campaign, ticket_id):
    """The customer's turn: the game first if there is one, then the board or the Draw button."""
    db, holder = get_db(), device.holder_of(ticket_id)
    if claims.entry_of(db, campaign.id, holder, now()) is not None:
        return redirect(url_for(".reveal"), 303)
    if gate.has_game(campaign):
        found = plays.play_of(db, campaign.id, holder)
        if found is None or not found.finished:
            return _screen("kiosk/game.html", kiosk, campaign)
    tiles = kiosks.free_tiles(db, campaign.id, BOARD_TILES) if campaign.strategy == "pick" else []
    return _screen("kiosk/play.html", kiosk, campaign, tiles=tiles)


@bp.post("/draw")
@limiter.limit(_limit, key_func=_kiosk_key)
@_in_turn
def draw(kiosk, campaign, ticket_id):
    """Draw for the ticket at the kiosk: hold a tile (or the next sheet) and confirm it."""
    db, moment = get_db(), now()
    holder = device.holder_of(ticket_id)
    no = None
    if campaign.strategy == "pick":
        raw = request.form.get("tile", "")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7:
            abort(400, _("Pick a tile by its number."))
        no = int(raw)
    try:
        entry = claims.hold(
            db,
            campaign,
            holder,
            moment,
            no=no,
            merit=gate.game_merit(db, campaign, holder, moment),
        )
    except Taken:
        return redirect(url_for(".play"), 303)  # someone was quicker: pick again
    except AlreadyDrawn:
        return redirect(url_for(".reveal"), 303)
    except Closed:
        kiosks.end_turn(db, kiosk.id)
        return redirect(url_for(".attract", m="closed"), 303)
    kiosks.mark_used(db, ticket_id, kiosk.id, entry.id, moment)
    drawing.settle(db, campaign, kiosk, ticket_id, entry)
    event(log, "kiosk draw", kiosk=kiosk.id, entry=entry.id, state=entry.state)
    return redirect(url_for(".reveal"), 303)


@bp.get("/reveal")
@_in_turn
def reveal(kiosk, campaign, ticket_id):
    """The drawn coupon, still sealed: a big Reveal button and nothing of the outcome."""
    db = get_db()
    if claims.entry_of(db, campaign.id, device.holder_of(ticket_id), now()) is None:
        return redirect(url_for(".play"), 303)
    if kiosks.revealed(db, ticket_id):
        return redirect(url_for(".result"), 303)
    return _screen("kiosk/reveal.html", kiosk, campaign)


@bp.post("/reveal")
@_in_turn
def open_draw(kiosk, campaign, ticket_id):
    """Open the sealed coupon: the server notes it, then the result shows (and animates in)."""
    kiosks.reveal(get_db(), ticket_id, now())
    return redirect(url_for(".result"), 303)


@bp.get("/result")
@_in_turn
def result(kiosk, campaign, ticket_id):
    """Show the result large: the coupon, its QR code and code, then back to the start."""
    db = get_db()
    entry = claims.entry_of(db, campaign.id, device.holder_of(ticket_id), now())
    if entry is None:
        return redirect(url_for(".play"), 303)
    if not kiosks.revealed(db, ticket_id):
        return redirect(url_for(".reveal"), 303)  # nothing of the outcome before Reveal
    entry = drawing.settle(db, campaign, kiosk, ticket_id, entry)  # after a crash between the two
    coupon = prize = None
    if entry.state == "confirmed":
        coupon = ecoupons.of_tile(db, campaign.id, entry.tile_no)
        prize = campaigns.prizes(db, campaign.id).get(entry.prize_id)
    return _screen(
        "kiosk/result.html",
        kiosk,
        campaign,
        entry=entry,
        prize=prize,
        coupon=coupon,
        code=rules.shown(coupon.code) if coupon else None,
        qr=svg(page_url(coupon.code), scale=7) if coupon else None,
    )


@bp.post("/reset")
def reset():
    """Start over: forget the customer, back to the attract screen."""
    kiosk, _standing = device.current()
    kiosks.end_turn(get_db(), kiosk.id)
    return redirect(url_for(".attract"), 303)
