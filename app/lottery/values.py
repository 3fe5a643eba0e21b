"""Prize values added up per unit: yen with yen, points with points, never across units."""

from dataclasses import dataclass

# Yen and points are amounts: ten ¥500 coupons are worth ¥5,000. A percentage is not:
# 25 % off and 10 % off add up to nothing a shop can use, so percent coupons are counted.
AMOUNTS = ("yen", "points")
# What became of a tier's coupons, as the monitor counts them; "count" is all of them.
STATES = ("confirmed", "held", "free", "count")
# The order units are shown in: the amounts first.
UNITS = (*AMOUNTS, "percent")


@dataclass(frozen=True)
class UnitFigures:
    """One unit's coupons in each state, and their summed value where the unit is an amount."""

    unit: str
    coupons: dict[str, int]
    value: dict[str, int] | None  # None for a unit whose values cannot be added (percent)


def per_unit(prizes) -> list[UnitFigures]:
    """Add up prizes (anything with value, unit and the STATES' counts) unit by unit.

    Units come in the order of UNITS; a unit no prize uses is left out.
    """
    result = []
    for unit in UNITS:
        mine = [p for p in prizes if p.unit == unit]
        if not mine:
            continue
        coupons = {s: sum(getattr(p, s) for p in mine) for s in STATES}
        value = (
            {s: sum(p.value * getattr(p, s) for p in mine) for s in STATES}
            if unit in AMOUNTS
            else None
        )
        result.append(UnitFigures(unit, coupons, value))
    return result


def mean_per_unit(draws: int, drawn: dict[str, int], units) -> dict[str, float]:
    """Return the mean value a draw gave in each of `units`: `drawn` maps a unit to the
    summed value of its coupons among `draws` draws.

    Every draw is in each unit's denominator: a losing draw, or a coupon of another unit,
    gave nothing of this one (in a campaign of percent coupons alone: the mean discount a
    draw gave, a losing draw at 0 %). No draws, no means.
    """
    if not draws:
        return {}
    return {unit: drawn.get(unit, 0) / draws for unit in UNITS if unit in units}


def standing(prizes) -> list[int]:
    """Return one comparable number per prize, higher meaning better.

    Prizes of one unit compare by value. Across units (¥500 against 30 % off) there is no
    such order, so the shop's own order counts: the prize listed first is the best.
    """
    if len({p.unit for p in prizes}) <= 1:
        return [p.value for p in prizes]
    return [-i for i in range(len(prizes))]
