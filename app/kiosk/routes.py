"""Views of a kiosk: attract screen, ticket, game or draw, result, and back to the start.

Every page is sent with Cache-Control: no-store, and the customer's state lives only in the
kiosk's row (the ticket at the kiosk now), so going back after a reset finds nothing.
"""

import logging

from flask import abort, current_app, make_response, redirect, request, url_for
from flask_babel import gettext as _

from app.coupons.qr import svg
from app.coupons.routes import page_url
from app.extensions import limiter
from app.keys import derive
from app.lottery import ecoupons as rules
from app.lottery.conditions import ConditionsError, parse_conditions
from app.lottery.contact import Contact
from app.lottery.merit import merit
from app.play import playing
from app.play.settings import game_of
from app.store import (
    AlreadyDrawn,
    Closed,
    NotHeld,
    Taken,
    attempts,
    campaigns,
    ecoupons,
    editing,
    get_db,
    kiosks,
    plays,
    tickets,
)
from app.views import now, render

from . import bp, device

log = logging.getLogger(__name__)
SCOPE = "kiosk-ticket"
# Tiles a kiosk board shows at most: a coupon is drawn when a tile is taken, so which tile
# a customer picks changes nothing; a screenful is enough.
BOARD_TILES = 60
OPEN_ENDPOINTS = {"kiosk.setup", "kiosk.setup_bind"}


class KioskContact(Contact):
    """The destination of a kiosk draw: the kiosk's name and store, one per ticket."""

    def __init__(self, kiosk, ticket_id: int):
        super().__init__(name=kiosk.name, address=kiosk.store, phone="", email="")
        object.__setattr__(self, "ticket_id", ticket_id)

    @property
    def email_key(self) -> str:  # the one-person keys must differ for every ticket
        return f"kiosk:{self.ticket_id}"

    @property
    def phone_key(self) -> str:
        return f"kiosk:{self.ticket_id}"


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
        log.info("revoked kiosk refused", extra={"kiosk": kiosk.id})
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


@bp.get("/setup/<int:kiosk_id>/<token>")
def setup(kiosk_id, token):
    """Ask before binding this browser: a link preview must not use the one-time link."""
    db = get_db()
    if not kiosks.setup_ok(db, kiosk_id, token, derive("kiosk-setup"), now()):
        return _refusal(
            _("This setup link cannot be used"),
            _("It was used already, has expired, or its kiosk was revoked. Ask for a new one."),
            status=410,
        )
    kiosk = kiosks.get(db, kiosk_id)
    return render("kiosk/setup.html", kiosk=kiosk, campaign=_campaign(kiosk), token=token)


@bp.post("/setup/<int:kiosk_id>/<token>")
def setup_bind(kiosk_id, token):
    """Use the one-time link: this browser becomes the kiosk."""
    db = get_db()
    bound = kiosks.bind(db, kiosk_id, token, derive("kiosk-setup"), now())
    if bound is None:
        return _refusal(
            _("This setup link cannot be used"),
            _("It was used already, has expired, or its kiosk was revoked. Ask for a new one."),
            status=410,
        )
    log.info("kiosk bound", extra={"kiosk": kiosk_id})
    return device.bind(make_response(redirect(url_for(".attract"), 303)), kiosk_id, bound)


