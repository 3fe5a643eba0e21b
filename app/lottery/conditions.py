"""The issue condition set: what a campaign issues, and when."""

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .contact import EMAIL
from .ecoupons import ISSUES, MAX_EXPIRY_DAYS
from .images import valid_name
from .merit import MeritRules, merit_rules
from .messages import N_, Problem

MAX_SHEETS = 100_000
UNITS = ("percent", "yen", "points")
SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
KNOWN = {
    "title",
    "slug",
    "goods",
    "opens",
    "closes",
    "hold_minutes",
    "losing",
    "prizes",
    "mode",
    "draw",
    "tilt",
    "timezone",
    "merit",
    "game",
    "reveal",
    "reveal_order",
    "issue",
    "coupon_expires",
    "colour",
    "logo",
    "shop_email",
}
# How a drawn coupon is revealed: a card to scratch, or a roulette that lands on it.
REVEALS = ("scratch", "roulette")
# When the person gives their contact details: after the reveal (the default), or before it,
# so that one person, one coupon also stops a redraw from another device (board and speed
# lotteries; invitations know the person, a batch draw asks first, kiosks are ticket-bound).
REVEAL_ORDERS = ("before-contact", "after-contact")
# board: numbered tiles; speed: one Draw button; invite: invited candidates log in and draw.
MODES = ("board", "speed", "invite")
# instant: each draw is decided when made; batch: requests first, one draw for all at the end.
DRAWS = ("instant", "batch")
MAX_TILT = 1000
PRIZE_KNOWN = {"label", "value", "unit", "count", "image"}
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


class ConditionsError(ValueError):
    """A condition set with problems; `problems` holds one line (a Problem) per problem."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Prize:
    label: str
    value: int
    unit: str
    count: int
    # The name of an uploaded image shown when this tier is revealed; "" for the built-in art.
    # Not part of the prize's identity: new art never counts as changing the prizes.
    image: str = field(default="", compare=False)


@dataclass(frozen=True)
class Conditions:
    title: str
    slug: str
    goods: str
    opens: datetime
    closes: datetime
    prizes: tuple[Prize, ...]
    losing: int = 0
    hold_minutes: int = 15
    mode: str = "board"
    draw: str = "instant"
    tilt: int = 0
    timezone: str = ""  # an IANA name; empty: the zone of the offsets in opens
    merit: MeritRules = MeritRules()  # what earns a better draw when tilt > 0
    reveal: str = "scratch"
    game: str = ""  # a mini-game's name (games/), played before the draw; "" for none
    game_settings: dict = field(default_factory=dict, hash=False)
    issue: str = "paper"  # paper | electronic | both (app/lottery/ecoupons.py)
    # When e-coupons stop being valid: a moment, a number of days after confirmation, or never.
    coupon_expires: datetime | int | None = None
    colour: str = ""  # the campaign's brand colour, #rrggbb; "" for the app's own
    logo: str = ""  # the name of an uploaded logo or goods image; "" for none
    # Where the shop is told once that the campaign sold out or ended; "" for the app's
    # SHOP_EMAIL setting (app/notices.py).
    shop_email: str = ""
    reveal_order: str = "before-contact"  # REVEAL_ORDERS

    @property
    def zone(self) -> str:
        """Return the campaign's time zone: its IANA name, or the offset of `opens`."""
        return self.timezone or offset_zone(self.opens)

    @property
    def tile_count(self) -> int:
        """Return the number of tiles: every coupon plus every losing tile."""
        return sum(p.count for p in self.prizes) + self.losing


# A condition file is a page of settings; anything far larger or deeper is not one, and
# Python's TOML parser recurses once per level (5,000 levels overflowed its stack: a 500).
MAX_SOURCE = 1_000_000
MAX_NESTING = 32


