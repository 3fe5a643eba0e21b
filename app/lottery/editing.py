"""What may change in a campaign that already exists."""

from datetime import datetime

from .conditions import Conditions
from .messages import N_, Problem

CLAIMED = N_("%(field)s: cannot change once a tile has been claimed")


def prizes_changed(old: Conditions, new: Conditions) -> bool:
    """Tell whether the draw's rules differ: prizes, losing tiles, mode, draw or tilt."""
    return _rules(old) != _rules(new)


def _rules(c: Conditions) -> tuple:
    return (c.prizes, c.losing, c.mode, c.draw, c.tilt)


def edit_problems(old: Conditions, new: Conditions, claimed: bool, now: datetime) -> list[Problem]:
    """Return one line per change the rules refuse; empty when the edit may be saved."""
    problems = []
    if new.slug != old.slug:
        problems.append(Problem(N_("slug: cannot change; links to the board use it")))
    if claimed:
        if prizes_changed(old, new):
            problems.append(Problem(CLAIMED, field="prizes"))
        # The reveal order too: one person, one coupon needs every draw's contact keys.
        for name in ("mode", "draw", "tilt", "opens", "reveal_order"):
            if getattr(new, name) != getattr(old, name):
                problems.append(Problem(CLAIMED, field=name))
        if new.closes < old.closes:
            problems.append(
                Problem(N_("closes: can only be extended once a tile has been claimed"))
            )
    if new.closes != old.closes and new.closes <= now:
        problems.append(Problem(N_("closes: must be in the future; use 'Close early' to end now")))
    return problems
