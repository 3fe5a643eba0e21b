"""Paper coupons and large exports, made by background jobs and kept as files to download.

A print run of 100,000 coupons or an XLSX of 100,000 rows takes minutes or seconds that no
web worker should spend inside a request. The job keeps its files in the database, by job
id and part, so they outlive a restart and any app host serves any download; the admin
downloads them from the destination list, and every download is audited.
"""

import io
import json
import logging
import time

from flask import abort, current_app, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import jobs
from app.export import labelled, to_csv, to_xlsx, zoned
from app.store import audit, campaigns, get_db, issue
from app.store import destinations as destination_list
from app.store import jobs as job_store
from app.web.i18n import current_language
from app.web.responses import go, now

from .auth import actor
from .blueprint import bp
from .campaigns import campaign_or_404
from .printing import Coupon, code_for, coupons_pdf

log = logging.getLogger(__name__)
PRINT = "print-coupons"
NOT_READY = _l("Coupons can be issued once the campaign has ended: the list is final then.")
EXPORT = "export-destinations"
KINDS = (PRINT, EXPORT)
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
# Coupons per PDF: about 5 s and 1.2 MB each, so a printer and a browser both cope.
COUPON_BATCH = 1000


def queue(kind: str, campaign, fmt: str) -> int:
    """Queue a print run or an export of a campaign; the same unfinished job is reused."""
    payload = json.dumps({"format": fmt, "language": current_language()})
    db = get_db()
    job_id = job_store.enqueue(db, kind, campaign.id, now(), payload=payload, unique=False)
    what = "queued coupons" if kind == PRINT else f"queued export {fmt}"
    audit.record(db, actor(), what, now(), campaign.id, f"job {job_id}")
    return job_id


def latest(campaign) -> dict:
    """Return the newest print run and export of a campaign with what each made, by kind."""
    db = get_db()
    found = {}
    for kind in KINDS:
        job = job_store.latest(db, kind, campaign.id)
        if job is not None:
            found[kind] = (job, json.loads(job.result) if job.result else None)
    return found


@jobs.handler(PRINT)
def print_coupons(job, report) -> str:
    """Lay out every coupon of a campaign, one PDF per batch of COUPON_BATCH."""
    options = json.loads(job.payload or "{}")
    db = get_db()
    campaign = campaigns.by_id(db, job.campaign_id)
    total = issue.count(db, campaign.id)
    started = time.perf_counter()
    files = []
    with force_locale(options.get("language") or "ja"):
        for number in range(1, -(-total // COUPON_BATCH) + 1):
            rows = issue.batch(db, campaign.id, number, COUPON_BATCH)
            if not rows:
                break
            items = [
                Coupon(
                    d.tile_no,
                    d.name,
                    d.address,
                    d.coupon,
                    code_for(campaign.id, d.tile_no),
                    postal_code=d.postal_code,
                )
                for d in rows
            ]
            font = current_app.config["COUPON_FONT"]
            pdf = coupons_pdf(campaign.title, campaign.goods, items, font)
            job_store.save_file(db, job.id, number, pdf)
            first, last = items[0].tile_no, items[-1].tile_no
            files.append(
                {"name": f"{campaign.slug}-coupons-{number}.pdf", "first": first, "last": last}
            )
            report(min(number * COUPON_BATCH, total), total)
    seconds = time.perf_counter() - started
    log.info(
        "coupons printed",
        extra={
            "campaign": campaign.slug,
            "job": job.id,
            "coupons": total,
            "seconds": round(seconds, 1),
        },
    )
    return json.dumps({"files": files, "format": "pdf"})


@jobs.handler(EXPORT)
def export_destinations(job, report) -> str:
    """Write the destination list as one CSV or XLSX file."""
    options = json.loads(job.payload or "{}")
    fmt = options.get("format", "xlsx")
    db = get_db()
    campaign = campaigns.by_id(db, job.campaign_id)
    total = issue.count(db, campaign.id)
    started = time.perf_counter()

    def counted(rows):
        for n, row in enumerate(rows, 1):
            if n % 5000 == 0:
                report(n, total)
            yield row

    invite = campaign.mode == "invite"
    keys = destination_list.header(issued=True, invite=invite)
    rows = destination_list.rows(db, campaign.id, issued=True, invite=invite)
    rows = counted(zoned(keys, rows, campaign.tz))
    with force_locale(options.get("language") or "ja"):  # headers in the asker's language
        header = labelled(keys)
    if fmt == "csv":
        data = to_csv(header, rows, bom=True).encode("utf-8")
    else:
        data = to_xlsx(header, rows, campaign.slug)
    job_store.save_file(db, job.id, 1, data)
    report(total, total)
    seconds = time.perf_counter() - started
    log.info(
        "destinations exported",
        extra={
            "campaign": campaign.slug,
            "job": job.id,
            "format": fmt,
            "rows": total,
            "seconds": round(seconds, 1),
        },
    )
    return json.dumps({"files": [{"name": f"{campaign.slug}.{fmt}", "rows": total}], "format": fmt})


@bp.post("/campaigns/<slug>/coupons")
def print_run(slug):
    """Queue the print run of every coupon; the destination list shows its progress."""
    campaign = campaign_or_404(slug)
    if campaign.phase(now()) != "ended":
        abort(409, str(NOT_READY))
    queue(PRINT, campaign, "pdf")
    return go(url_for(".destinations", slug=slug))


@bp.post("/campaigns/<slug>/exports")
def export(slug):
    """Queue an export of the destination list as CSV or XLSX."""
    campaign = campaign_or_404(slug)
    fmt = request.form.get("format", "xlsx")
    if fmt not in ("csv", "xlsx"):
        abort(400, _("Choose CSV or XLSX."))
    queue(EXPORT, campaign, fmt)
    return go(url_for(".destinations", slug=slug))


@bp.get("/jobs/<int:job_id>/files/<int:part>")
def download(job_id, part):
    """Download one file a finished job made."""
    db = get_db()
    job = job_store.get(db, job_id)
    if job is None or job.kind not in KINDS or job.state != "done" or not job.result:
        abort(404, _("There is no such file."))
    result = json.loads(job.result)
    files = result.get("files", [])
    if not 1 <= part <= len(files):
        abort(404, _("There is no such file."))
    fmt = result.get("format", "pdf")
    data = job_store.read_file(db, job.id, part)
    if data is None:
        abort(410, _("This file is gone: make it again."))
    detail = f"job {job.id}, file {part}: {files[part - 1]['name']}"
    audit.record(db, actor(), f"downloaded {fmt}", now(), job.campaign_id, detail)
    log.info("job file downloaded", extra={"job": job.id, "part": part, "format": fmt})
    return send_file(
        io.BytesIO(data),
        mimetype=FORMATS[fmt],
        as_attachment=fmt != "pdf",
        download_name=files[part - 1]["name"],
        max_age=0,
    )
