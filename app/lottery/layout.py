"""Board layout: which tile secretly holds which coupon."""

from dataclasses import dataclass
from random import Random

from .conditions import Conditions


@dataclass(frozen=True)
class Tile:
    no: int  # the number shown on the board, 1..sheets; also the issue number
    prize: int | None  # index into Conditions.prizes; None for a losing tile
    draw_order: int  # secret position for draws that pick "the next" tile


def lay_out(conditions: Conditions, rng: Random) -> list[Tile]:
    """Shuffle the breakdown onto tiles 1..sheets, exactly as many of each as the file says."""
    slots: list[int | None] = [None] * conditions.losing
    for index, prize in enumerate(conditions.prizes):
        slots += [index] * prize.count
    rng.shuffle(slots)
    order = list(range(len(slots)))
    rng.shuffle(order)
    return [
        Tile(no, prize, draw) for no, (prize, draw) in enumerate(zip(slots, order, strict=True), 1)
    ]


def breakdown(tiles: list[Tile]) -> dict[int | None, int]:
    """Count tiles per prize index (None for losing)."""
    counts: dict[int | None, int] = {}
    for tile in tiles:
        counts[tile.prize] = counts.get(tile.prize, 0) + 1
    return counts