@bp.get("/")
def attract():
    """The attract screen: the goods, the coupons to win, and a ticket to type or scan."""
    kiosk, _standing = device.current()
    if kiosk.ticket_id is not None:
        kiosks.end_turn(get_db(), kiosk.id)  # back at the start: the last customer is gone
    campaign = _campaign(kiosk)
    prizes = sorted(campaigns.prizes(get_db(), campaign.id).values(), key=lambda p: -p.value)
    return _screen(
        "kiosk/attract.html",
        kiosk,
        campaign,
        prizes=prizes,
        phase=campaign.phase(now()),
        message=request.args.get("m") and _message(request.args["m"]),
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
    campaign = _campaign(kiosk)
    prizes = sorted(campaigns.prizes(get_db(), campaign.id).values(), key=lambda p: -p.value)
    log.info("kiosk ticket refused", extra={"kiosk": kiosk.id, "why": reason})
    return _screen(
        "kiosk/attract.html",
        kiosk,
        campaign,
        status=status,
        prizes=prizes,
        phase=campaign.phase(now()),
        message=_message(reason),
    )


def _turn(kiosk):
    """Return the ticket id of the customer at the kiosk, or None."""
    return kiosks.turn(kiosk, now())


def _has_game(campaign) -> bool:
    try:
        playing.choose(game_of(campaign))
    except playing.NoGame:
        return False
    return True


@bp.get("/play")
def play():
    """The customer's turn: the game first if there is one, then the board or the Draw button."""
    kiosk, _standing = device.current()
    ticket_id = _turn(kiosk)
    if ticket_id is None:
        return redirect(url_for(".attract"), 303)
    campaign = _campaign(kiosk)
    db, holder = get_db(), device.holder_of(ticket_id)
    if tickets.entry_of(db, campaign.id, holder, now()) is not None:
        return redirect(url_for(".result"), 303)
    if _has_game(campaign):
        found = plays.play_of(db, campaign.id, holder)
        if found is None or not found.finished:
            return _screen("kiosk/game.html", kiosk, campaign)
    tiles = kiosks.free_tiles(db, campaign.id, BOARD_TILES) if campaign.strategy == "pick" else []
    return _screen("kiosk/play.html", kiosk, campaign, tiles=tiles)


def _merit(db, campaign, holder, moment) -> int:
    if not _has_game(campaign):
        return 0
    score = playing.close(db, campaign.id, holder, moment) or 0
    if not campaign.tilt:
        return 0
    try:
        weights = parse_conditions(editing.source(db, campaign.id)).merit
    except ConditionsError:
        return 0
    return merit(weights, game=score)


@bp.post("/draw")
@limiter.limit(_limit, key_func=_kiosk_key)
def draw():
    """Draw for the ticket at the kiosk: hold a tile (or the next sheet) and confirm it."""
    kiosk, _standing = device.current()
    ticket_id = _turn(kiosk)
    if ticket_id is None:
        return redirect(url_for(".attract"), 303)
    campaign = _campaign(kiosk)
    db, moment = get_db(), now()
    holder = device.holder_of(ticket_id)
    no = None
    if campaign.strategy == "pick":
        raw = request.form.get("tile", "")
        if not raw.isascii() or not raw.isdigit() or len(raw) > 7:
            abort(400, _("Pick a tile by its number."))
        no = int(raw)
    try:
        entry = tickets.hold(
            db, campaign, holder, moment, no=no, merit=_merit(db, campaign, holder, moment)
        )
    except Taken:
        return redirect(url_for(".play"), 303)  # someone was quicker: pick again
    except AlreadyDrawn:
        return redirect(url_for(".result"), 303)
    except Closed:
        kiosks.end_turn(db, kiosk.id)
        return redirect(url_for(".attract", m="closed"), 303)
    kiosks.mark_used(db, ticket_id, kiosk.id, entry.id, moment)
    _settle(db, campaign, kiosk, ticket_id, entry)
    log.info("kiosk draw", extra={"kiosk": kiosk.id, "entry": entry.id, "state": entry.state})
    return redirect(url_for(".result"), 303)


def _settle(db, campaign, kiosk, ticket_id, entry):
    """Confirm a held kiosk draw at once: the kiosk's e-coupon is its destination."""
    if entry.state != "held":
        return entry
    try:
        return tickets.confirm(db, campaign, entry.id, KioskContact(kiosk, ticket_id), now())
    except NotHeld:
        return tickets.entry(db, campaign.id, entry.id, now())


@bp.get("/result")
def result():
    """Show the result large: the coupon, its QR code and code, then back to the start."""
    kiosk, _standing = device.current()
    ticket_id = _turn(kiosk)
    if ticket_id is None:
        return redirect(url_for(".attract"), 303)
    campaign = _campaign(kiosk)
    db = get_db()
    entry = tickets.entry_of(db, campaign.id, device.holder_of(ticket_id), now())
    if entry is None:
        return redirect(url_for(".play"), 303)
    entry = _settle(db, campaign, kiosk, ticket_id, entry)  # after a crash between the two
    coupon = prize = None
    if entry.state == "confirmed":
        coupon = ecoupons.of_issue(db, campaign.id, entry.ticket_no)
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
