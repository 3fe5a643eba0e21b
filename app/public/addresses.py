"""The client address a board or speed draw is counted against, and its refusals."""

from datetime import timedelta

from flask import current_app, request
from flask_babel import lazy_gettext as _l

from app.lottery.addresses import client_of, per_family
from app.store.accounting import Counted

MESSAGES = {
    "holds": _l(
        "Too many coupons are held from your network right now. Confirm or cancel one,"
        " or try again in a few minutes."
    ),
    "redraws": _l(
        "Draws from your network are paused in this campaign: too many drawn coupons were"
        " cancelled or left unconfirmed. Please try again later."
    ),
}


def counted() -> Counted | None:
    """Return who this request's draw counts against, with the limits of that address."""
    client = client_of(request.remote_addr)
    if client is None:
        return None
    config = current_app.config
    return Counted(
        client.key,
        holds=per_family(config["HOLDS_PER_ADDRESS"], client.family),
        redraws=per_family(config["REDRAWS_PER_ADDRESS"], client.family),
        pause=timedelta(minutes=float(config["REDRAW_PAUSE_MINUTES"])),
    )


def refused_message(reason: str) -> str:
    """Say why a draw was refused, in the reader's language."""
    return str(MESSAGES[reason])
