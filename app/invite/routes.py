"""The invited person's side: log in, draw from what remains, confirm or cancel."""

import logging

from flask import abort, current_app, g, request, session, url_for
from flask_babel import gettext as _

from app.lottery.codes import same_digest, typed
from app.lottery.contact import ContactError, clean_contact
from app.play import gate, holders
from app.public import confirming
from app.public.reveal import COVERED, context, has_losing
from app.store import (
    AlreadyDrawn,
    Closed,
    Duplicate,
    NotHeld,
    Taken,
    attempts,
    campaigns,
    claims,
    destinations,
    get_db,
    invitations,
    reveals,
)
from app.web.current_campaign import current_campaign
from app.web.i18n import current_language
from app.web.keys import candidates
from app.web.limiting import pending_hits
from app.web.logs import event
from app.web.responses import go, now, render, to_main
from app.web.security import private_page

from . import chances
from .blueprint import bp

log = logging.getLogger(__name__)
SCOPE = "invite-login"
PASSWORD_KEY = "candidate-passwords"  # noqa: S105  (the name of a derived key, not a key)


def campaign_or_404(slug: str):
    """Return a published invitation campaign, or answer 404."""
    campaign = current_campaign(slug)
    if campaign is None or not campaign.published or campaign.mode != "invite":
        abort(404, _("There is no campaign at this address."))
    return campaign


def _session_key(campaign) -> str:
    return f"invite.{campaign.id}"


def invitee(campaign):
    """Return the invitation this browser logged in with, or None."""
    remembered = session.get(_session_key(campaign))
    if not (isinstance(remembered, list) and len(remembered) == 2):
        return None
    invitation_id, generation = remembered
    if not (isinstance(invitation_id, int) and isinstance(generation, int)):
        return None
    found = invitations.by_id(get_db(), invitation_id)
    if found is None or found.campaign_id != campaign.id or found.status != "sent":
        return None
    if found.password_gen != generation:
        return None  # a resent invitation ends the sessions the old password opened
    g.candidate_language = found.language  # their pages speak the list's language
    return found


def holder_of(invitation) -> str:
    return f"invite:{invitation.id}"


# The invitee plays the campaign's game under the name they draw with.
holders.register("invite", lambda campaign: holder_of(inv) if (inv := invitee(campaign)) else None)


def _address() -> str:
    return request.remote_addr or "unknown"


def _locked(db, login_id: str) -> bool:
    config = current_app.config
    moment = now()
    per_id = attempts.rule(config.get("INVITE_LOGIN_LIMIT", "5 per 10 minutes"))
    per_address = attempts.rule(config.get("INVITE_ADDRESS_LIMIT", "20 per 10 minutes"))
    return bool(
        attempts.locked_until(db, SCOPE, login_id, _address(), moment, per_id)
        or attempts.locked_until(db, SCOPE, None, _address(), moment, per_address)
    )


@bp.route("/<slug>/login", methods=["GET", "POST"])
def login(slug):
    """Log an invited person in with the ID and password from their e-mail."""
    campaign = campaign_or_404(slug)
    if request.method == "GET":
        if invitee(campaign):
            return go(url_for(".invited", slug=slug))
        return render("invite/login.html", block="main", campaign=campaign, form={})
    db = get_db()
    login_id = typed(request.form.get("id", ""))[:32]
    password = typed(request.form.get("password", ""))[:64]
    wrong = _("That ID and password do not match an invitation. Please check your e-mail.")
    if _locked(db, login_id):
        log.info("invite login refused: locked", extra={"campaign": slug})
        message = _("Too many wrong attempts. Please wait ten minutes and try again.")
        return _login_page(campaign, message, 429)
    found = invitations.by_login(db, campaign.id, login_id) if login_id else None
    if (
        found is None
        or found.status != "sent"
        or not any(
            # Passwords e-mailed before a key rotation still work (SECRET_KEY_FALLBACKS).
            same_digest(key, found.password_hash, campaign.id, found.login_id, password)
            for key in candidates(PASSWORD_KEY)
        )
    ):
        attempts.record_failure(db, SCOPE, login_id, _address(), now())
        event(log, "invite login failed", campaign=slug)
        return _login_page(campaign, wrong, 401)
    attempts.clear(db, SCOPE, login_id, _address())
    session[_session_key(campaign)] = [found.id, found.password_gen]
    event(log, "invite login", campaign=slug, invitation=found.id)
    return go(url_for(".invited", slug=slug))


def _login_page(campaign, message, status):
    return render(
        "invite/login.html",
        block="main",
        status=status,
        campaign=campaign,
        message=message,
        form={"id": request.form.get("id", "")[:32]},
    )


@bp.post("/<slug>/logout")
def logout(slug):
    """Forget this browser's login."""
    campaign = campaign_or_404(slug)
    session.pop(_session_key(campaign), None)
    return go(url_for(".login", slug=slug))


def _required(campaign):
    found = invitee(campaign)
    if found is None:
        abort(401, _("Please log in with the ID and password from your invitation e-mail."))
    return found


@bp.get("/<slug>/invited")
def invited(slug):
    """Show the goods guide and the Draw button, or what this invitee drew (covered until
    they uncover it)."""
    campaign = campaign_or_404(slug)
    found = invitee(campaign)
    if found is None:
        return go(url_for(".login", slug=slug))
    return _invited_page(campaign, found)


