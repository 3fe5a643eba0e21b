"""The campaign form: the same fields as the condition set file, read into the same mapping.

The mapping goes through conditions_from_dict, so the form gives exactly the file's messages.
Times are typed as the shop's clock shows them (`datetime-local`) in the zone picked beside
them; the file stores them with that zone's offset.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from flask_babel import gettext as _

import games
from app.lottery.conditions import (
    DRAWS,
    MODES,
    REVEAL_ORDERS,
    REVEALS,
    Conditions,
    zone_info,
)
from app.lottery.ecoupons import ISSUES
from app.lottery.merit import MeritRules
from app.web.i18n import translate

PRIZE_FIELDS = ("label", "value", "unit", "count")
MAX_PRIZE_ROWS = 20
TEXT = ("title", "slug", "goods")
CHOICES = {
    "mode": MODES,
    "draw": DRAWS,
    "reveal": REVEALS,
    "reveal_order": REVEAL_ORDERS,
    "issue": ISSUES,
}
MERIT = (
    "speed",
    "speed_hours_full",
    "speed_hours_zero",
    "purchases",
    "purchases_full",
    "game",
)
# The zones a shop in Japan is likely to want, Tokyo first; a campaign's own zone is added.
ZONES = (
    "Asia/Tokyo",
    "UTC",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Bangkok",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
)
DEFAULT_ZONE = "Asia/Tokyo"
# The condition file's fields this form shows; any other is kept from the file as it was.
FORM_FIELDS = {
    *TEXT,
    *CHOICES,
    "timezone",
    "opens",
    "closes",
    "hold_minutes",
    "losing",
    "tilt",
    "merit",
    "game",
    "prizes",
    "coupon_expires",
}
OFFSET = re.compile(r"[+-]\d\d:\d\d")
LOCAL = "%Y-%m-%dT%H:%M"


def conditions_data(form, kept: dict | None = None) -> dict:
    """Turn submitted fields into a condition set mapping; blank prize rows are skipped.

    `kept` is the campaign's condition file as it was (or as uploaded), read as a mapping:
    what the form cannot edit (a quiz's questions while the game stays the same, and any
    field the form does not show) stays as it was.
    """
    kept = kept or {}
    data: dict = {k: v for k, v in kept.items() if k not in FORM_FIELDS}
    data.update({name: (form.get(name) or "").strip() for name in TEXT})
    for name in ("colour", "shop_email"):
        if name in form:  # a form without the field keeps the file's value
            data[name] = (form.get(name) or "").strip()
    zone = (form.get("timezone") or "").strip()
    if zone and not OFFSET.fullmatch(zone):
        # A fixed offset is not an IANA name: it lives in the times only, as in a file.
        data["timezone"] = zone
    for name in ("opens", "closes"):
        data[name] = local_moment((form.get(name) or "").strip(), zone)
    for name in ("hold_minutes", "losing", "tilt"):
        raw = (form.get(name) or "").strip()
        if raw:
            data[name] = _number(raw)
    expires = (form.get("coupon_expires") or "").strip()
    if expires:  # whole days after confirmation, or one moment on the campaign's clock
        data["coupon_expires"] = (
            _number(expires) if expires.isdigit() else local_moment(expires, zone)
        )
    for name in CHOICES:
        raw = (form.get(name) or "").strip()
        if raw:
            data[name] = raw
    merit = {}
    for name in MERIT:
        raw = (form.get(f"merit-{name}") or "").strip()
        if raw:
            merit[name] = _decimal(raw)
    if merit:
        data["merit"] = merit
    game = (form.get("game") or "").strip()
    if game:
        before = kept.get("game")
        same = before == game or (isinstance(before, dict) and before.get("name") == game)
        data["game"] = before if same else game
    prizes = []
    # A tier's art (named in the file, not on the form) stays with the tier's label.
    kept_prizes = kept.get("prizes") if isinstance(kept.get("prizes"), list) else []
    art = {p.get("label"): p["image"] for p in kept_prizes if isinstance(p, dict) and "image" in p}
    for i in range(1, MAX_PRIZE_ROWS + 1):
        row = {f: (form.get(f"prize-{i}-{f}") or "").strip() for f in PRIZE_FIELDS}
        if not any(row[f] for f in ("label", "value", "count")):
            continue
        row["value"] = _number(row["value"])
        row["count"] = _number(row["count"])
        if row["label"] in art:
            row["image"] = art[row["label"]]
        prizes.append(row)
    data["prizes"] = prizes
    return data


def local_moment(text: str, zone: str):
    """Read a `datetime-local` value as a time in `zone`; anything else is left as typed.

    A value with its own offset (ISO 8601, as a condition file writes it) keeps that offset.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        return moment
    try:
        tz = zone_info(zone or DEFAULT_ZONE)
    except (ValueError, ZoneInfoNotFoundError):
        return text  # the timezone's own message says what is wrong
    return moment.replace(tzinfo=tz)


