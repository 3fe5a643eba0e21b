"""How a draw is uncovered: a card to scratch, or a roulette that lands on it, and what then.

Nothing of the outcome is on the page before the person uncovers it: the cover (a card, or a
wheel showing every prize label but no stop) comes first, and the reveal POST's answer brings
the outcome. The roulette shows the campaign's prize labels (never their counts), each label
as often as every other, so the wheel says nothing about how many of each exist.
"""

import logging
import math
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.lottery.draw import ranks
from app.lottery.values import standing
from app.store import campaigns, images, reveals

from .art_links import url_of as art_url

log = logging.getLogger(__name__)

MIN_SEGMENTS = 6  # fewer looks like a pie chart, not a wheel
RADIUS = 100
HUB = 14  # the centre cap's radius
COLOURS = ("#c0392b", "#1f6f8b", "#b7791f", "#6a3d9a", "#2e7d32", "#ad1457", "#37474f")
LOSING_COLOUR = "#8d8d8d"
MIN_FONT = 7.0
COVERED = _l("Your draw is still covered, so nothing was confirmed. Uncover it first.")
FIRST = _l("Give your contact details first: your draw is uncovered after them.")


@dataclass(frozen=True)
class Reveal:
    kind: str  # "scratch" or "roulette"
    wheel: Markup = Markup("")  # the roulette's SVG: turned to `stop` once revealed
    legend: tuple[tuple[str, str], ...] = ()  # (colour, label) of every distinct label
    stop: float | None = None  # the turn that lands the pointer on the outcome (revealed only)


@dataclass(frozen=True)
class Outcome:
    """What an uncovered draw shows: the prize (or none), its art and how much to celebrate."""

    won: bool
    label: str
    art: str  # a URL
    place: int  # 1 for the best coupon, 2 for the next...; 0 for no prize
    celebrate: str  # "grand", "big", "small" or "" (a loss)
    own_art: bool = False  # the shop's uploaded picture rather than a built-in medal


def context(db, campaign, entry_id: int, prize, just: bool = False) -> dict:
    """Return what a page needs to show a draw: covered, or its outcome once uncovered."""
    revealed = reveals.revealed(db, entry_id)
    return {
        "revealed": revealed,
        "just": just and revealed,
        "reveal": reveal_of(db, campaign, prize, revealed),
        "outcome": outcome_of(db, campaign, prize) if revealed else None,
    }


def has_losing(db, campaign) -> bool:
    """Tell whether some draws of this campaign win nothing (the copy must not promise)."""
    return bool(campaign.settings.losing)


def reveal_of(db, campaign, prize, revealed: bool) -> Reveal:
    """Return how this campaign uncovers a draw; `prize` (None: a losing draw) only counts
    once `revealed`, so the wheel before the reveal is the same whatever was drawn."""
    c = campaign.settings
    if c.reveal != "roulette":
        return Reveal("scratch")
    labels = _labels(campaigns.prizes(db, campaign.id).values())
    nothing = _("No prize")
    if c.losing:
        labels.append(nothing)
    landed = None
    if revealed:
        landed = prize.label if prize is not None else nothing
        if landed not in labels:  # cannot happen with a stored prize; never land elsewhere
            labels.append(landed)
    segments = labels * math.ceil(MIN_SEGMENTS / len(labels))
    losing = nothing if c.losing else None
    index = segments.index(landed) if landed is not None else None
    stop = stop_angle(len(segments), index) if index is not None else None
    colours = _colours(labels, losing)
    return Reveal(
        "roulette",
        wheel(segments, index, losing),
        tuple((colours[label], label) for label in labels),
        stop,
    )


def outcome_of(db, campaign, prize) -> Outcome:
    """Return what the uncovered draw shows: prize art by rank, and the celebration's size."""
    if prize is None:
        return Outcome(False, "", url_for("static", filename="img/no-prize.svg"), 0, "")
    prizes = list(campaigns.prizes(db, campaign.id).values())
    standings = standing(prizes)
    values = sorted(set(standings), reverse=True)
    mine = next(
        (v for p, v in zip(prizes, standings, strict=True) if p.position == prize.position),
        min(values),
    )
    place = values.index(mine) + 1
    rank = ranks(standings, False).get(prize.position, 0)
    if place == 1 and len(values) > 1:
        celebrate = "grand"
    elif rank >= 500 or len(values) == 1:
        celebrate = "big"
    else:
        celebrate = "small"
    # The shop's own art for this tier, else a medal by rank.
    own = images.find(db, campaign.id, campaign.settings.prize_image(prize.position + 1))
    if own is not None:
        return Outcome(True, prize.label, art_url(campaign, own), place, celebrate, True)
    art = ("prize-gold.svg", "prize-silver.svg", "prize-bronze.svg")[min(place, 3) - 1]
    return Outcome(True, prize.label, url_for("static", filename=f"img/{art}"), place, celebrate)


def _labels(prizes) -> list[str]:
    seen: list[str] = []
    for p in prizes:
        if p.label not in seen:
            seen.append(p.label)
    return seen


def _colours(labels: list[str], losing: str | None) -> dict[str, str]:
    palette = iter(COLOURS * len(labels))
    return {label: LOSING_COLOUR if label == losing else next(palette) for label in labels}


