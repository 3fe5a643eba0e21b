"""Views of the open board: thin, they read the request, call the store and render."""

import logging
from dataclasses import replace

from flask import abort, current_app, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import current_language
from app.limiting import counted, pending_hit
from app.lottery.contact import ContactError, clean_contact
from app.lottery.pages import page_number, page_of
from app.security import private_page
from app.store import (
    AlreadyDrawn,
    Closed,
    Duplicate,
    NotHeld,
    Refused,
    Taken,
    campaigns,
    claims,
    destinations,
    get_db,
    reveals,
)
from app.store import board as board_store
from app.views import go, now, render, to_main

from . import addresses, bp, confirming, speed, terminal, tiles
from .revealing import COVERED, context

log = logging.getLogger(__name__)
TAKEN = _l("That tile was just taken — pick another.")
GONE = _l(
    "Every tile is taken for now. Tiles that are not confirmed come back, so keep this page open."
)


def _campaign(slug: str):
    campaign = campaigns.by_slug(get_db(), slug)
    if campaign is None or not campaign.published:
        abort(404, _("There is no campaign at this address."))
    return campaign


public_campaign = _campaign


def _claim_limit() -> str:
    return current_app.config["CLAIM_LIMIT"]


@bp.get("/<slug>")
def show(slug):
    """Show the board (or the Draw button), or what this terminal already drew."""
    campaign = _campaign(slug)
    if campaign.mode == "invite":
        return go(url_for("invite.login", slug=slug))
    if campaign.strategy == "batch":
        return speed.batch_page(campaign)
    if _drawn(campaign) is not None:
        return _entry_page(campaign)
    if campaign.strategy == "next":
        return speed.speed_page(campaign)
    return _board_page(campaign, page=page_number(request.args.get("page")))


@bp.get("/<slug>/tiles")
def poll(slug):
    """Send only the tiles of this page that changed since version `v`, or 204 when none did."""
    campaign = _campaign(slug)
    if campaign.strategy != "pick":
        abort(404, _("This campaign has no board of tiles."))
    db = get_db()
    moment = now()
    if campaign.phase(moment) == "open" and claims.expire_due(db, campaign, moment):
        campaign = campaigns.by_slug(db, slug)
    raw = request.args.get("v", "")
    since = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
    page = page_of(campaign.tile_count, _page_size(), page_number(request.args.get("page")))
    if since == campaign.version and campaign.phase(moment) == "open" and page:
        return "", 204
    if campaign.phase(moment) != "open":
        return render(
            "board/_poll.html",
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
        "board/_poll.html",
        campaign=campaign,
        phase="open",
        changes=tiles.changes(changed, _tile_words()),
        remaining=campaign.free,
        page=page,
    )


@bp.post("/<slug>/claim")
@counted("claim", _claim_limit, deferred=True)
def claim(slug):
    """Hold the tile the respondent picked for this terminal."""
    campaign = _campaign(slug)
    if campaign.strategy != "pick":
        abort(404, _("This campaign has no board of tiles."))
    moment = now()
    if campaign.phase(moment) != "open":
        log.info("claim refused: closed", extra={"campaign": slug})
        return to_main(_board_page(campaign, status=403))
    if _drawn(campaign) is not None:
        log.info("claim refused: already drawn", extra={"campaign": slug})
        return to_main(_entry_page(campaign, status=403))
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
            rate=pending_hit(),
        )
    except Refused as exc:
        fresh = campaigns.by_slug(get_db(), slug)
        message = addresses.refused_message(exc.reason)
        return to_main(_board_page(fresh, message=message, status=429))
    except Taken:
        log.info("claim refused: taken", extra={"campaign": slug, "tile": no})
        # Read the board as it is now: the version from before the claim could show the
        # very tile just refused as free, from a cached page.
        fresh = campaigns.by_slug(get_db(), slug)
        return _board_page(fresh, message=TAKEN, status=409, block="board", page=shown)
    except AlreadyDrawn:
        log.info("claim refused: already drawn", extra={"campaign": slug})
        abort(403, _("You have already drawn in this campaign: one draw per person."))
    except Closed:
        log.info("claim refused: closed", extra={"campaign": slug})
        return to_main(_board_page(campaigns.by_slug(get_db(), slug), status=403))
    log.info("draw", extra={"campaign": slug, "entry": entry.id, "tile": no, "state": entry.state})
    response = current_app.make_response(go(url_for(".entry_page", slug=slug)))
    return terminal.remember(response, campaign, entry.id, holder, moment)


@bp.get("/<slug>/entry")
def entry_page(slug):
    """Show what this terminal drew: covered until uncovered, then its outcome."""
    return _entry_page(_campaign(slug))


@bp.get("/<slug>/ticket")
def old_entry_url(slug):
    """Send a bookmark of the page's old address to its new one."""
    return redirect(url_for(".entry_page", slug=slug), 301)


