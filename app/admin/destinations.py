"""The destination list: search and paging, CSV and XLSX export, paper coupons, mark issued."""

import time

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _

from app.export import labelled, to_csv, to_xlsx, zoned
from app.store import audit, get_db, issue
from app.store import destinations as destination_list
from app.web.responses import go, now, render

from . import files
from .auth import actor
from .blueprint import bp
from .campaigns import campaign_or_404
from .files import NOT_READY

PAGE_SIZE = 50


@bp.get("/campaigns/<slug>/destinations")
def destinations(slug):
    """Show one page of the destination list, searched by name or e-mail."""
    campaign = campaign_or_404(slug)
    db = get_db()
    query = request.args.get("q", "").strip()[:100]
    after = request.args.get("after", 0, type=int)
    rows, more = issue.page(db, campaign.id, query, max(after, 0), PAGE_SIZE)
    return render(
        "admin/destinations.html",
        block="rows" if request.htmx and request.htmx.target == "rows" else None,
        campaign=campaign,
        ready=campaign.phase(now()) == "ended",
        rows=rows,
        more=more,
        query=query,
        after=after,
        total=issue.count(db, campaign.id, query),
        coupons=(everyone := issue.count(db, campaign.id)),
        # Longer lists are exported by a background job (an XLSX of 100,000 rows: 12 s).
        inline=everyone <= current_app.config["EXPORT_INLINE_ROWS"],
        jobs=files.latest(campaign),
        batch_size=files.COUPON_BATCH,
        issued=issue.issued_count(db, campaign.id),
    )


@bp.get("/campaigns/<slug>/destinations.csv")
def export_csv(slug):
    """Download the destination list as CSV that Excel opens as UTF-8."""
    campaign = campaign_or_404(slug)
    db = get_db()
    _inline_or_409(db, campaign)
    started = time.perf_counter()
    invite = campaign.mode == "invite"
    text = to_csv(*_table(db, campaign, invite), bom=True)
    _exported(campaign, "csv", started)
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}.csv"'},
    )


@bp.get("/campaigns/<slug>/destinations.xlsx")
def export_xlsx(slug):
    """Download the destination list as an Excel workbook."""
    campaign = campaign_or_404(slug)
    _inline_or_409(get_db(), campaign)
    started = time.perf_counter()
    invite = campaign.mode == "invite"
    data = to_xlsx(*_table(get_db(), campaign, invite), campaign.slug)
    _exported(campaign, "xlsx", started)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}.xlsx"'},
    )


@bp.post("/campaigns/<slug>/issued")
def mark_issued(slug):
    """Mark all coupons, or the selected ones, as issued."""
    campaign = campaign_or_404(slug)
    moment = now()
    if campaign.phase(moment) != "ended":
        abort(409, str(NOT_READY))
    if request.form.get("all") == "yes":
        numbers = None
    else:
        raw = request.form.getlist("no")
        if not raw or not all(n.isascii() and n.isdigit() and len(n) < 8 for n in raw):
            abort(400, _("Select the coupons to mark as issued."))
        numbers = sorted({int(n) for n in raw})
    db = get_db()
    marked = issue.mark_issued(db, campaign.id, moment, numbers)
    detail = f"{len(marked)} coupons" + (f": nos. {_ranges(marked)}" if marked else "")
    audit.record(db, actor(), "marked issued", moment, campaign.id, detail)
    return go(url_for("admin.destinations", slug=slug))


def _inline_or_409(db, campaign) -> None:
    if issue.count(db, campaign.id) > current_app.config["EXPORT_INLINE_ROWS"]:
        abort(409, _("This list is long: export it in the background from the destination list."))


def _table(db, campaign, invite: bool):
    """Return the admin's export: headers in their language, times in the campaign's zone."""
    header = destination_list.header(issued=True, invite=invite)
    rows = destination_list.rows(db, campaign.id, issued=True, invite=invite)
    return labelled(header), zoned(header, rows, campaign.tz)


def _exported(campaign, fmt: str, started: float) -> None:
    ms = (time.perf_counter() - started) * 1000
    audit.record(get_db(), actor(), f"exported {fmt}", now(), campaign.id, f"{ms:.0f} ms")


def _ranges(numbers: list[int]) -> str:
    """Write 1, 2, 3, 7 as '1-3, 7', so marking 100,000 coupons makes a short audit line."""
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
