"""The tier rule: which kind of coupon a draw gives, from what remains.

A campaign's sheets fall into tiers: one per prize of the condition set (numbered 1, 2, …
in file order) and the losing tier 0. A draw picks a tier with a weight proportional to
its free sheets, tilted toward better tiers by the holder's merit. Nothing here knows
about tiles, SQL or Flask; randomness comes in as `uniform(n)`, an integer in [0, n).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

LOSING = 0
MAX_MERIT = 1000
MAX_RANK = 1000
MAX_TILT = 1000
BASE_WEIGHT = 1_000_000


class EmptyPool(ValueError):
    """No sheet remains to be drawn."""


@dataclass(frozen=True)
class Tier:
    number: int  # 1, 2, … in condition-file order; 0 for losing
    rank: int  # 0 (worst) … 1000 (best)
    free: int  # sheets of this tier that remain


def walk_order(numbers: Sequence[int]) -> list[int]:
    """Return tier numbers in the order a draw walks them: 1, 2, … then 0."""
    return sorted(numbers, key=lambda n: (n == LOSING, n))


def ranks(values: Sequence[int], losing: bool) -> dict[int, int]:
    """Rank tiers by value: the best 1000, the worst (losing, when present) 0.

    `values[i]` is the value of tier i + 1. Equal values keep file order, earlier better.
    """
    # From worst to best: losing first, then by value ascending, later file order worse.
    worst_first = sorted(range(1, len(values) + 1), key=lambda n: (values[n - 1], -n))
    if losing:
        worst_first.insert(0, LOSING)
    k = len(worst_first)
    if k == 1:
        return {worst_first[0]: 0}
    return {n: MAX_RANK * i // (k - 1) for i, n in enumerate(worst_first)}


def weights(tiers: Sequence[Tier], tilt: int, merit: int) -> list[int]:
    """Return each tier's integer weight W = free × (1,000,000 + tilt × merit × rank)."""
    if not 0 <= merit <= MAX_MERIT:
        raise ValueError(f"merit must be 0..{MAX_MERIT}, not {merit}")
    if not 0 <= tilt <= MAX_TILT:
        raise ValueError(f"tilt must be 0..{MAX_TILT}, not {tilt}")
    return [t.free * (BASE_WEIGHT + tilt * merit * t.rank) for t in tiers]


def pick_tier(tiers: Sequence[Tier], tilt: int, merit: int, uniform: Callable[[int], int]) -> int:
    """Return the number of the tier drawn; raise EmptyPool when nothing remains.

    Tiers are walked 1, 2, … then 0 whatever order they come in; the first whose
    cumulative weight exceeds u = uniform(total) is taken. A tier with no free sheet has
    weight 0 and can never be taken.
    """
    ordered = sorted(tiers, key=lambda t: (t.number == LOSING, t.number))
    w = weights(ordered, tilt, merit)
    total = sum(w)
    if total == 0:
        raise EmptyPool
    u = uniform(total)
    if not 0 <= u < total:
        raise ValueError("uniform(n) must return an integer in [0, n)")
    running = 0
    for tier, weight in zip(ordered, w, strict=True):
        running += weight
        if running > u:
            return tier.number
    raise AssertionError("unreachable: u < total")
