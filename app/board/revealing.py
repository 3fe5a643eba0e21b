"""The reveal POST: the person scratched, spun or pressed Reveal, and only now sees the outcome.

The server records the moment (app/store/reveals.py); a page drawn before it holds neither
the prize, the confirm form nor the losing words, and a confirm before it is refused.
"""

import logging

from flask import abort, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.store import contacts, get_db, reveals
from app.views import go, now

from . import bp, terminal
from .reveal import outcome_of, reveal_of

log = logging.getLogger(__name__)
COVERED = _l("Your draw is still covered, so nothing was confirmed. Uncover it first.")
FIRST = _l("Give your contact details first: your draw is uncovered after them.")


def context(db, campaign, entry_id: int, prize, just: bool = False) -> dict:
    """Return what a page needs to show a draw: covered, or its outcome once uncovered."""
    revealed = reveals.revealed(db, entry_id)
    return {
        "revealed": revealed,
        "just": just and revealed,
        "reveal": reveal_of(db, campaign, prize, revealed),
        "outcome": outcome_of(db, campaign, prize) if revealed else None,
    }


@bp.post("/<slug>/reveal")
def reveal(slug):
    """Uncover this terminal's draw, then show its outcome (htmx: the page's main block)."""
    from .routes import _entry_page, drawn_entry, public_campaign
    from .speed import batch_page

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
        log.info("revealed", extra={"campaign": slug, "entry": drawn[0], "first": first})
        return batch_page(campaign, just=first) if request.htmx else go(url_for(".show", slug=slug))
    entry = drawn_entry(campaign)
    if entry is None:
        abort(409, _("You have no draw to uncover in this campaign yet."))
    if campaign.contact_first:
        ended = campaign.phase(now()) == "ended"
        first = contacts.reveal(db, campaign, entry.id, now(), ended=ended)
        if first is None:
            log.info("reveal refused: no contact", extra={"campaign": slug, "entry": entry.id})
            return _entry_page(campaign, status=409, message=FIRST)
    else:
        first = reveals.reveal(db, campaign.id, entry.id, now())
    log.info("revealed", extra={"campaign": slug, "entry": entry.id, "first": first})
    if request.htmx:
        return _entry_page(campaign, just=first)
    return go(url_for(".entry_page", slug=slug))