def _invited_page(campaign, found, status=200, errors=None, form=None, message=None, just=False):
    """Render the invitee's page: the Draw button, or their draw and what became of it."""
    private_page()  # the invitee's name, address and coupon
    db = get_db()
    moment = now()
    entry = claims.entry_of(db, campaign.id, holder_of(found), moment)
    prize = campaigns.prizes(db, campaign.id).get(entry.prize_id) if entry else None
    phase = campaign.phase(moment)
    before = None
    if entry is None and phase == "open":
        before = gate.before_draw(db, campaign, holder_of(found))
    if form is None and entry and entry.state == "held":
        form = {"name": found.name, "address": found.address, "email": found.email}
    return render(
        "invite/invited.html",
        block="main",
        status=status,
        campaign=campaign,
        phase=phase,
        invitation=found,
        entry=entry,
        prize=prize,
        odds=chances.odds_sentence(db, campaign),
        losing=has_losing(db, campaign),
        before=before,
        **(context(db, campaign, entry.id, prize, just) if entry else {}),
        errors=errors or {},
        form=form or {},
        message=message,
        destination=(
            destinations.of_entry(db, entry.id) if entry and entry.state == "confirmed" else None
        ),
    )


@bp.post("/<slug>/invited/draw")
def draw(slug):
    """Draw this invitee's one coupon (or losing ticket) from what remains."""
    campaign = campaign_or_404(slug)
    found = _required(campaign)
    db = get_db()
    moment = now()
    if claims.entry_of(db, campaign.id, holder_of(found), moment) is not None:
        return to_main(_invited_page(campaign, found, status=403))
    # The game's score, fixed now (an unfinished play counts as it stands), joins the merit.
    score = gate.score(db, campaign, holder_of(found), moment)
    try:
        entry = claims.hold(
            db,
            campaign,
            holder_of(found),
            moment,
            merit=chances.of(db, campaign, found, moment, game=score),
        )
    except AlreadyDrawn:
        return to_main(_invited_page(campaign, found, status=403))
    except Taken:
        message = _("Every coupon is taken for now. Coupons that are not confirmed come back.")
        return to_main(_invited_page(campaign, found, status=409, message=message))
    except Closed:
        return to_main(_invited_page(campaign, found, status=403))
    event(log, "invite draw", campaign=slug, entry=entry.id, state=entry.state)
    return go(url_for(".invited", slug=slug))


@bp.post("/<slug>/invited/confirm")
@confirming.confirm_limits(deferred=True)
def confirm(slug):
    """Record where to send the coupon: the invitee may change the address."""
    campaign, found, db, entry = _drawn(slug)
    if not reveals.revealed(db, entry.id):
        log.info("invite confirm refused: not revealed", extra={"campaign": slug})
        return _invited_page(campaign, found, status=409, message=COVERED)
    try:
        contact = clean_contact(request.form, current_app.config["EMAIL_TAG_DOMAINS"])
    except ContactError as exc:
        return _invited_page(campaign, found, status=422, errors=exc.errors, form=request.form)
    try:
        claims.confirm(
            db,
            campaign,
            entry.id,
            contact,
            now(),
            candidate_id=found.candidate_id,
            language=current_language(),
            hits=pending_hits(),
        )
    except Duplicate as exc:
        if confirming.duplicate_refused(db, campaign, entry.id):
            return _invited_page(campaign, found, status=409, message=confirming.released_message())
        errors = {exc.field: confirming.duplicate_message(exc.field)}
        return _invited_page(campaign, found, status=409, errors=errors, form=request.form)
    except NotHeld:
        return _invited_page(campaign, found, status=409)
    event(log, "invite confirmed", campaign=slug, entry=entry.id)
    return go(url_for(".invited", slug=slug))


@bp.post("/<slug>/invited/reveal")
def reveal(slug):
    """Uncover this invitee's draw, then show its outcome (htmx: the page's main block)."""
    campaign, found, db, entry = _drawn(slug)
    first = reveals.reveal(db, campaign.id, entry.id, now())
    event(log, "invite revealed", campaign=slug, entry=entry.id, first=first)
    return (
        _invited_page(campaign, found, just=first)
        if request.htmx
        else go(url_for(".invited", slug=slug))
    )


@bp.post("/<slug>/invited/cancel")
def cancel(slug):
    """Give the coupon back to the pool; this invitee cannot draw again."""
    campaign, found, db, entry = _drawn(slug)
    try:
        claims.cancel(db, campaign, entry.id, now())
    except NotHeld:
        return _invited_page(campaign, found, status=409)
    event(log, "invite cancelled", campaign=slug, entry=entry.id)
    return go(url_for(".invited", slug=slug))


def _drawn(slug):
    """Return (campaign, invitation, db, entry) for a logged-in invitee who has drawn."""
    campaign = campaign_or_404(slug)
    found = _required(campaign)
    db = get_db()
    entry = claims.entry_of(db, campaign.id, holder_of(found), now())
    if entry is None:
        abort(409, _("You have not drawn yet."))
    return campaign, found, db, entry
