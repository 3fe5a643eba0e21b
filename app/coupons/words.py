"""The sentences a till shows for each outcome of a check or a redemption."""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.store import campaigns, get_db
from app.web.i18n import format_moment, format_value


def code_groups(shown: str) -> Markup:
    """Return a dash-grouped code as HTML that may wrap between groups, never inside one."""
    groups = [f'<span class="code-group">{escape(g)}</span>' for g in shown.split("-")]
    return Markup("-<wbr>".join(groups))  # noqa: S704  (every group passed through escape)


def value_of(coupon) -> str:
    """Return a coupon's value as people read it: 25% off, ¥500, 100 points."""
    return format_value(coupon.value, coupon.unit)


def outcome_line(outcome) -> str:
    """Return one sentence for a check's or redemption's outcome."""
    coupon = outcome.coupon
    if outcome.result == "unknown" or coupon is None:
        return _("Unknown code: no coupon has this code.")
    zone = campaigns.by_id(get_db(), coupon.campaign_id).tz
    value = value_of(coupon)
    if outcome.result in ("redeemed", "replayed"):
        return _("Redeemed: %(value)s (%(label)s).", value=value, label=coupon.label)
    if outcome.result == "valid":
        return _("Valid: %(value)s (%(label)s).", value=value, label=coupon.label)
    if outcome.result == "used":
        return _(
            "Already used on %(time)s at %(till)s.",
            time=format_moment(coupon.redeemed_at, zone, named=True),
            till=coupon.redeemed_till or "?",
        )
    return _("Expired on %(time)s.", time=format_moment(coupon.expires_at, zone, named=True))
