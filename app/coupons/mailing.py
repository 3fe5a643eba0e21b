"""E-mailing e-coupons in the background, so a confirmation never waits for a mail server."""

import logging

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import jobs, mail
from app.lottery import ecoupons as rules
from app.store import campaigns, ecoupons, get_db
from app.web import i18n

log = logging.getLogger(__name__)


def compose(campaign, coupon, base_url: str) -> tuple[str, str]:
    """Return the subject and body of a coupon's e-mail, in the language its owner used."""
    with force_locale(coupon.language or i18n.DEFAULT):
        subject = _("Your coupon: %(goods)s", goods=campaign.goods)
        body = render_template(
            "mail/ecoupon.txt",
            campaign=campaign,
            coupon=coupon,
            code=rules.shown(coupon.code),
            link=f"{base_url.rstrip('/')}/coupon/{rules.shown(coupon.code)}",
        )
    return subject, body


@jobs.handler(ecoupons.MAIL_JOB)
def send_all(job, report) -> str:
    """Mail every e-coupon of the job's campaign that waits for it."""
    db = get_db()
    campaign = campaigns.by_id(db, job.campaign_id)
    base_url = mail.public_url()  # before any coupon is taken off the queue
    sent = failed = 0
    while (coupon := ecoupons.next_to_mail(db, campaign.id)) is not None:
        subject, body = compose(campaign, coupon, base_url)
        try:
            mail.send(coupon.email, subject, body)
        except mail.MailError as exc:
            log.warning("coupon mail failed", extra={"coupon": coupon.id, "error": str(exc)})
            ecoupons.mailed(db, coupon.id, ok=False)
            failed += 1
        else:
            ecoupons.mailed(db, coupon.id, ok=True)
            sent += 1
        report(sent + failed, sent + failed + ecoupons.waiting_mail(db, campaign.id))
    return f"sent={sent} failed={failed}"
