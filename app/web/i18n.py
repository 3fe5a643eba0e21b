"""Languages: which one a person reads, the 日本語 / English switch, and Babel formatting.

The language comes from, in order: the switch (a `lang` cookie), the invited candidate's
language (`g.candidate_language`, set by whoever knows it), the browser's Accept-Language,
and otherwise Japanese. Outside a request (the command line) the POSIX locale variables
stand in for the browser.
"""

import os
from datetime import UTC, datetime, tzinfo
from functools import lru_cache

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_decimal
from flask import Blueprint, abort, g, has_request_context, redirect, request, url_for
from flask_babel import Babel, get_locale, gettext, ngettext

from app.lottery.conditions import zone_info
from app.lottery.messages import Problem
from app.web import paths
from app.web.responses import local_path

SUPPORTED = ("ja", "en")
DEFAULT = "ja"
COOKIE = "lang"
COOKIE_DAYS = 365
# One pattern per language: Japanese reads 2026年12月1日 9:00, English Dec 1, 2026, 9:00 AM.
MOMENT = {"ja": "y年M月d日 H:mm", "en": "MMM d, y, h:mm a"}
# With the zone named, for a customer who may read it anywhere: 2027年1月3日 0:00 JST.
ZONED = {"ja": "y年M月d日 H:mm z", "en": "MMM d, y, h:mm a zzzz"}

bp = Blueprint("i18n", __name__)


def init_app(app) -> None:
    """Bind Flask-Babel, the switch route, the Vary headers and the template helpers."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", paths.data("translations"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    Babel(app, locale_selector=_selected_locale)
    app.register_blueprint(bp)
    app.after_request(vary)
    app.jinja_env.filters.update(moment=format_moment, value=format_value, iso=iso_moment)
    # The pure rules and games give English sentences that know their message id: every
    # template shows them in the reader's language.
    app.jinja_env.finalize = translate
    app.jinja_env.globals.update(
        format_moment=format_moment,
        format_value=format_value,
        switch_language_url=switch_language_url,
        translate=translate,
        translate_stored=translate_stored,
        utc=UTC,
        zone=zone_info,
    )
    app.context_processor(lambda: {"current_locale": current_language()})


@lru_cache(maxsize=16)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def _selected_locale() -> Locale:
    # Flask-Babel parses what the selector returns into a Locale on each request (about
    # 7 µs); a Locale it is given is used as it is, and there are only SUPPORTED of them.
    return _locale(select_language())


def _supported(code) -> str | None:
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in SUPPORTED else None


def select_language() -> str:
    """Pick the language: the switch, the candidate's, the browser's, else Japanese."""
    candidate = _supported(g.get("candidate_language")) if g else None
    if not has_request_context():
        return candidate or _from_environment() or DEFAULT
    return (
        _supported(request.cookies.get(COOKIE))
        or candidate
        or request.accept_languages.best_match(SUPPORTED)
        or DEFAULT
    )


def _from_environment() -> str | None:
    # gettext's own order; "C" and "POSIX" name no language, so Japanese stays the default.
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return _supported(value.split(":")[0])
    return None


def current_language() -> str:
    """Return the code of the language being used now: "ja" or "en"."""
    locale = get_locale()
    # No app context at all: gettext then answers with the English msgids, so match them.
    return locale.language if locale is not None else "en"


@bp.get("/lang/<code>")
def switch(code):
    """Remember the chosen language in a cookie and go back to the page it was chosen on."""
    if code not in SUPPORTED:
        abort(404)
    target = request.args.get("next")
    response = redirect(target if local_path(target) else url_for("home.index"), 303)
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_DAYS * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    return response


def switch_language_url(code: str) -> str:
    """Return the switch link to `code` that comes back to the page being shown."""
    if request.method == "GET":
        here = request.full_path.rstrip("?")
    else:
        # A page answering a form post: going back means the page the form was on.
        here = request.referrer or ""
        if request.host_url and here.startswith(request.host_url):
            here = "/" + here[len(request.host_url) :]
    return url_for("i18n.switch", code=code, next=here if local_path(here) else None)


VARY = "Accept-Language, Cookie"


def vary(response):
    """Tell caches that pages depend on the language, and fragments on htmx."""
    headers = response.headers
    if headers.get("Content-Type", "").partition(";")[0].strip().lower() != "text/html":
        return response
    # Most answers have no Vary yet: the header is written whole, not parsed and rebuilt.
    # (Looked for in one pass: Headers' `in` raises and catches an exception when absent.)
    if not any(k.lower() == "vary" for k, _ in headers):
        htmx = getattr(request, "htmx", None)
        headers["Vary"] = f"{VARY}, HX-Request" if htmx else VARY
        return response
    response.vary.update(("Accept-Language", "Cookie"))
    if getattr(request, "htmx", None):
        response.vary.add("HX-Request")
    return response


def translate_stored(message, params: dict | None = None) -> str:
    """Translate a problem kept as its message and parameters (a job's JSON summary)."""
    if isinstance(message, list):  # [message, params] as stored
        message, params = message
    return gettext(message, **(params or {}))


def translate(text: str) -> str:
    """Return a pure rule's Problem in the current language; other text as it is."""
    if isinstance(text, Problem):
        return gettext(text.message, **{k: translate(v) for k, v in text.params.items()})
    return text


def format_moment(moment: datetime, zone: tzinfo | None = None, named: bool = False) -> str:
    """Render a date and time in `zone` (else its own), in the current language; `named`
    adds the zone's name (JST, Japan Standard Time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    zone = zone or moment.tzinfo
    language = current_language()
    pattern = (ZONED if named else MOMENT)[language]
    return format_datetime(moment, pattern, tzinfo=zone, locale=language)


def iso_moment(moment: datetime, zone: tzinfo | None = None) -> str:
    """Render a moment as ISO 8601 in `zone`, with its offset and no fraction of a second."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone or UTC).isoformat(timespec="seconds")


def format_value(value: float, unit: str) -> str:
    """Render a prize value: ¥1,000 or 1,000円, 25% off or 25%オフ, 100 points or 100ポイント.

    A mean may have a fraction (12.5 points); the plural forms know whole numbers only, and a
    fraction reads as the plural in English.
    """
    number = format_decimal(value, locale=current_language())
    count = int(value) if value == int(value) else 2
    if unit == "yen":
        return gettext("¥%(number)s", number=number)
    if unit == "percent":
        return gettext("%(number)s%% off", number=number)
    if unit == "points":
        return ngettext("%(number)s point", "%(number)s points", count, number=number)
    return number