def _nesting(text: str) -> int:
    """Return the deepest run of open brackets and braces, strings and comments included.

    An over-count (brackets inside a string) only refuses a file no shop would write.
    """
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def parse_conditions(text: str) -> Conditions:
    """Parse and validate a TOML condition set, raising ConditionsError."""
    if len(text) > MAX_SOURCE:
        raise ConditionsError(
            [Problem(N_("the file is over %(limit)d characters"), limit=MAX_SOURCE)]
        )
    if _nesting(text) > MAX_NESTING:
        raise ConditionsError(
            [Problem(N_("lists and tables nest deeper than %(limit)d levels"), limit=MAX_NESTING)]
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConditionsError([Problem(N_("not valid TOML: %(error)s"), error=str(exc))]) from None
    except RecursionError:  # a nesting the count above missed (inside strings it does not)
        raise ConditionsError(
            [Problem(N_("lists and tables nest deeper than %(limit)d levels"), limit=MAX_NESTING)]
        ) from None
    return conditions_from_dict(data)


def conditions_from_dict(data: dict) -> Conditions:
    """Validate a mapping (from TOML or a form) into Conditions."""
    problems: list[Problem] = []
    unknown = sorted(set(data) - KNOWN)
    if unknown:
        problems.append(Problem(N_("unknown field(s): %(fields)s"), fields=", ".join(unknown)))

    title = _text(data, "title", 120, problems)
    goods = _text(data, "goods", 300, problems)
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        problems.append(Problem(N_("slug: required, 1-64 characters of a-z, 0-9 and '-'")))
    opens = _moment(data, "opens", problems)
    closes = _moment(data, "closes", problems)
    if opens and closes and closes <= opens:
        problems.append(Problem(N_("closes: must be after opens")))
    hold = _whole(data, "hold_minutes", problems, default=15, low=1, high=24 * 60)
    losing = _whole(data, "losing", problems, default=0, low=0, high=MAX_SHEETS)
    prizes = _prizes(data.get("prizes"), problems)
    draw = _choice(data, "draw", DRAWS, problems)
    mode = _choice(data, "mode", MODES, problems, default="speed" if draw == "batch" else "board")
    if draw == "batch" and mode == "board":
        problems.append(Problem(N_('mode: a batch draw has no board; use mode = "speed"')))
    tilt = _whole(data, "tilt", problems, default=0, low=0, high=MAX_TILT)
    timezone = _zone(data, problems)
    merit = merit_rules(data.get("merit"), problems)
    reveal, reveal_order = _reveal(data, problems)
    game, game_settings = _game(data.get("game"), problems)
    issue = _choice(data, "issue", ISSUES, problems)
    coupon_expires = _expires(data.get("coupon_expires"), problems)
    colour = data.get("colour", "") or ""
    if not isinstance(colour, str) or (colour and not COLOUR.fullmatch(colour)):
        problems.append(Problem(N_("colour: a colour written as #rrggbb, e.g. #c0392b")))
        colour = ""
    logo = _image_name(data, "logo", problems)
    shop_email = _email(data, "shop_email", problems)
    if tilt and len({p.unit for p in prizes}) > 1:
        # The tilt favours higher values; ¥500 and 30 % off cannot be put in one order.
        problems.append(Problem(N_("tilt: a tilt needs every prize in one unit")))
    if mode == "invite" and draw == "batch":
        problems.append(Problem(N_("draw: an invitation campaign draws at once, not in a batch")))

    if not problems:
        total = sum(p.count for p in prizes) + losing
        if total > MAX_SHEETS:
            problems.append(
                Problem(
                    N_("sheets: %(total)d tiles, at most %(limit)d allowed"),
                    total=total,
                    limit=MAX_SHEETS,
                )
            )
    if problems:
        raise ConditionsError(problems)
    return Conditions(
        title,
        slug,
        goods,
        opens,
        closes,
        tuple(prizes),
        losing,
        hold,
        mode,
        draw,
        tilt,
        timezone,
        merit,
        reveal,
        game,
        game_settings,
        issue,
        coupon_expires,
        colour.lower(),
        logo,
        shop_email,
        reveal_order=reveal_order,
    )


def _reveal(data, problems) -> tuple[str, str]:
    """Read how a draw is uncovered and when contact details are asked for.

    `reveal = "after-contact"` (an order where a style belongs) is read as a scratch card
    uncovered after the contact details, as `reveal_order = "after-contact"` says in full.
    """
    raw = data.get("reveal")
    if raw in REVEAL_ORDERS:
        order = data.get("reveal_order", raw)
        if order != raw:
            problems.append(
                Problem(N_('reveal: "%(order)s" disagrees with reveal_order'), order=raw)
            )
        return "scratch", raw
    reveal = _choice(data, "reveal", REVEALS, problems)
    return reveal, _choice(data, "reveal_order", REVEAL_ORDERS, problems)


def _email(data, name, problems) -> str:
    """Read an optional e-mail address: one address, no display name, nothing around it."""
    value = data.get(name, "") or ""
    if isinstance(value, str):
        value = value.strip()
    if value and (
        not isinstance(value, str)
        or len(value) > 254
        or not value.isascii()
        or not EMAIL.fullmatch(value)
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in value)
    ):
        problems.append(
            Problem(N_("%(field)s: one e-mail address, e.g. shop@example.jp"), field=name)
        )
        return ""
    return value


def _image_name(data, name, problems, where="") -> str:
    value = data.get(name, "") or ""
    if value and not valid_name(value):
        problems.append(
            Problem(
                N_("%(field)s: the name of an uploaded image, letters, digits, '.', '_' or '-'"),
                field=where + name,
            )
        )
        return ""
    return value


