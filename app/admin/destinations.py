"""The destination list: search and paging, CSV and XLSX export, paper coupons, mark issued."""

import time

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.export import to_csv, to_xlsx
from app.lottery.coupons import coupon_code
from app.store import audit, get_db, issue
from app.store import destinations as destination_list
from app.views import go, now, render

from . import bp
from .auth import actor
from .campaigns import campaign_or_404
from .printing import Coupon, coupons_pdf

PAGE_SIZE = 50
# Coupons per PDF: about 5 s and 1.2 MB each, so a printer and a browser both cope.
COUPON_BATCH = 1000
NOT_READY = _l("Coupons can be issued once the campaign has ended: the list is final then.")


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
        batches=range(1, -(-everyone // COUPON_BATCH) + 1),
        batch_size=COUPON_BATCH,
        issued=issue.issued_count(db, campaign.id),
    )


@bp.get("/campaigns/<slug>/destinations.csv")
def export_csv(slug):
    """Download the destination list as CSV that Excel opens as UTF-8."""
    campaign = campaign_or_404(slug)
    db = get_db()
    started = time.perf_counter()
    text = to_csv(
        destination_list.ISSUE_HEADER, destination_list.rows(db, campaign.id, issued=True), bom=True
    )
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
    started = time.perf_counter()
    data = to_xlsx(
        destination_list.ISSUE_HEADER,
        destination_list.rows(get_db(), campaign.id, issued=True),
        campaign.slug,
    )
    _exported(campaign, "xlsx", started)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{campaign.slug}.xlsx"'},
    )


@bp.get("/campaigns/<slug>/coupons.pdf")
def coupons(slug):
    """Download one batch of paper coupons, one per destination, ready for mailing."""
    campaign = campaign_or_404(slug)
    if campaign.phase(now()) != "ended":
        abort(409, str(NOT_READY))
    raw = request.args.get("batch", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 0
    db = get_db()
    rows = issue.batch(db, campaign.id, number, COUPON_BATCH) if number >= 1 else []
    if not rows:
        abort(404, _("There is no such batch of coupons."))
    key = current_app.secret_key.encode()
    items = [
        Coupon(
            d.issue_no,
            d.name,
            d.address,
            d.coupon,
            coupon_code(key, campaign.id, d.issue_no),
            postal_code=d.postal_code,
        )
        for d in rows
    ]
    pdf = coupons_pdf(campaign.title, campaign.goods, items, current_app.config["COUPON_FONT"])
    first, last = items[0].issue_no, items[-1].issue_no
    detail = f"batch {number}: {len(items)} coupons, issue no. {first}-{last}"
    audit.record(db, actor(), "printed coupons", now(), campaign.id, detail)
    name = f"{campaign.slug}-coupons-{number}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
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