def _entry_page(campaign, status=200, errors=None, form=None, message=None, just=False):
    """Render this terminal's entry page (the draw covered until uncovered, then the confirm
    form while held, else its outcome), or send it to the board when it drew nothing."""
    slug = campaign.slug
    db = get_db()
    entry = None if campaign.strategy == "batch" or campaign.mode == "invite" else _drawn(campaign)
    if entry is None:
        return go(url_for(".show", slug=slug))
    private_page()  # this person's coupon, and after confirming their address
    prize = campaigns.prizes(db, campaign.id).get(entry.prize_id)
    return render(
        "board/entry.html",
        block="main",
        status=status,
        campaign=campaign,
        entry=entry,
        prize=prize,
        errors=errors or {},
        form=form or {},
        refused=status == 403,
        message=message,
        **context(db, campaign, entry.id, prize, just),
        destination=destinations.of_entry(db, entry.id) if entry.state == "confirmed" else None,
    )


@bp.post("/<slug>/confirm")
@counted("confirm", confirming.address_limit, on_breach=confirming.slowed)
@counted(
    "confirm-holder",
    confirming.holder_limit,
    key=confirming.holder_key,
    on_breach=confirming.slowed,
)
def confirm(slug):
    """Record the respondent's destination for the tile they hold."""
    campaign, entry = _holder(slug)
    if not reveals.revealed(get_db(), entry.id):
        log.info("confirm refused: not revealed", extra={"campaign": slug, "entry": entry.id})
        return _entry_page(campaign, status=409, message=COVERED)
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return _entry_page(campaign, status=422, errors=exc.errors, form=request.form)
    try:
        claims.confirm(get_db(), campaign, entry.id, contact, now(), language=current_language())
    except Duplicate as exc:
        if confirming.duplicate_refused(get_db(), campaign, entry.id):
            return _entry_page(campaign, status=409, message=confirming.released_message())
        message = speed.duplicate_message(exc.field)
        return _entry_page(campaign, status=409, errors={exc.field: message}, form=request.form)
    except NotHeld:
        return _entry_page(campaign, status=409)
    log.info("confirmed", extra={"campaign": slug, "entry": entry.id})
    return go(url_for(".entry_page", slug=slug))


@bp.post("/<slug>/cancel")
def cancel(slug):
    """Give the held tile back to the board; this terminal may not draw again."""
    campaign, entry = _holder(slug)
    try:
        claims.cancel(get_db(), campaign, entry.id, now())
    except NotHeld:
        return _entry_page(campaign, status=409)
    log.info("cancelled", extra={"campaign": slug, "entry": entry.id})
    return go(url_for(".entry_page", slug=slug))


def _drawn(campaign):
    """Return the entry this terminal drew, if its cookie is genuine and the entry is its own."""
    found = terminal.drawn(campaign)
    if found is None:
        return None
    entry_id, holder = found
    return claims.entry(get_db(), campaign.id, entry_id, now(), holder=holder)


drawn_entry = _drawn


def _holder(slug):
    campaign = _campaign(slug)
    if campaign.strategy == "batch" or campaign.mode == "invite":
        abort(404, _("This campaign takes requests, not draws."))
    entry = _drawn(campaign)
    if entry is None:
        abort(409, _("You hold no tile in this campaign: pick one on the board first."))
    if campaign.phase(now()) == "ended":
        abort(403, _("This campaign has closed."))
    return campaign, entry


def _tile_words() -> tuple[str, str]:
    """Return the words read aloud before and after a tile's number, in this language."""
    return tiles.label(_("Tile %(no)s", no="\x00"))


def _page_size() -> int:
    return int(current_app.config["BOARD_PAGE_SIZE"])


def _board_page(campaign, message=None, status=200, block="main", page=None):
    db = get_db()
    moment = now()
    phase = campaign.phase(moment)
    markup, remaining = "", 0
    # A page that does not exist (page=0, or past the end) shows the first.
    shown = page_of(campaign.tile_count, _page_size(), page) or page_of(
        campaign.tile_count, _page_size(), None
    )
    if phase == "open":
        if claims.expire_due(db, campaign, moment):
            campaign = campaigns.by_slug(db, campaign.slug)

        def read():
            return board_store.page_snapshot(db, campaign.id, shown.first, shown.last)

        words = _tile_words()
        key = (current_app.config["DATABASE"], campaign.id, words, shown.first)
        version, markup, remaining = tiles.cached_board(
            key, campaign.version, read, words, (shown.first, shown.last)
        )
        campaign = replace(campaign, version=version, free=remaining)
    return render(
        "board/board.html",
        block=block,
        status=status,
        campaign=campaign,
        phase=phase,
        message=message or (GONE if phase == "open" and not remaining else None),
        tiles=markup if remaining else "",
        remaining=remaining,
        page=shown,
    )
