"""A holder's merit (0..1000): how quickly they answered, what they bought, how they played.

The condition file's [merit] table says how much each part counts. Merit only tilts the
draw when the campaign's tilt is above 0; it never changes how many coupons exist.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from .draw import MAX_MERIT
from .messages import N_, Problem

KNOWN = {
    "speed",
    "speed_hours_full",
    "speed_hours_zero",
    "purchases",
    "purchases_full",
    "game",
}


@dataclass(frozen=True)
class MeritRules:
    speed: int = 0  # weight of answering quickly
    speed_hours_full: float = 24.0  # full speed merit within this many hours of the e-mail
    speed_hours_zero: float = 168.0  # none after this many hours
    purchases: int = 0  # weight of past purchases
    purchases_full: int = 10  # full purchase merit at this many purchases or more
    game: int = 0  # weight of a mini-game score

    @property
    def weights(self) -> int:
        return self.speed + self.purchases + self.game


def merit_rules(data, problems: list) -> MeritRules:
    """Validate a [merit] table; append one line per problem."""
    if data is None:
        return MeritRules()
    if not isinstance(data, dict):
        problems.append(Problem(N_("merit: must be a table")))
        return MeritRules()
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        problems.append(
            Problem(N_("merit: unknown field(s): %(fields)s"), fields=", ".join(unknown))
        )
    values = {}
    for name in ("speed", "purchases", "game"):
        values[name] = _number(data, name, 0, 0, 100, problems, whole=True)
    values["speed_hours_full"] = _number(data, "speed_hours_full", 24, 0, 24 * 365, problems)
    values["speed_hours_zero"] = _number(data, "speed_hours_zero", 168, 0, 24 * 365, problems)
    values["purchases_full"] = _number(data, "purchases_full", 10, 1, 10**6, problems, whole=True)
    if values["speed_hours_zero"] <= values["speed_hours_full"]:
        problems.append(Problem(N_("merit.speed_hours_zero: must be after speed_hours_full")))
    return MeritRules(**values)


def _number(data, name, default, low, high, problems, whole=False):
    value = data.get(name, default)
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or not low <= value <= high:
        message = (
            N_("merit.%(name)s: a whole number between %(low)s and %(high)s")
            if whole
            else N_("merit.%(name)s: a number between %(low)s and %(high)s")
        )
        problems.append(Problem(message, name=name, low=low, high=high))
        return default
    return value


def speed_part(sent_at: datetime | None, drawn_at: datetime, rules: MeritRules) -> int:
    """Return 0..1000: full within speed_hours_full of the e-mail, none after speed_hours_zero."""
    if sent_at is None:
        return 0
    hours = (drawn_at - sent_at).total_seconds() / 3600
    if hours <= rules.speed_hours_full:
        return MAX_MERIT
    if hours >= rules.speed_hours_zero:
        return 0
    span = rules.speed_hours_zero - rules.speed_hours_full
    return int(MAX_MERIT * (rules.speed_hours_zero - hours) / span)


def purchases_part(purchases: int, rules: MeritRules) -> int:
    """Return 0..1000: full at purchases_full purchases or more."""
    return min(MAX_MERIT, MAX_MERIT * max(0, purchases) // rules.purchases_full)


def with_game(rules: MeritRules) -> MeritRules:
    """Return the rules for a campaign that has a game: with no [merit] weights at all, the
    game's score is the whole merit (a tilt with nothing to tilt by would mean nothing)."""
    return rules if rules.weights else replace(rules, game=1)


def merit(rules: MeritRules, speed: int = 0, purchases: int = 0, game: int = 0) -> int:
    """Combine parts (each 0..1000) by the rules' weights into one merit 0..1000."""
    if rules.weights == 0:
        return 0
    total = rules.speed * speed + rules.purchases * purchases + rules.game * game
    return max(0, min(MAX_MERIT, total // rules.weights))
