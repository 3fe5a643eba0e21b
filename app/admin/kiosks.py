"""Kiosks of a campaign: register one (a one-time setup link), revoke one, print tickets."""

from flask import Response, abort, current_app, request, url_for
from flask_babel import gettext as _

from app.coupons.qr import svg
from app.lottery import ecoupons as rules
from app.store import audit, get_db, kiosks
from app.web.keys import derive
from app.web.responses import go, now, render

from .auth import actor, forbid_unless
from .blueprint import bp
from .campaigns import campaign_or_404
from .tickets_pdf import tickets_pdf

MAX_TICKETS = 500  # one batch: ten A4 pages, a couple of seconds to lay out


def setup_key() -> bytes:
    return derive("kiosk-setup")


def _page(campaign, status=200, link=None, message=None):
    db = get_db()
    return render(
        "admin/kiosks.html",
        status=status,
        campaign=campaign,
        kiosks=kiosks.of_campaign(db, campaign.id),
        batches=kiosks.batches(db, campaign.id),
        link=link,
        link_qr=svg(link) if link else None,  # the tablet's camera opens it: no typing
        message=message,
        max_tickets=MAX_TICKETS,
        moment=now(),
    )


@bp.get("/campaigns/<slug>/kiosks")
def kiosk_list(slug):
    """List a campaign's kiosks and ticket batches."""
    return _page(campaign_or_404(slug))


@bp.post("/campaigns/<slug>/kiosks")
def kiosk_register(slug):
    """Register a kiosk and show its one-time setup link, once."""
    campaign = campaign_or_404(slug)
    forbid_unless(
        campaign.strategy in ("pick", "next") and campaign.mode != "invite",
        _("Kiosks draw from boards and speed lotteries only."),
    )
    name = (request.form.get("name") or "").strip()[:60]
    store = (request.form.get("store") or "").strip()[:120]
    if not name or not store:
        return _page(campaign, 422, message=_("Give the kiosk a name and its store."))
    db, moment = get_db(), now()
    kiosk_id, token = kiosks.register(db, campaign.id, name, store, setup_key(), moment)
    audit.record(db, actor(), "registered kiosk", moment, campaign.id, f"{kiosk_id}: {name}")
    link = url_for("kiosk.setup", kiosk_id=kiosk_id, token=token, _external=True)
    return _page(campaign, 201, link=link)


@bp.post("/campaigns/<slug>/kiosks/<int:kiosk_id>/revoke")
def kiosk_revoke(slug, kiosk_id):
    """Switch a kiosk off: its next request is refused."""
    campaign = campaign_or_404(slug)
    db, moment = get_db(), now()
    found = kiosks.get(db, kiosk_id)
    if found is None or found.campaign_id != campaign.id:
        abort(404, _("There is no such kiosk."))
    if kiosks.revoke(db, kiosk_id, moment):
        audit.record(db, actor(), "revoked kiosk", moment, campaign.id, f"{kiosk_id}: {found.name}")
    return go(url_for(".kiosk_list", slug=slug))


@bp.post("/campaigns/<slug>/tickets")
def tickets_create(slug):
    """Create a batch of single-use draw tickets."""
    campaign = campaign_or_404(slug)
    raw = request.form.get("count", "")
    count = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 6 else 0
    if not 1 <= count <= MAX_TICKETS:
        return _page(campaign, 422, message=_("Tickets: from 1 to %(n)d at a time.", n=MAX_TICKETS))
    db, moment = get_db(), now()
    number = kiosks.make_tickets(db, campaign.id, count, moment)
    audit.record(db, actor(), "made draw tickets", moment, campaign.id, f"batch {number}: {count}")
    return go(url_for(".kiosk_list", slug=slug))


@bp.get("/campaigns/<slug>/tickets/<int:batch>.pdf")
def tickets_print(slug, batch):
    """Download one batch of draw tickets as an A4 PDF to print and cut."""
    campaign = campaign_or_404(slug)
    db = get_db()
    codes = kiosks.batch_codes(db, campaign.id, batch)
    if not codes:
        abort(404, _("There is no such batch of tickets."))

    pdf = tickets_pdf(
        campaign.title, campaign.goods, [rules.shown(c) for c in codes],
        current_app.config.get("COUPON_FONT"),
    )  # fmt: skip
    audit.record(db, actor(), "printed draw tickets", now(), campaign.id, f"batch {batch}")
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{slug}-tickets-{batch}.pdf"',
            "Cache-Control": "no-store",
        },
    )
