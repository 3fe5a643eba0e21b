"""What may change in a campaign that already exists."""

from datetime import datetime

from .conditions import Conditions


def prizes_changed(old: Conditions, new: Conditions) -> bool:
    """Tell whether the draw's rules differ: prizes, losing tiles, mode, draw or tilt."""
    return _rules(old) != _rules(new)


def _rules(c: Conditions) -> tuple:
    return (c.prizes, c.losing, c.mode, c.draw, c.tilt)


def edit_problems(old: Conditions, new: Conditions, claimed: bool, now: datetime) -> list[str]:
    """Return one line per change the rules refuse; empty when the edit may be saved."""
    problems = []
    if new.slug != old.slug:
        problems.append("slug: cannot change; links to the board use it")
    if claimed:
        if prizes_changed(old, new):
            problems.append("prizes: cannot change once a tile has been claimed")
        for name in ("mode", "draw", "tilt"):
            if getattr(new, name) != getattr(old, name):
                problems.append(f"{name}: cannot change once a tile has been claimed")
        if new.opens != old.opens:
            problems.append("opens: cannot change once a tile has been claimed")
        if new.closes < old.closes:
            problems.append("closes: can only be extended once a tile has been claimed")
    if new.closes != old.closes and new.closes <= now:
        problems.append("closes: must be in the future; use 'Close early' to end now")
    return problems
