"""Tell the shop once when a campaign sells out or its period ends: at the campaign's own
`shop_email` (its condition set), else at the app's SHOP_EMAIL setting.

The mail holds the counts and a link to the destination list, never a person's data: the
list itself stays behind the admin's sign-in.
"""

import logging

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app import mail
from app.store import campaigns, get_db, notices

log = logging.getLogger(__name__)


def run_due(now) -> list[str]:
    """Send every notice that is due; return the slugs of the campaigns the shop was told of."""
    fallback = current_app.config.get("SHOP_EMAIL")
    db = get_db()
    told = []
    for campaign_id, own in notices.due(db, now):
        address = own or fallback
        if not address:
            continue  # nobody to tell: stays due, for an address set later
        if not notices.claim(db, campaign_id, now):
            continue  # another worker took it
        campaign = campaigns.by_id(db, campaign_id)
        try:
            mail.send(address, *message(campaign, now))
        except mail.MailError:
            notices.release(db, campaign_id)
            log.warning("shop notice refused", extra={"campaign": campaign.slug})
            continue
        log.info("shop told", extra={"campaign": campaign.slug})
        told.append(campaign.slug)
    return told


def message(campaign, now) -> tuple[str, str]:
    """Return the subject and body of a campaign's notice, in the shop's language."""
    counts = campaigns.counts(get_db(), campaign.id)
    # A sold-out campaign ends at once too: it sold out if it ran out before its closing time.
    sold_out = counts.get("free", 0) == 0 and now < campaign.closes
    base = current_app.config.get("PUBLIC_URL", "http://127.0.0.1:5000")
    with force_locale(current_app.config.get("SHOP_LANGUAGE", "ja")):
        with current_app.test_request_context(base_url=base):
            link = url_for("admin.destinations", slug=campaign.slug, _external=True)
        if sold_out:
            subject = _("Sold out: %(title)s", title=campaign.title)
        else:
            subject = _("Ended: %(title)s", title=campaign.title)
        body = render_template(
            "mail/shop_notice.txt", campaign=campaign, counts=counts, sold_out=sold_out, link=link
        )
    return subject, body
