"""Invitations of one campaign: send them in the background, watch, resend one; the outbox."""

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from app import mail
from app.invite import sending
from app.store import audit, get_db, jobs, outbox
from app.store import invitations as invites
from app.web.responses import go, now, render

from .auth import actor
from .blueprint import bp
from .campaigns import campaign_or_404

PAGE_SIZE = 50


def _invite_campaign(slug: str):
    campaign = campaign_or_404(slug)
    if campaign.mode != "invite":
        abort(404, _("This campaign takes no invitations."))
    return campaign


@bp.get("/campaigns/<slug>/invitations")
def invitations(slug):
    """Show who is invited, how their mail went, and the sending progress."""
    campaign = _invite_campaign(slug)
    db = get_db()
    after = max(request.args.get("after", 0, type=int), 0)
    rows = invites.page(db, campaign.id, after, PAGE_SIZE + 1)
    return render(
        "admin/invitations.html",
        campaign=campaign,
        counts=invites.counts(db, campaign.id),
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        job=jobs.latest(db, sending.KIND, campaign.id),
        outbox=not current_app.config.get("MAIL_SERVER"),
    )


@bp.post("/campaigns/<slug>/invitations/send")
def send_invitations(slug):
    """Start sending every queued invitation in the background."""
    campaign = _invite_campaign(slug)
    db = get_db()
    _require_public_url()
    jobs.enqueue(db, sending.KIND, campaign.id, now(), payload="")
    audit.record(db, actor(), "sent invitations", now(), campaign.id, "")
    return go(url_for(".invitations", slug=slug))


@bp.post("/campaigns/<slug>/invitations/<int:invitation_id>/resend")
def resend(slug, invitation_id):
    """Send one invitation again with a new password; the old one stops working."""
    campaign = _invite_campaign(slug)
    db = get_db()
    found = invites.by_id(db, invitation_id)
    if found is None or found.campaign_id != campaign.id:
        abort(404, _("There is no such invitation."))
    _require_public_url()
    if not invites.requeue(db, invitation_id):
        abort(409, _("This invitation is being sent right now."))
    jobs.enqueue(db, sending.KIND, campaign.id, now(), payload="")
    audit.record(db, actor(), "resent invitation", now(), campaign.id, found.login_id)
    return go(url_for(".invitations", slug=slug))


@bp.get("/outbox")
def outbox_page():
    """Read the mail kept in the database when no mail server is configured."""
    before = request.args.get("before", type=int)
    rows = outbox.page(get_db(), before, PAGE_SIZE)
    return render("admin/outbox.html", rows=rows, total=outbox.count(get_db()))


def _require_public_url() -> None:
    """Refuse to send mail whose links would come from the request's Host header."""
    try:
        mail.public_url()
    except mail.NoPublicUrl:
        abort(
            409,
            _(
                "Set PUBLIC_URL (the site's address, e.g. https://kuji.example.jp) before"
                " sending invitations: their links use it."
            ),
        )