def _expires(value, problems) -> datetime | int | None:
    """Read coupon_expires: a date and time with an offset, or whole days after confirmation."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if 0 <= value <= MAX_EXPIRY_DAYS:
            return value
    else:
        moment = _moment({"coupon_expires": value}, "coupon_expires", [])
        if moment is not None:
            return moment
    problems.append(
        Problem(
            N_(
                "coupon_expires: a date and time with an offset, e.g."
                " 2027-03-31T23:59:59+09:00, or a number of days after confirmation"
                " (0 to %(limit)d)"
            ),
            limit=MAX_EXPIRY_DAYS,
        )
    )
    return None


def _game(raw, problems) -> tuple[str, dict]:
    """Read `game = "name"` or a [game] table with `name` and the game's settings."""
    if raw is None or raw == "":
        return "", {}
    if isinstance(raw, str):
        name, settings = raw, {}
    elif isinstance(raw, dict) and isinstance(raw.get("name"), str):
        name, settings = raw["name"], {k: v for k, v in raw.items() if k != "name"}
    else:
        problems.append(Problem(N_('game: a game\'s name, or a [game] table with name = "…"')))
        return "", {}
    import games  # pure, like this module; imported here to keep the rules' import light

    try:
        found = games.get(name)
    except games.UnknownGame:
        problems.append(
            Problem(
                N_("game: %(name)s is not a game; known: %(known)s"),
                name=name,
                known=", ".join(games.names()),
            )
        )
        return "", {}
    for problem in found.problems(settings):
        problems.append(Problem(N_("game settings: %(problem)s"), problem=problem))
    return name, settings


def zone_info(name: str) -> tzinfo:
    """Return the tzinfo for a zone name: an IANA name, or a fixed offset like '+09:00'."""
    if name[:1] in "+-" and len(name) == 6:
        sign = -1 if name[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[1:3]), minutes=int(name[4:6])))
    return ZoneInfo(name)


