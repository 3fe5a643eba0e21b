"""Views of a campaign's mini-game: thin, they read the request, call playing and render."""

import logging
import secrets

from flask import abort, current_app, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.store import get_db, plays
from app.web.current_campaign import current_campaign
from app.web.extensions import limiter
from app.web.responses import go, now, render

from . import gate, holders, playing
from .blueprint import bp

log = logging.getLogger(__name__)

STALE = _l("That was already done. Here is where your game is now.")
REFUSED = {
    "none": _l("This campaign has no game."),
    "unknown": _l("This campaign's game is not available."),
    "settings": _l("This campaign's game is not set up correctly yet."),
}


def _start_limit() -> str:
    return current_app.config.get("PLAY_LIMIT", "30 per minute")


def _move_limit() -> str:
    return current_app.config.get("PLAY_MOVE_LIMIT", "120 per minute")


def _campaign(slug: str):
    campaign = current_campaign(slug)
    if campaign is None or not campaign.published:
        abort(404, _("There is no campaign at this address."))
    return campaign


def _game(campaign):
    try:
        return playing.choose(campaign.settings.game_setting)
    except playing.NoGame as exc:
        if exc.reason != "none":
            log.warning("game unavailable", extra={"campaign": campaign.slug, "why": exc.detail})
        abort(404, str(REFUSED[exc.reason]))


def _holder(campaign) -> str:
    holder = holders.holder(campaign)
    if holder is None:
        abort(403, _("Log in with your invitation first, then play."))
    return holder


def _page(campaign, play, game, status=200, message=None, **screen):
    """Render the play or its score; `screen` carries a kiosk's layout and URLs."""
    counts = gate.counts(get_db(), campaign)  # does a better score improve the odds?
    screen.setdefault("play_url", url_for("play.play", slug=campaign.slug))
    if play.finished:
        return render(
            "games/result.html", block="main", status=status, campaign=campaign, play=play,
            game=game, message=message, counts=counts, feedback=playing.feedback(play, game),
            **screen,
        )  # fmt: skip
    return render(
        "games/play.html",
        block="main",
        status=status,
        campaign=campaign,
        game=game,
        view=playing.view(play, game, now()),
        feedback=playing.feedback(play, game),
        message=message,
        counts=counts,
        **screen,
    )


@bp.get("/<slug>/play")
@limiter.limit(_start_limit, deduct_when=lambda response: g.get("play_started", False))
def play(slug):
    """Start or resume this respondent's one play of the campaign's game, or show its score."""
    campaign = _campaign(slug)
    _game(campaign)  # no game is a 404 before "log in first"
    return show(campaign, _holder(campaign))


def show(campaign, holder: str, **screen):
    """Start or resume `holder`'s one play, or show its score (a kiosk calls this too)."""
    game, settings = _game(campaign)
    db = get_db()
    moment = now()
    found = plays.play_of(db, campaign.id, holder)
    if found is None:
        if campaign.phase(moment) != "open":
            abort(403, _("The game can only be played while the campaign is open."))
        found, g.play_started = playing.begin(
            db, campaign, holder, game, settings, moment, secrets.SystemRandom()
        )
    return _page(campaign, playing.settle(db, found, game, moment), game, **screen)


@bp.post("/<slug>/play")
@limiter.limit(_move_limit)
def move(slug):
    """Take the player's next move (an answer, a stop, …) at the server's time."""
    moment = now()  # the move's time: taken first, before any other work
    campaign = _campaign(slug)
    _game(campaign)
    return take(campaign, _holder(campaign), moment)


def take(campaign, holder: str, moment, **screen):
    """Take `holder`'s next move, made at `moment`; a kiosk calls this too."""
    game, _settings = _game(campaign)
    db = get_db()
    here = screen.get("play_url") or url_for(".play", slug=campaign.slug)
    found = plays.play_of(db, campaign.id, holder)
    if found is None:
        return go(here)
    if found.finished:
        message = _("You have already played.")
        return _page(campaign, found, game, status=409, message=message, **screen)
    if campaign.phase(moment) != "open":
        abort(403, _("This campaign has closed."))
    played = playing.move(db, found, game, request.form.to_dict(flat=True), moment)
    if played is None:
        found = plays.play_of(db, campaign.id, holder)
        return _page(campaign, found, game, status=409, message=STALE, **screen)
    if request.htmx:
        return _page(campaign, played, game, **screen)
    return go(here)
