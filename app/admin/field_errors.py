"""A campaign form's problems, placed beside the field they belong to and named by its label.

The rules (app/lottery/conditions.py) speak the condition file's language: "slug: …",
"prizes[2].count: …". The form shows each sentence under its own input, in the reader's
language, without the file's key, and the summary above names the form's label.
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.web.i18n import translate

from .forms import MAX_PRIZE_ROWS

KEY = re.compile(r"^(?P<key>[a-z_]+)(?:\[(?P<n>\d+)\])?(?:\.(?P<sub>[a-z_]+))?(?: settings)?: ")
PREFIX = re.compile(r"^[^:：]{1,40}[:：]\s*")
# The form's input for each key of the file, and its label as the form names it.
INPUTS = {
    "title": ("title", "f-title", _l("Title")),
    "slug": ("slug", "f-slug", _l("Slug")),
    "goods": ("goods", "f-goods", _l("Goods guide")),
    "timezone": ("timezone", "f-timezone", _l("Time zone")),
    "opens": ("opens", "f-opens", _l("Opens")),
    "closes": ("closes", "f-closes", _l("Closes")),
    "hold_minutes": ("hold_minutes", "f-hold", _l("Hold minutes")),
    "mode": ("mode", "f-mode", _l("Mode")),
    "draw": ("draw", "f-draw", _l("When the draw is decided")),
    "reveal": ("reveal", "f-reveal", _l("How the coupon is revealed")),
    "reveal_order": ("reveal_order", "f-reveal-order", _l("When contact details are asked for")),
    "issue": ("issue", "f-issue", _l("How coupons are issued")),
    "coupon_expires": ("coupon_expires", "f-expires", _l("E-coupons expire")),
    "losing": ("losing", "f-losing", _l("Losing tiles")),
    "tilt": ("tilt", "f-tilt", _l("Tilt")),
    "game": ("game", "f-game", _l("Mini-game played before the draw")),
    "colour": ("colour", "f-colour", _l("Brand colour")),
    "shop_email": ("shop_email", "f-shop-email", _l("Shop's contact e-mail")),
    "sheets": ("prize-1-count", "p1-count", _l("Prizes")),
    "prizes": ("prize-1-label", "p1-label", _l("Prizes")),
}
PRIZE_LABELS = {
    "label": _l("Label"),
    "value": _l("Value"),
    "unit": _l("Unit"),
    "count": _l("Count"),
}
# Sentences that name another key of the file, said as the form says it.
PLAIN = {
    "closes: must be after opens": _l("Must be after the opening time."),
    "prizes: at least one [[prizes]] table is required": _l("Fill in at least one prize."),
    'mode: a batch draw has no board; use mode = "speed"': _l(
        "A batch draw has no board: choose the speed mode."
    ),
}


@dataclass(frozen=True)
class FieldProblem:
    name: str | None  # the form input's name, or None for the form as a whole
    anchor: str  # the input's id, to link the summary to it
    label: str  # the form's label of that input
    message: str  # the sentence in the reader's language, without the file's key


def _prize_rows(form) -> list[int]:
    """Return the form's prize rows that are not blank: the file's prizes[1], [2], … in order."""
    rows = []
    for i in range(1, MAX_PRIZE_ROWS + 1):
        if any((form.get(f"prize-{i}-{f}") or "").strip() for f in ("label", "value", "count")):
            rows.append(i)
    return rows


def _place(english: str, form) -> tuple[str | None, str, str]:
    found = KEY.match(english)
    if not found:
        return None, "problems", ""
    key, n, sub = found["key"], found["n"], found["sub"]
    if key == "merit" and sub:
        return f"merit-{sub}", f"f-merit-{sub}", _("Merit")
    if key == "prizes" and n:
        rows = _prize_rows(form)
        index = int(n) - 1
        row = rows[index] if index < len(rows) else int(n)
        field = sub if sub in PRIZE_LABELS else "label"
        label = _("Prize %(number)s: %(field)s", number=row, field=PRIZE_LABELS[field])
        return f"prize-{row}-{field}", f"p{row}-{field}", label
    if key in INPUTS:
        name, anchor, label = INPUTS[key]
        return name, anchor, str(label)
    return None, "problems", ""


def place(problems, form) -> tuple[dict[str, list[str]], list[FieldProblem]]:
    """Return each input's problems (by input name) and the summary, every one translated."""
    by_field: dict[str, list[str]] = {}
    summary = []
    for problem in problems:
        english = str(problem)  # a Problem is its English sentence; else already translated
        name, anchor, label = _place(english, form)
        plain = PLAIN.get(getattr(problem, "message", ""))
        text = str(plain) if plain is not None else translate(problem)
        if name:
            if plain is None:
                text = PREFIX.sub("", text, count=1)
            by_field.setdefault(name, []).append(text)
        summary.append(FieldProblem(name, anchor, label, text))
    return by_field, summary