def offset_zone(moment: datetime) -> str:
    """Return a fixed offset as a zone name, e.g. '+09:00'."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def to_toml(c: Conditions) -> str:
    """Write conditions back as a TOML condition set file."""
    lines = [
        f"title  = {_quote(c.title)}",
        f"slug   = {_quote(c.slug)}",
        f"goods  = {_quote(c.goods)}",
        f"opens  = {c.opens.isoformat()}",
        f"closes = {c.closes.isoformat()}",
        f"hold_minutes = {c.hold_minutes}",
        f"losing = {c.losing}",
        f"mode   = {_quote(c.mode)}",
        f"draw   = {_quote(c.draw)}",
        f"tilt   = {c.tilt}",
    ]
    if c.timezone:
        lines.append(f"timezone = {_quote(c.timezone)}")
    if c.reveal != "scratch":
        lines.append(f"reveal = {_quote(c.reveal)}")
    if c.reveal_order != REVEAL_ORDERS[0]:
        lines.append(f"reveal_order = {_quote(c.reveal_order)}")
    if c.issue != "paper":
        lines.append(f"issue  = {_quote(c.issue)}")
    if isinstance(c.coupon_expires, datetime):
        lines.append(f"coupon_expires = {c.coupon_expires.isoformat()}")
    elif c.coupon_expires is not None:
        lines.append(f"coupon_expires = {c.coupon_expires}")
    if c.colour:
        lines.append(f"colour = {_quote(c.colour)}")
    if c.logo:
        lines.append(f"logo   = {_quote(c.logo)}")
    if c.shop_email:
        lines.append(f"shop_email = {_quote(c.shop_email)}")
    if c.game and not c.game_settings:
        lines.append(f"game   = {_quote(c.game)}")
    for p in c.prizes:
        lines += [
            "",
            "[[prizes]]",
            f"label = {_quote(p.label)}",
            f"value = {p.value}",
            f"unit  = {_quote(p.unit)}",
            f"count = {p.count}",
        ]
        if p.image:
            lines.append(f"image = {_quote(p.image)}")
    if c.game and c.game_settings:
        lines += ["", "[game]", f"name = {_quote(c.game)}"]
        lines += _toml_table(c.game_settings, "game")
    if c.merit != MeritRules():
        m = c.merit
        lines += ["", "[merit]"] + [
            f"{name} = {getattr(m, name)}"
            for name in (
                "speed",
                "speed_hours_full",
                "speed_hours_zero",
                "purchases",
                "purchases_full",
                "game",
            )
        ]
    return "\n".join(lines) + "\n"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(data, name, limit, problems, where=""):
    value = data.get(name)
    field = where + name
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(N_("%(field)s: required text"), field=field))
        return ""
    if len(value) > limit:
        problems.append(
            Problem(N_("%(field)s: at most %(limit)d characters"), field=field, limit=limit)
        )
    if any(ord(ch) < 32 for ch in value):
        problems.append(Problem(N_("%(field)s: control characters are not allowed"), field=field))
    return value.strip()


def _moment(data, name, problems):
    value = data.get(name)
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        problems.append(
            Problem(
                N_("%(field)s: required date and time, e.g. 2026-12-01T09:00:00+09:00"),
                field=name,
            )
        )
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(Problem(N_("%(field)s: needs a time zone offset, e.g. +09:00"), field=name))
        return None
    return value


def _choice(data, name, allowed, problems, default=None):
    value = data.get(name, default or allowed[0])
    if value not in allowed:
        problems.append(
            Problem(N_("%(field)s: one of %(choices)s"), field=name, choices=", ".join(allowed))
        )
        return default or allowed[0]
    return value


def _zone(data, problems) -> str:
    name = data.get("timezone", "")
    if name == "":
        return ""
    try:
        if not isinstance(name, str) or name.startswith(("/", ".")) or ".." in name:
            raise ValueError
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        problems.append(Problem(N_('timezone: an IANA time zone name, e.g. "Asia/Tokyo"')))
        return ""
    return name


def _whole(data, name, problems, *, default, low, high, where=""):
    value = data.get(name, default)
    field = where + name
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(Problem(N_("%(field)s: must be a whole number"), field=field))
        return default
    if not low <= value <= high:
        problems.append(
            Problem(
                N_("%(field)s: must be between %(low)d and %(high)d"),
                field=field,
                low=low,
                high=high,
            )
        )
        return default
    return value


def _prizes(raw, problems) -> list[Prize]:
    if not isinstance(raw, list) or not raw:
        problems.append(Problem(N_("prizes: at least one [[prizes]] table is required")))
        return []
    prizes = []
    for i, item in enumerate(raw, start=1):
        where = f"prizes[{i}]"
        if not isinstance(item, dict):
            problems.append(
                Problem(
                    N_("%(field)s: must be a table with label, value, unit and count"),
                    field=where,
                )
            )
            continue
        before = len(problems)
        unknown = sorted(set(item) - PRIZE_KNOWN)
        if unknown:
            problems.append(
                Problem(
                    N_("%(field)s: unknown field(s): %(fields)s"),
                    field=where,
                    fields=", ".join(unknown),
                )
            )
        label = _text(item, "label", 60, problems, where=f"{where}.")
        value = _whole(
            item, "value", problems, default=0, low=1, high=10_000_000, where=f"{where}."
        )
        unit = item.get("unit")
        if unit not in UNITS:
            problems.append(
                Problem(
                    N_("%(field)s: one of %(choices)s"),
                    field=f"{where}.unit",
                    choices=", ".join(UNITS),
                )
            )
        elif unit == "percent" and not 1 <= value <= 100:
            problems.append(
                Problem(N_("%(field)s: a percentage between 1 and 100"), field=f"{where}.value")
            )
        count = _whole(
            item, "count", problems, default=0, low=1, high=MAX_SHEETS, where=f"{where}."
        )
        image = _image_name(item, "image", problems, where=f"{where}.")
        if len(problems) == before:
            prizes.append(Prize(label, value, unit, count, image))
    labels = [p.label for p in prizes]
    if len(set(labels)) != len(labels):
        problems.append(Problem(N_("prizes: each label must be different")))
    return prizes


def demo_conditions(now: datetime, days: int = 30) -> Conditions:
    """Return the patent's own example: 100 sheets, open now for `days` days.

    Its words are a Japanese shop's own (the default language's), as a new user's first
    campaign would be: a campaign's content is never translated, only the app around it.
    """
    return Conditions(
        title="DVD-RAM クーポンキャンペーン",
        slug="demo",
        goods="XYZ社の DVD-RAM — 最大25%オフ",
        opens=now - timedelta(minutes=1),
        closes=now + timedelta(days=days),
        prizes=(
            Prize("25%オフ", 25, "percent", 70),
            Prize("20%オフ", 20, "percent", 20),
            Prize("10%オフ", 10, "percent", 10),
        ),
    )


def _toml_table(settings: dict, prefix: str) -> list[str]:
    """Write a game's settings: plain keys, then arrays of tables (quiz questions)."""
    lines, tables = [], []
    for key, value in settings.items():
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            tables.append((key, value))
        else:
            lines.append(f"{key} = {_value(value)}")
    for key, rows in tables:
        for row in rows:
            lines += ["", f"[[{prefix}.{key}]]"]
            lines += [f"{k} = {_value(v)}" for k, v in row.items()]
    return lines


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return str(value)
