"""The live monitor: remaining tiles per value and what became of every draw, polled cheaply."""

import zlib
from datetime import UTC, timedelta

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

import games
from app.lottery.values import STATES, per_unit
from app.store import accounting, batch, claims, get_db, plays
from app.store import monitor as figures
from app.web.i18n import format_value, translate
from app.web.responses import now, render

from . import charts, timeline
from .blueprint import bp
from .campaigns import campaign_or_404

# The "last minute" and "time left" figures move with the clock alone, so the poll's
# fingerprint includes the clock in steps of this many seconds.
CLOCK_STEP = 10
UNIT_NAMES = {"percent": _l("percent off"), "yen": _l("yen"), "points": _l("points")}
MEAN_PER_BAND = {
    "percent": _l("Mean discount a draw gave per score band (percent off)"),
    "yen": _l("Mean yen a draw gave per score band"),
    "points": _l("Mean points a draw gave per score band"),
}
DRAWS_PER = {
    "minute": _l("Draws per minute (UTC)"),
    "hour": _l("Draws per hour (UTC)"),
    "day": _l("Draws per day (UTC)"),
}


@bp.get("/campaigns/<slug>")
def monitor(slug):
    """Show a campaign's live figures; a poll gets 204 when nothing changed since `v`."""
    campaign = campaign_or_404(slug)
    db = get_db()
    moment = now()
    phase = campaign.phase(moment)
    if phase == "open" and claims.expire_due(db, campaign, moment):
        campaign = campaign_or_404(slug)
    tag = etag(db, campaign.id, moment, phase)
    if request.htmx and request.args.get("v") == tag:
        return "", 204
    if tag in request.if_none_match:
        return "", 304
    html, status = render(
        "admin/monitor.html",
        block="monitor",
        campaign=campaign,
        phase=phase,
        tag=tag,
        **read(db, campaign, moment),
    )
    return html, status, {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}


def etag(db, campaign_id: int, moment, phase: str) -> str:
    """Return the fingerprint of everything the monitor shows."""
    version, ended_at, closes, opens, newest = figures.signal(db, campaign_id)
    tick = int(moment.timestamp()) // CLOCK_STEP if phase != "ended" else "end"
    period = zlib.crc32(f"{ended_at}|{closes}|{opens}|{plays.signal(db, campaign_id)}".encode())
    return f"{version}-{newest or 0}-{tick}-{period:x}"


def read(db, campaign, moment) -> dict:
    """Gather every figure and draw both charts."""
    per_prize, lost, losing_total = figures.per_prize(db, campaign.id)
    until = min(moment, campaign.closes, campaign.ended_at or campaign.closes).astimezone(UTC)
    bucket, start, end = timeline.window(campaign.opens.astimezone(UTC), until)
    bounds = timeline.edges(bucket, start, end)
    series = timeline.columns(bucket, bounds, figures.claims_between(db, campaign.id, bounds))
    left = campaign.closes - moment
    units = per_unit(per_prize)
    return {
        "per_prize": per_prize,
        "per_unit": [(UNIT_NAMES[f.unit], {s: worth(f, s) for s in STATES}) for f in units],
        "issued": " · ".join(issued(f) for f in units),
        "remaining": sum(p.free for p in per_prize) + (losing_total - lost),
        "lost": lost,
        "losing_total": losing_total,
        "states": figures.entry_states(db, campaign.id),
        "asked": batch.asked(db, campaign.id) if campaign.draw == "batch" else None,
        "last_minute": figures.claims_since(db, campaign.id, moment - timedelta(minutes=1)),
        "time_left": left if left > timedelta(0) else None,
        "remaining_chart": charts.hbar_chart(
            _("Tiles left per prize"),
            [(p.label, p.free, p.count) for p in per_prize]
            + (
                [(_("no prize (losing)"), losing_total - lost, losing_total)]
                if losing_total
                else []
            ),
        ),
        "claims_chart": charts.column_chart(
            str(DRAWS_PER[bucket]),
            series,
            count=lambda n: ngettext("%(num)d draw", "%(num)d draws", n),
            empty=_("No draws yet"),
        ),
        "game": game_figures(db, campaign, [f.unit for f in units]),
        "refused": accounting.refused_addresses(db, campaign.id),
    }


def worth(figures, state: str) -> str:
    """Say what one unit's coupons in `state` are worth: ¥12,000 in 24 coupons, or 3 coupons."""
    n = figures.coupons[state]
    coupons = ngettext("%(num)d coupon", "%(num)d coupons", n)
    if figures.value is None:
        return coupons
    value = format_value(figures.value[state], figures.unit)
    return _("%(value)s in %(coupons)s", value=value, coupons=coupons)


def issued(figures) -> str:
    """Say the value confirmed in one unit: an amount for yen and points, a count for percent."""
    if figures.value is None:
        n = figures.coupons["confirmed"]
        return ngettext("%(num)d percent-off coupon", "%(num)d percent-off coupons", n)
    return format_value(figures.value["confirmed"], figures.unit)


def game_figures(db, campaign, units: list[str]) -> dict | None:
    """Show what the campaign's mini-game did: scores per band, and the value each drew,
    one mean and one chart per unit of the campaign's prizes."""
    found = campaign.settings.game_setting
    if found is None:
        return None
    try:
        title = translate(games.get(found[0]).title)
    except games.UnknownGame:
        title = found[0]
    distribution = plays.scores(db, campaign.id)
    bands = plays.value_by_band(db, campaign.id)
    names = [f"{b.low}–{b.high}" for b in bands]
    return {
        "title": title,
        "bands": bands,
        "finished": distribution["finished"],
        "unfinished": distribution["unfinished"],
        "scores_chart": charts.band_chart(
            _("Plays per score band"),
            [(n, b.plays) for n, b in zip(names, distribution["bands"], strict=True)],
            say=lambda n: ngettext("%(num)d play", "%(num)d plays", int(n)),
            empty=_("No finished plays yet"),
        ),
        "means": {
            b.low: " · ".join(format_value(round(m, 1), u) for u, m in b.means.items()) or "—"
            for b in bands
        },
        "values_charts": [
            charts.band_chart(
                str(MEAN_PER_BAND[unit]),
                [(n, b.means.get(unit)) for n, b in zip(names, bands, strict=True)],
                say=lambda v, unit=unit: format_value(round(v, 1), unit),
                empty=_("No draws by players yet"),
            )
            for unit in units
        ],
    }
