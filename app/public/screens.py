"""What the public views share: the campaign, this terminal's draw, and each screen's page.

Views call these; these never call a view. Every URL is built from an endpoint's full name,
since a page may be rendered from another blueprint's view.
"""

from dataclasses import replace

from flask import abort, current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.lottery.pages import page_of
from app.play import gate
from app.store import batch, campaigns, claims, contacts, destinations, get_db, reveals
from app.store import board as board_store
from app.web.current_campaign import current_campaign, reload
from app.web.responses import go, now, render
from app.web.security import private_page

from . import terminal, tiles
from .reveal import context, has_losing

GONE = _l(
    "Every tile is taken for now. Tiles that are not confirmed come back, so keep this page open."
)


def public_campaign(slug: str):
    """Return the published campaign at `slug` (read once per request), or answer 404."""
    campaign = current_campaign(slug)
    if campaign is None or not campaign.published:
        abort(404, _("There is no campaign at this address."))
    return campaign


def drawn_entry(campaign):
    """Return the entry this terminal drew, if its cookie is genuine and the entry is its own."""
    found = terminal.drawn(campaign)
    if found is None:
        return None
    entry_id, holder = found
    return claims.entry(get_db(), campaign.id, entry_id, now(), holder=holder)


def held_entry(slug: str):
    """Return (campaign, entry) for a terminal that drew here, or answer why it cannot act."""
    campaign = public_campaign(slug)
    if campaign.strategy == "batch" or campaign.mode == "invite":
        abort(404, _("This campaign takes requests, not draws."))
    entry = drawn_entry(campaign)
    if entry is None:
        abort(409, _("You hold no tile in this campaign: pick one on the board first."))
    if campaign.phase(now()) == "ended":
        abort(403, _("This campaign has closed."))
    return campaign, entry


def entry_page(campaign, status=200, errors=None, form=None, message=None, just=False):
    """Render this terminal's entry page (the draw covered until uncovered, then the confirm
    form while held, else its outcome), or send it to the board when it drew nothing."""
    db = get_db()
    entry = None
    if campaign.strategy != "batch" and campaign.mode != "invite":
        entry = drawn_entry(campaign)
    if entry is None:
        return go(url_for("board.show", slug=campaign.slug))
    private_page()  # this person's coupon, and after confirming their address
    prize = campaigns.prizes(db, campaign.id).get(entry.prize_id)
    # After-contact: OPEN (the details are asked for), GIVEN (ready to uncover), LAPSED, ENDED.
    contact = contacts.status(db, campaign, entry, now()) if campaign.contact_first else None
    return render(
        "public/entry.html",
        block="main",
        status=status,
        campaign=campaign,
        entry=entry,
        prize=prize,
        errors=errors or {},
        form=form or {},
        refused=status == 403,
        message=message,
        contact=contact,
        **context(db, campaign, entry.id, prize, just),
        destination=destinations.of_entry(db, entry.id) if entry.state == "confirmed" else None,
    )


def tile_words() -> tuple[str, str]:
    """Return the words read aloud before and after a tile's number, in this language."""
    return tiles.label(_("Tile %(no)s", no="\x00"))


def page_size() -> int:
    return int(current_app.config["BOARD_PAGE_SIZE"])


def board_page(campaign, message=None, status=200, block="main", page=None):
    """Render a page of the board's tiles, or why there are none to pick."""
    db = get_db()
    moment = now()
    phase = campaign.phase(moment)
    markup, remaining = "", 0
    # A page that does not exist (page=0, or past the end) shows the first.
    shown = page_of(campaign.tile_count, page_size(), page) or page_of(
        campaign.tile_count, page_size(), None
    )
    if phase == "open":
        if claims.expire_due(db, campaign, moment):
            campaign = reload(campaign.slug)

        def read():
            return board_store.page_snapshot(db, campaign.id, shown.first, shown.last)

        words = tile_words()
        key = (current_app.config["DATABASE"], campaign.id, words, shown.first)
        version, markup, remaining = tiles.cached_board(
            key, campaign.version, read, words, (shown.first, shown.last)
        )
        campaign = replace(campaign, version=version, free=remaining)
    return render(
        "public/board.html",
        block=block,
        status=status,
        campaign=campaign,
        phase=phase,
        message=message or (GONE if phase == "open" and not remaining else None),
        tiles=markup if remaining else "",
        remaining=remaining,
        page=shown,
    )


def speed_page(campaign, message=None, status=200):
    """Render the Draw button, or why there is none."""
    phase = campaign.phase(now())
    if phase == "open" and not message and not campaign.free:
        message = _("Every coupon is taken for now. Coupons that are not confirmed come back.")
    return render(
        "public/speed.html",
        block="main",
        status=status,
        campaign=campaign,
        phase=phase,
        message=message,
        before=gate.before_draw(get_db(), campaign, terminal.holder()) if phase == "open" else None,
        losing=has_losing(get_db(), campaign),
    )


def batch_page(campaign, status=200, errors=None, form=None, message=None, just=False):
    """Show the request form, this terminal's request, or its result once uncovered."""
    db = get_db()
    found = terminal.drawn(campaign)
    mine = batch.request(db, campaign.id, found[0], found[1]) if found else None
    prize = None
    if mine and mine.prize_id:
        prize = campaigns.prizes(db, campaign.id).get(mine.prize_id)
    drawn = reveals.request_entry(db, campaign.id, found[0], found[1]) if mine else None
    shown = context(db, campaign, drawn[0], prize, just) if drawn else {}
    return render(
        "public/batch.html",
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
