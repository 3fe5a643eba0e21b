"""How a drawn coupon is revealed: a card to scratch, or a roulette that lands on it.

Both are decided on the server before the page is drawn. The page holds the one result;
the roulette also shows the campaign's prize labels (never their counts), each label as
often as every other, so the wheel says nothing about how many of each exist.
"""

import logging
import math
from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.store import campaigns

log = logging.getLogger(__name__)

MIN_SEGMENTS = 6  # fewer looks like a pie chart, not a wheel
RADIUS = 100
COLOURS = ("#b3541e", "#2f6f8f", "#6b8e23", "#8e44ad", "#c0392b", "#16a085", "#b7950b")
LOSING_COLOUR = "#6d6d6d"


@dataclass(frozen=True)
class Reveal:
    kind: str  # "scratch" or "roulette"
    wheel: Markup = Markup("")  # the roulette's SVG, landed on the result
    landed: str = ""  # the label of the segment the roulette lands on


def reveal_of(db, campaign, prize) -> Reveal:
    """Return how this campaign reveals `prize` (None: a losing draw)."""
    c = campaign.settings
    if c.reveal != "roulette":
        return Reveal("scratch")
    labels = _labels(campaigns.prizes(db, campaign.id).values())
    nothing = _("No prize")
    if c.losing:
        labels.append(nothing)
    landed = prize.label if prize is not None else nothing
    if landed not in labels:  # cannot happen with a stored prize; never land elsewhere
        labels.append(landed)
    segments = labels * math.ceil(MIN_SEGMENTS / len(labels))
    losing = nothing if c.losing else None
    return Reveal("roulette", wheel(segments, segments.index(landed), losing), landed)


def _labels(prizes) -> list[str]:
    seen: list[str] = []
    for p in prizes:
        if p.label not in seen:
            seen.append(p.label)
    return seen


def stop_angle(count: int, index: int) -> float:
    """Return the turn (degrees clockwise) that puts segment `index`'s middle under the pointer."""
    return round((360 - (index + 0.5) * 360 / count) % 360, 3)


def wheel(segments: list[str], landed: int, losing: str | None = None) -> Markup:
    """Draw the wheel as SVG, turned so the pointer at the top marks segment `landed`.

    Segment i spans i/n to (i+1)/n of a turn clockwise from the top. reveal.js spins the
    disc from 0 to `data-stop`; without JavaScript the wheel simply stands there.
    """
    n = len(segments)
    step = 360 / n
    stop = stop_angle(n, landed)
    chord = 2 * 66 * math.sin(math.pi / n)  # room across a segment where its label sits
    name = escape(_("Roulette"))
    parts = [
        '<svg class="wheel" viewBox="-110 -118 220 230" role="img"'
        f' aria-label="{name}" xmlns="http://www.w3.org/2000/svg"'
        ' font-family="system-ui, sans-serif">',
        f'<g class="wheel-disc" data-stop="{stop}" data-segments="{n}" transform="rotate({stop})">',
    ]
    colours = iter(COLOURS * n)
    for i, label in enumerate(segments):
        a, b = math.radians(i * step), math.radians((i + 1) * step)
        x1, y1 = RADIUS * math.sin(a), -RADIUS * math.cos(a)
        x2, y2 = RADIUS * math.sin(b), -RADIUS * math.cos(b)
        fill = LOSING_COLOUR if label == losing else next(colours)
        shown = label if len(label) <= 14 else label[:13] + "…"
        size = max(6, min(13, round(chord / _ems(shown), 1)))
        parts.append(
            f'<g class="wheel-segment" data-label="{escape(label)}" data-index="{i}">'
            f'<path d="M0 0L{x1:.2f} {y1:.2f}A{RADIUS} {RADIUS} 0 0 1 {x2:.2f} {y2:.2f}Z"'
            f' fill="{fill}" stroke="#fff" stroke-width="1.5"/>'
            f'<text transform="rotate({(i + 0.5) * step:.3f}) translate(0 -66)"'
            f' text-anchor="middle" dominant-baseline="middle" fill="#fff" font-size="{size}"'
            f' font-weight="700">{escape(shown)}</text></g>'
        )
    parts.append(
        "</g>"
        '<circle r="12" fill="#fff" stroke="#b3541e" stroke-width="3"/>'
        '<path class="wheel-pointer" d="M-10 -116L10 -116L0 -92Z" fill="#1d1d1f"'
        ' stroke="#fff" stroke-width="1.5"/>'
        "</svg>"
    )
    return Markup("".join(parts))  # noqa: S704  (every label passed through escape)


def _ems(text: str) -> float:
    """Estimate the width of `text` in ems: wide for CJK, narrow for Latin."""
    return max(1.0, sum(1.0 if ord(ch) > 0x2E80 else 0.6 for ch in text))
