"""The game before a draw: does the campaign have one, has this holder played, what it earns.

Speed lotteries and invitations send the respondent to play first, then show Draw; the
draw fixes the score (an unfinished play counts as it stands) and turns it into merit.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from app.lottery import merit as rules
from app.store import plays

from . import playing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Before:
    game: object  # the campaign's game: its title, rules and page
    play: plays.Play | None  # this holder's play, or None before they start
    counts: bool  # True when a better score improves the odds


def merit_rules(db, campaign) -> rules.MeritRules:
    """Return the campaign's [merit] rules as its condition file says."""
    return campaign.settings.merit


def counts(db, campaign) -> bool:
    """Tell whether a better game score improves the odds in this campaign's draw."""
    return bool(campaign.tilt) and rules.with_game(merit_rules(db, campaign)).game > 0


def has_game(campaign) -> bool:
    """Tell whether the campaign names a game that can be played."""
    try:
        playing.choose(campaign.settings.game_setting)
    except playing.NoGame:
        return False
    return True


def before_draw(db, campaign, holder: str | None) -> Before | None:
    """Return what the draw page says about the game, or None when there is none to play."""
    try:
        game, _settings = playing.choose(campaign.settings.game_setting)
    except playing.NoGame as exc:
        if exc.reason != "none":
            log.warning("game unavailable", extra={"campaign": campaign.slug, "why": exc.detail})
        return None
    play = plays.play_of(db, campaign.id, holder) if holder else None
    return Before(game, play, counts(db, campaign))


def score(db, campaign, holder: str, now: datetime) -> int | None:
    """Fix the holder's score as they draw: None without a game, 0 if they never played."""
    if not has_game(campaign):
        return None
    return playing.close(db, campaign.id, holder, now) or 0


def game_merit(db, campaign, holder: str, now: datetime) -> int:
    """Return a speed lottery's merit: the game's part alone (0 without a game or a tilt)."""
    played = score(db, campaign, holder, now)
    if played is None or not campaign.tilt:
        return 0
    return rules.merit(rules.with_game(merit_rules(db, campaign)), game=played)