def local_text(moment: datetime, zone: str) -> str:
    """Write a moment as a `datetime-local` value on the clock of `zone`."""
    here = moment.astimezone(zone_info(zone))
    return here.strftime(LOCAL + (":%S" if here.second else ""))


def form_values(c: Conditions) -> dict[str, str]:
    """Return the form's fields filled from conditions."""
    values = {
        "title": c.title,
        "slug": c.slug,
        "goods": c.goods,
        "colour": c.colour,
        "shop_email": c.shop_email,
        "timezone": c.zone,
        "opens": local_text(c.opens, c.zone),
        "closes": local_text(c.closes, c.zone),
        "hold_minutes": str(c.hold_minutes),
        "losing": str(c.losing),
        "mode": c.mode,
        "draw": c.draw,
        "tilt": str(c.tilt),
        "reveal": c.reveal,
        "reveal_order": c.reveal_order,
        "game": c.game,
        "issue": c.issue,
        "coupon_expires": (
            local_text(c.coupon_expires, c.zone)
            if isinstance(c.coupon_expires, datetime)
            else ""
            if c.coupon_expires is None
            else str(c.coupon_expires)
        ),
    }
    values.update({f"merit-{name}": _plain(getattr(c.merit, name)) for name in MERIT})
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


def blank_values(now: datetime, days: int = 30) -> dict[str, str]:
    """Return a new campaign's fields: Tokyo time, open from now for `days` days."""
    moment = now.replace(second=0, microsecond=0)
    return {
        "timezone": DEFAULT_ZONE,
        "opens": local_text(moment, DEFAULT_ZONE),
        "closes": local_text(moment + timedelta(days=days), DEFAULT_ZONE),
        "hold_minutes": "15",
        "losing": "0",
        "tilt": "0",
        "prize-1-unit": "percent",
        **{f"merit-{name}": _plain(getattr(MeritRules(), name)) for name in MERIT},
    }


def zone_choices(current: str | None) -> list[str]:
    """Return the zones to offer: the common ones, and the campaign's own if it is another."""
    zones = list(ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return zones


def game_choices() -> list[tuple[str, str]]:
    """Return (name, title) for every registered mini-game."""
    return [(name, translate(games.get(name).title)) for name in games.names()]


def prize_rows(values) -> int:
    """Return how many prize rows to show: every filled one and two blank ones."""
    filled = max(
        (i for i in range(1, MAX_PRIZE_ROWS + 1) if values.get(f"prize-{i}-label")), default=0
    )
    return min(max(filled + 2, 3), MAX_PRIZE_ROWS)


def breakdown(c: Conditions) -> list[tuple[str, int, float, object]]:
    """Return (label, tiles, share in %, prize or None) for every prize and the losing tiles."""
    rows = [(p.label, p.count, 100 * p.count / c.tile_count, p) for p in c.prizes]
    if c.losing:
        rows.append((_("no prize (losing)"), c.losing, 100 * c.losing / c.tile_count, None))
    return rows


def _number(raw: str):
    text = raw.replace(",", "").replace("_", "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else raw


def _decimal(raw: str):
    number = _number(raw)
    if isinstance(number, int):
        return number
    try:
        return float(raw) if raw.isascii() and len(raw) < 20 else raw
    except ValueError:
        return raw


def _plain(number) -> str:
    """Write 24.0 as 24 and 1.5 as 1.5."""
    return str(int(number)) if float(number).is_integer() else str(number)
