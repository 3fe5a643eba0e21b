"""A play from start to score: the bridge between the games, the store and the clock.

Games see times as seconds since the play started, measured by the server; the store
keeps the moments themselves.
"""

import logging
from datetime import datetime

import games
from app.store import plays
from app.web.logs import event

log = logging.getLogger(__name__)


class NoGame(LookupError):
    """The campaign names no game, an unknown one, or settings it cannot play."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason = reason  # "none", "unknown" or "settings"
        self.detail = detail


def choose(found: tuple[str, dict] | None):
    """Return (game, settings) for a campaign's game setting; raise NoGame if unplayable."""
    if found is None:
        raise NoGame("none")
    name, settings = found
    try:
        game = games.get(name)
    except games.UnknownGame:
        raise NoGame("unknown", name) from None
    problems = game.problems(settings)
    if problems:
        raise NoGame("settings", "; ".join(str(p) for p in problems))
    return game, settings


def clock(play: plays.Play, moment: datetime) -> float:
    """Return seconds since the play started."""
    return (moment - play.started_at).total_seconds()


def moves(play: plays.Play) -> list[dict]:
    """Return the play's moves as its game reads them, each with its server time."""
    return [{**m.data, "kind": m.kind, "at": clock(play, m.at)} for m in play.moves]


def begin(db, campaign, holder: str, game, settings: dict, now: datetime, rng):
    """Start this holder's play, or return the one they started before; (play, started)."""
    found = plays.play_of(db, campaign.id, holder)
    if found is not None:
        return found, False
    challenge = game.new_challenge(rng, settings)
    try:
        play = plays.start(db, campaign.id, holder, game.name, challenge, now)
    except plays.AlreadyPlayed:  # another tab started it a moment ago
        return plays.play_of(db, campaign.id, holder), False
    event(log, "play started", campaign=campaign.slug, game=game.name)
    return play, True


def view(play: plays.Play, game, now: datetime) -> dict:
    """Return what the page may show of this play now."""
    return game.public_view(play.challenge, moves(play), clock(play, now))


def feedback(play: plays.Play, game) -> dict | None:
    """Return what the page may say about the play's last move, right or not."""
    return game.feedback(play.challenge, moves(play))


def move(db, play: plays.Play, game, form, now: datetime) -> plays.Play | None:
    """Apply a submitted form as the play's next move; None when it fits no step now."""
    if play.finished:
        return None
    done = moves(play)
    chosen = game.accept(play.challenge, done, form, clock(play, now))
    if chosen is None:
        return None
    data = {k: v for k, v in chosen.items() if k not in ("kind", "at")}
    try:
        plays.record(db, play.id, len(play.moves), chosen["kind"], data, now)
    except plays.MoveRefused:
        return None
    play = plays.play_of(db, play.campaign_id, play.holder)
    return settle(db, play, game, now)


def settle(db, play: plays.Play, game, now: datetime) -> plays.Play:
    """Score a play whose last move is in but whose score is not (a crash in between)."""
    if play.finished or not game.finished(play.challenge, moves(play)):
        return play
    score = game.score(play.challenge, moves(play), clock(play, now))
    plays.finish(db, play.id, score, now)
    event(log, "play finished", game=game.name, score=score)
    return plays.play_of(db, play.campaign_id, play.holder)


def close(db, campaign_id: int, holder: str, now: datetime) -> int | None:
    """Fix this holder's score before they draw: an unfinished play scores what it has.

    Return the score (0..1000), or None when the holder never started the game. Call it
    from a draw flow and pass the result as the game part of the merit.
    """
    play = plays.play_of(db, campaign_id, holder)
    if play is None:
        return None
    if not play.finished:
        try:
            game = games.get(play.game)
            score = game.score(play.challenge, moves(play), clock(play, now))
        except games.UnknownGame:
            score = 0
        plays.finish(db, play.id, score, now)
        play = plays.play_of(db, campaign_id, holder)
    return play.score
