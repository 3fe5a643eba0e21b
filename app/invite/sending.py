"""Sending invitations in the background: one e-mail per invitee, never two on its own."""

import logging
import secrets

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app import jobs, mail
from app.lottery.codes import grouped, new_code, secret_digest
from app.store import campaigns, get_db, invitations
from app.web.keys import derive
from app.web.responses import now

log = logging.getLogger(__name__)
KIND = "send-invitations"
PASSWORD_LENGTH = 12
LOGIN_ID_LENGTH = 8
_rng = secrets.SystemRandom()


def new_login_id() -> str:
    return new_code(_rng, LOGIN_ID_LENGTH)


def compose(campaign, invitation, password: str, base_url: str) -> tuple[str, str]:
    """Return the subject and body of an invitation, in the invitee's language."""
    with force_locale(invitation.language):
        subject = _("Invitation: %(goods)s", goods=campaign.goods)
        body = render_template(
            "mail/invitation.txt",
            campaign=campaign,
            invitation=invitation,
            login_id=grouped(invitation.login_id),
            password=grouped(password),
            link=base_url.rstrip("/") + f"/c/{campaign.slug}/login",
        )
    return subject, body


@jobs.handler(KIND)
def send_all(job, report) -> None:
    """Send every queued invitation of the job's campaign; payload is the site's base URL."""
    db = get_db()
    campaign = campaigns.by_id(db, job.campaign_id)
    base_url = job.payload or mail.public_url()  # before any invitation is claimed
    cut = invitations.interrupted(db, campaign.id)
    if cut:
        log.warning("invitations cut off mid-way", extra={"campaign": campaign.slug, "n": cut})
    key = derive("candidate-passwords")
    sent = 0
    while True:
        invitation = invitations.claim_next(db, campaign.id)
        if invitation is None:
            break
        password = new_code(_rng, PASSWORD_LENGTH)
        subject, body = compose(campaign, invitation, password, base_url)
        try:
            mail.send(invitation.email, subject, body)
        except mail.MailError as exc:
            invitations.mark_failed(db, invitation.id, str(exc))
            log.info("invitation failed", extra={"invitation": invitation.id})
        else:
            digest = secret_digest(key, campaign.id, invitation.login_id, password)
            invitations.mark_sent(db, invitation.id, digest, now())
        sent += 1
        counts = invitations.counts(db, campaign.id)
        report(sent, sent + counts["queued"])
