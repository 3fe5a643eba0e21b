"""The campaign form: the same fields as the condition set file, read into the same mapping.

The mapping goes through conditions_from_dict, so the form gives exactly the file's messages.
"""

from flask_babel import gettext as _

from app.lottery.conditions import Conditions

PRIZE_FIELDS = ("label", "value", "unit", "count")
MAX_PRIZE_ROWS = 20
TEXT = ("title", "slug", "goods", "opens", "closes")


def conditions_data(form) -> dict:
    """Turn submitted fields into a condition set mapping; blank prize rows are skipped."""
    data: dict = {name: (form.get(name) or "").strip() for name in TEXT}
    for name in ("hold_minutes", "losing"):
        raw = (form.get(name) or "").strip()
        if raw:
            data[name] = _number(raw)
    prizes = []
    for i in range(1, MAX_PRIZE_ROWS + 1):
        row = {f: (form.get(f"prize-{i}-{f}") or "").strip() for f in PRIZE_FIELDS}
        if not any(row[f] for f in ("label", "value", "count")):
            continue
        row["value"] = _number(row["value"])
        row["count"] = _number(row["count"])
        prizes.append(row)
    data["prizes"] = prizes
    return data


def form_values(c: Conditions) -> dict[str, str]:
    """Return the form's fields filled from conditions."""
    values = {
        "title": c.title,
        "slug": c.slug,
        "goods": c.goods,
        "opens": c.opens.isoformat(),
        "closes": c.closes.isoformat(),
        "hold_minutes": str(c.hold_minutes),
        "losing": str(c.losing),
    }
    for i, p in enumerate(c.prizes, start=1):
        values.update(
            {
                f"prize-{i}-label": p.label,
                f"prize-{i}-value": str(p.value),
                f"prize-{i}-unit": p.unit,
                f"prize-{i}-count": str(p.count),
            }
        )
    return values


def prize_rows(values) -> int:
    """Return how many prize rows to show: every filled one and two blank ones."""
    filled = max(
        (i for i in range(1, MAX_PRIZE_ROWS + 1) if values.get(f"prize-{i}-label")), default=0
    )
    return min(max(filled + 2, 3), MAX_PRIZE_ROWS)


def breakdown(c: Conditions) -> list[tuple[str, int, float]]:
    """Return (label, tiles, share in %) for every prize and the losing tiles."""
    rows = [(p.label, p.count, 100 * p.count / c.sheets) for p in c.prizes]
    if c.losing:
        rows.append((_("no prize (losing)"), c.losing, 100 * c.losing / c.sheets))
    return rows


def _number(raw: str):
    text = raw.replace(",", "").replace("_", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else raw