def stop_angle(count: int, index: int) -> float:
    """Return the turn (degrees clockwise) that puts segment `index`'s middle under the pointer."""
    return round((360 - (index + 0.5) * 360 / count) % 360, 3)


def _ems(text: str) -> float:
    """Estimate the width of `text` in ems: wide for CJK, narrow for Latin."""
    return max(1.0, sum(1.0 if ord(ch) > 0x2E80 else 0.62 for ch in text))


def _shorten(text: str, room: float, size: float) -> str:
    """Cut `text` (with an ellipsis) until it fits `room` units at font `size`."""
    if _ems(text) * size <= room:
        return text
    while len(text) > 1 and (_ems(text) + 1) * size > room:
        text = text[:-1]
    return text + "…"


def label_layout(n: int, label: str) -> tuple[str, float, str, float]:
    """Place a segment's label so that it never leaves its wedge: return (how, size, text,
    the radius where an along-the-radius label starts).

    Across the wedge (tangential, upright when the segment is under the pointer) when the
    label fits there at a readable size; else along the radius, where a narrow wedge has
    room; shortened with an ellipsis as a last resort (the legend names it in full).
    """
    half = math.pi / n
    # Across: centred at radius 64, a line of height s must fit the chord at its inner edge.
    size = 13.0
    while size >= 9:
        inner = 64 - size * 0.6
        room = 2 * inner * math.sin(half) - 6
        width = _ems(label) * size
        if width <= room and math.hypot(64 + size * 0.6, width / 2) <= RADIUS - 4:
            return "across", size, label, 64.0
        size -= 0.5
    # Along the radius from the hub outwards: the height must fit the chord where it starts.
    start = HUB + 8
    size = min(12.0, (2 * start * math.sin(half) - 2) / 1.2)
    size = max(MIN_FONT, size)
    if 2 * start * math.sin(half) - 2 < size * 1.2:  # too narrow even there: start further out
        start = (size * 1.2 + 2) / (2 * math.sin(half))
    room = RADIUS - 6 - start
    return "along", round(size, 2), _shorten(label, room, size), round(start, 2)


def wheel(segments: list[str], landed: int | None, losing: str | None = None) -> Markup:
    """Draw the wheel as SVG; once revealed, turned so the pointer at the top marks `landed`.

    Segment i spans i/n to (i+1)/n of a turn clockwise from the top. Before the reveal the
    disc stands at 0 with no stop anywhere in the page; reveal.js spins it and lands it on
    the stop the reveal POST's answer carries.
    """
    n = len(segments)
    step = 360 / n
    stop = stop_angle(n, landed) if landed is not None else 0
    name = escape(_("Roulette"))
    colours = _colours(list(dict.fromkeys(segments)), losing)
    parts = [
        '<svg class="wheel" viewBox="-112 -124 224 236" role="img"'
        f' aria-label="{name}" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="system-ui, sans-serif">',
        '<circle r="108" fill="#3b2a1a"/>',
        f'<g class="wheel-disc" data-segments="{n}" transform="rotate({stop})">',
    ]
    for i, label in enumerate(segments):
        a, b = math.radians(i * step), math.radians((i + 1) * step)
        x1, y1 = RADIUS * math.sin(a), -RADIUS * math.cos(a)
        x2, y2 = RADIUS * math.sin(b), -RADIUS * math.cos(b)
        how, size, shown, start = label_layout(n, label)
        mid = (i + 0.5) * step
        # Where the label stands once the disc has turned: read upright there, turned over
        # on the lower (across) or left (along) half.
        final = (mid + stop) % 360
        if how == "across":
            flip = " rotate(180)" if 90 < final < 270 else ""
            place = f"rotate({mid:.3f}) translate(0 -64){flip}"
            anchor = "middle"
        elif final <= 180:  # along the radius, reading outwards from the hub
            place = f"rotate({mid - 90:.3f}) translate({start} 0)"
            anchor = "start"
        else:
            place = f"rotate({mid + 90:.3f}) translate({-start} 0)"
            anchor = "end"
        parts.append(
            f'<g class="wheel-segment" data-label="{escape(label)}" data-index="{i}">'
            f'<path d="M0 0L{x1:.2f} {y1:.2f}A{RADIUS} {RADIUS} 0 0 1 {x2:.2f} {y2:.2f}Z"'
            f' fill="{colours[label]}" stroke="#fff7e0" stroke-width="1.5"/>'
            f'<text class="wheel-label" transform="{place}" text-anchor="{anchor}"'
            f' dominant-baseline="central" fill="#fff" font-size="{size}"'
            f' font-weight="700">{escape(shown)}</text></g>'
        )
    parts.append(
        "</g>"
        f'<circle r="{HUB}" fill="#fff7e0" stroke="#b7791f" stroke-width="3"/>'
        '<path class="wheel-pointer" d="M-11 -122L11 -122L0 -94Z" fill="#f5c542"'
        ' stroke="#3b2a1a" stroke-width="2"/>'
        "</svg>"
    )
    return Markup("".join(parts))  # noqa: S704  (every label passed through escape)
