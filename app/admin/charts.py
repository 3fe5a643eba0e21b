"""SVG charts drawn on the server: data in, SVG text out; no JavaScript needed.

Every label passes through html.escape, so a prize label cannot inject markup.
"""

from collections.abc import Callable
from html import escape

from flask_babel import gettext as _
from flask_babel import ngettext

WIDTH = 320  # user units; the SVG scales to its container and stays readable on a phone
BAR = 22
GAP = 8
COLOURS = ("#b3541e", "#2f6f8f", "#6b8e23", "#8e44ad", "#c0392b", "#16a085")


def hbar_chart(title: str, bars: list[tuple[str, int, int]]) -> str:
    """Draw horizontal bars of (label, value, out_of): e.g. tiles left of each prize."""
    top = 4
    height = top + len(bars) * (BAR + GAP + 14) + 4
    parts = [_open(title, height)]
    y = top
    for i, (label, value, total) in enumerate(bars):
        share = value / total if total else 0
        width = round((WIDTH - 2) * share, 1)
        colour = COLOURS[i % len(COLOURS)]
        parts.append(
            f'<text x="0" y="{y + 12}" font-size="12">'
            + escape(
                _("%(label)s — %(value)d of %(total)d left", label=label, value=value, total=total)
            )
            + "</text>"
            f'<rect x="1" y="{y + 16}" width="{WIDTH - 2}" height="{BAR}" fill="#eee"'
            ' rx="3"/>'
            f'<rect x="1" y="{y + 16}" width="{width}" height="{BAR}" fill="{colour}" rx="3"/>'
        )
        y += BAR + GAP + 14
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    title: str,
    columns: list[tuple[str, int]],
    count: Callable[[int], str] | None = None,
    empty: str | None = None,
) -> str:
    """Draw vertical columns of (label, count): e.g. claims per minute, hour or day.

    `count` says a column's number as a sentence ("3 claims"), `empty` what no data means.
    """
    count = count or (lambda n: ngettext("%(num)d claim", "%(num)d claims", n))
    chart_h = 120
    height = chart_h + 34
    peak = max((n for _, n in columns), default=0) or 1
    step = (WIDTH - 30) / max(len(columns), 1)
    parts = [
        _open(title, height),
        f'<text x="0" y="10" font-size="10">{peak:d}</text>',
        f'<line x1="28" y1="{chart_h + 14}" x2="{WIDTH}" y2="{chart_h + 14}" stroke="#888"/>',
    ]
    for i, (label, n) in enumerate(columns):
        h = round(chart_h * n / peak, 1)
        x = round(30 + i * step, 1)
        w = max(round(step * 0.8, 1), 1)
        parts.append(
            f'<rect x="{x}" y="{round(chart_h + 14 - h, 1)}" width="{w}" height="{h}"'
            f' fill="#2f6f8f"><title>{escape(label)}: {escape(count(n))}</title></rect>'
        )
    if columns:
        parts.append(
            f'<text x="30" y="{height - 4}" font-size="10">{escape(columns[0][0])}</text>'
            f'<text x="{WIDTH}" y="{height - 4}" font-size="10" text-anchor="end">'
            f"{escape(columns[-1][0])}</text>"
        )
    else:
        nothing = escape(empty or _("No claims yet"))
        parts.append(f'<text x="30" y="{chart_h // 2}" font-size="12">{nothing}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _open(title: str, height: int) -> str:
    t = escape(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
        f' width="100%" role="img" aria-label="{t}" class="chart"'
        ' font-family="system-ui, sans-serif"><title>' + t + "</title>"
    )


def band_chart(
    title: str, bars: list[tuple[str, float | None]], say: Callable[[float], str], empty: str
) -> str:
    """Draw one column per score band, labelled underneath: e.g. plays, or the mean value.

    A band with no figure (None) is left empty; `say` puts a figure into words.
    """
    chart_h = 110
    height = chart_h + 40
    peak = max((v for _, v in bars if v), default=0)
    step = (WIDTH - 4) / max(len(bars), 1)
    base = chart_h + 14
    parts = [
        _open(title, height),
        f'<line x1="0" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#888"/>',
    ]
    for i, (label, value) in enumerate(bars):
        x = round(2 + i * step, 1)
        w = max(round(step * 0.8, 1), 1)
        middle = round(x + w / 2, 1)
        if value:
            h = round(chart_h * value / peak, 1)
            words = escape(say(value))
            parts.append(
                f'<rect x="{x}" y="{round(base - h, 1)}" width="{w}" height="{h}" fill="#b3541e">'
                f"<title>{escape(label)}: {words}</title></rect>"
                f'<text x="{middle}" y="{round(base - h - 3, 1)}" font-size="9"'
                f' text-anchor="middle">{escape(_short(value))}</text>'
            )
        parts.append(
            f'<text x="{middle}" y="{base + 12}" font-size="8" text-anchor="middle">'
            f"{escape(label.split('–')[0])}</text>"
        )
    if not peak:
        parts.append(f'<text x="30" y="{chart_h // 2}" font-size="12">{escape(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _short(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
