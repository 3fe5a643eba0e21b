"""What may change in a campaign that already exists."""

from datetime import datetime

from .conditions import Conditions


def prizes_changed(old: Conditions, new: Conditions) -> bool:
    """Tell whether the breakdown (prizes or losing tiles) differs."""
    return old.prizes != new.prizes or old.losing != new.losing


def edit_problems(old: Conditions, new: Conditions, claimed: bool, now: datetime) -> list[str]:
    """Return one line per change the rules refuse; empty when the edit may be saved."""
    problems = []
    if new.slug != old.slug:
        problems.append("slug: cannot change; links to the board use it")
    if claimed:
        if prizes_changed(old, new):
            problems.append("prizes: cannot change once a tile has been claimed")
        if new.opens != old.opens:
            problems.append("opens: cannot change once a tile has been claimed")
        if new.closes < old.closes:
            problems.append("closes: can only be extended once a tile has been claimed")
    if new.closes != old.closes and new.closes <= now:
        problems.append("closes: must be in the future; use 'Close early' to end now")
    return problems
