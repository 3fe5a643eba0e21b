"""The e-coupon page: value, goods, expiry and a QR code a till can scan."""

from flask import abort, current_app, request, url_for
from flask_babel import gettext as _

from app.lottery import ecoupons as rules
from app.store import attempts, campaigns, ecoupons, get_db
from app.web.responses import now, render

from . import qr
from .blueprint import bp

SCOPE = "coupon-page"


def _address() -> str:
    return request.remote_addr or "unknown"


def ecoupon_url(campaign, tile_no) -> str | None:
    """Return the e-coupon page of a campaign's issue number, if it has an e-coupon."""
    if campaign is None or tile_no is None:
        return None
    found = ecoupons.of_tile(get_db(), campaign.id, int(tile_no))
    return url_for("coupons.show", code=rules.shown(found.code)) if found else None


def page_url(code: str) -> str:
    """Return the absolute URL of a coupon's page (what its QR code holds)."""
    return url_for("coupons.show", code=rules.shown(code), _external=True)


@bp.get("/coupon/<code>")
def show(code):
    """Show one e-coupon: what it is worth, until when, and its QR code."""
    db = get_db()
    moment = now()
    limit = attempts.rule(current_app.config["COUPON_GUESS_LIMIT"])
    if attempts.locked_until(db, SCOPE, None, _address(), moment, limit):
        abort(429, _("Too many unknown coupon codes from your network. Wait and try again."))
    bare = rules.normalise(code, rules.COUPON_LENGTH)
    coupon = ecoupons.by_code(db, bare) if bare else None
    if coupon is None:
        attempts.record_failure(db, SCOPE, "", _address(), moment)
        abort(404, _("There is no coupon with this code. Check the address in your e-mail."))
    campaign = campaigns.by_id(db, coupon.campaign_id)
    page, status = render(
        "coupons/coupon.html",
        campaign=campaign,
        coupon=coupon,
        code=rules.shown(coupon.code),
        verdict=rules.verdict(coupon.state, moment),
        qr=qr.svg(page_url(coupon.code)),
    )
    # The page is the coupon: never kept by a shared cache, never indexed.
    return page, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
