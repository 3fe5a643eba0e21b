"""The shop's own promotion: a campaign's poster (A4) and flier (A5) to print."""

from flask import Response, abort, current_app, url_for
from flask_babel import gettext as _

from app.store import audit, campaigns, get_db
from app.web.i18n import format_moment
from app.web.responses import now

from .auth import actor
from .blueprint import bp
from .campaigns import campaign_or_404
from .poster import SIZES, Poster, poster_pdf


def poster_of(campaign) -> Poster:
    """Return what the poster says: the goods, the coupons, the period and the address."""
    prizes = [  # the label already says what a coupon is worth ("25%オフ")
        _("%(label)s × %(count)s", label=p.label, count=p.count)
        for p in campaigns.prizes(get_db(), campaign.id).values()
    ]
    period = _(
        "From %(opens)s to %(closes)s",
        opens=format_moment(campaign.opens, campaign.tz, named=True),
        closes=format_moment(campaign.closes, campaign.tz, named=True),
    )
    url = url_for("board.show", slug=campaign.slug, _external=True)
    return Poster(campaign.title, campaign.goods, prizes, period, url)


@bp.get("/campaigns/<slug>/poster-<size>.pdf")
def poster(slug, size):
    """Download the campaign's poster (a4) or flier (a5) as a PDF to print."""
    campaign = campaign_or_404(slug)
    if size not in SIZES:
        abort(404, _("There is no such paper size."))
    if campaign.mode == "invite":
        abort(409, _("An invitation campaign is for invited candidates only: it has no poster."))
    pdf = poster_pdf(poster_of(campaign), size, current_app.config.get("COUPON_FONT"))
    audit.record(get_db(), actor(), f"printed poster {size}", now(), campaign.id)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{slug}-poster-{size}.pdf"'},
    )
