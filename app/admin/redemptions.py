"""A campaign's redemptions at the tills, and undoing one the same day."""

from flask import abort, url_for
from flask_babel import gettext as _

from app.store import audit, get_db, redemptions
from app.web.responses import go, now, render

from .auth import actor
from .blueprint import bp
from .campaigns import campaign_or_404


@bp.get("/campaigns/<slug>/redemptions")
def redemption_list(slug):
    """List the latest checks, redemptions and undos of a campaign's e-coupons."""
    campaign = campaign_or_404(slug)
    moment = now()
    return render(
        "admin/redemptions.html",
        campaign=campaign,
        rows=redemptions.recent(get_db(), campaign.id),
        moment=moment,
        today=moment.astimezone(campaign.tz).date(),
    )


@bp.post("/campaigns/<slug>/redemptions/<int:coupon_id>/undo")
def redemption_undo(slug, coupon_id):
    """Make a coupon redeemed today valid again, and say so in the audit log."""
    campaign = campaign_or_404(slug)
    db, moment = get_db(), now()
    coupon = redemptions.undo(db, coupon_id, actor(), moment)
    if coupon is None or coupon.campaign_id != campaign.id:
        abort(409, _("Only a redemption made today can be undone."))
    audit.record(
        db, actor(), "undid redemption", moment, campaign.id, f"issue no. {coupon.tile_no}"
    )
    return go(url_for(".redemption_list", slug=slug))
