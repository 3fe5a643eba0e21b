"""A campaign's mini-game played on a kiosk: the same game, on kiosk URLs and screens.

The game's rules, moves and scores are the play blueprint's; only the layout (Start over,
the idle countdown, no-store) and the way on to the kiosk's own draw differ.
"""

from flask import current_app, url_for

from app.play import routes as play
from app.web.extensions import limiter
from app.web.responses import now

from . import device
from .blueprint import bp
from .routes import _in_turn, _kiosk_key


def _screen() -> dict:
    return {
        "layout": "kiosk/base.html",
        "play_url": url_for("kiosk.game"),
        "draw_url": url_for("kiosk.play"),
        "idle": current_app.config["KIOSK_IDLE_SECONDS"] * 4,  # a game takes a while
    }


@bp.get("/game")
@_in_turn
def game(kiosk, campaign, ticket_id):
    """Start or resume the customer's game, or show its score and the way to the draw."""
    return play.show(campaign, device.holder_of(ticket_id), **_screen())


@bp.post("/game")
@limiter.limit(play._move_limit, key_func=_kiosk_key)
@_in_turn
def game_move(kiosk, campaign, ticket_id):
    """Take the customer's next move in the game."""
    moment = now()
    return play.take(campaign, device.holder_of(ticket_id), moment, **_screen())
