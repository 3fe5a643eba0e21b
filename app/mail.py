"""Sending e-mail: real SMTP when MAIL_SERVER is set, else the database outbox.

With no mail server configured (as `make run` starts), every message lands in the outbox
that the admin can read, so the whole invitation flow works on one machine.
"""

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

from app.store import get_db, outbox
from app.web.responses import now

log = logging.getLogger(__name__)


class MailError(Exception):
    """The mail server refused the message or could not be reached."""


class NoPublicUrl(MailError):
    """PUBLIC_URL is not set: a link in a mail would point at whatever Host a request named."""


def public_url() -> str:
    """Return the site's public address for links in mail (PUBLIC_URL), without a final /.

    Never the request's Host header, which a client chooses. `make run` sets it to
    http://127.0.0.1:5000; a deployment must set its own.
    """
    url = (current_app.config.get("PUBLIC_URL") or "").strip().rstrip("/")
    if not url.startswith(("https://", "http://")):
        raise NoPublicUrl("PUBLIC_URL is not set (e.g. FLASK_PUBLIC_URL=https://kuji.example.jp)")
    return url


def send(recipient: str, subject: str, body: str) -> None:
    """Send one plain-text message, or keep it in the outbox; raise MailError on refusal."""
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        outbox.add(get_db(), recipient, subject, body, now())
        log.info("mail kept in the outbox", extra={"recipient_domain": _domain(recipient)})
        return
    message = EmailMessage()
    sender = config.get("MAIL_DEFAULT_SENDER") or "kuji@localhost"
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=_domain(sender) or "localhost")
    message.set_content(body)
    try:
        with smtplib.SMTP(server, int(config.get("MAIL_PORT", 25)), timeout=30) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            refused = smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailError(f"{type(exc).__name__}: {exc}") from None
    if refused:
        raise MailError(f"refused: {refused}")
    log.info("mail sent", extra={"recipient_domain": _domain(recipient)})


def _domain(address: str) -> str:
    return address.rpartition("@")[2]
