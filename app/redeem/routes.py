"""Views of the till: thin, they read the form, call store.redemptions and render."""

import logging
import math
import secrets
from functools import wraps

from flask import current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin.auth import _require_login
from app.coupons.words import outcome_line
from app.lottery import ecoupons as rules
from app.store import attempts, campaigns, get_db, redemptions
from app.web.logs import event
from app.web.responses import now, render

from .blueprint import bp

log = logging.getLogger(__name__)
SCOPE = "coupon-redeem"


@bp.before_request
def _signed_in():
    """Admins and staff only; sessions end as the admin's do."""
    if not current_user.is_authenticated:
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
    return _require_login()


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _till() -> str:
    till = (request.form.get("till") or session.get("till") or "").strip()[:60]
    if till:
        session["till"] = till
    return till


def _page(outcome=None, status=200, message=None, code=""):
    campaign = (
        campaigns.by_id(get_db(), outcome.coupon.campaign_id)
        if outcome and outcome.coupon
        else None
    )
    return render(
        "redeem/redeem.html",
        status=status,
        outcome=outcome,
        line=outcome_line(outcome) if outcome else None,
        campaign=campaign,
        code=code,
        till=session.get("till", ""),
        key=secrets.token_urlsafe(18),  # a fresh idempotency key for each form shown
        message=message,
    )


def _locked(db, moment):
    limit = attempts.rule(current_app.config["REDEEM_GUESS_LIMIT"])
    until = attempts.locked_until(
        db, SCOPE, current_user.email, request.remote_addr or "unknown", moment, limit
    )
    if until is None:
        return None
    page, _status = _page(status=429, message=_("Too many unknown codes. Wait and try again."))
    return page, 429, {"Retry-After": str(math.ceil((until - moment).total_seconds()))}


def _guessed(db, outcome, moment) -> None:
    if outcome.result == "unknown":
        attempts.record_failure(
            db, SCOPE, current_user.email, request.remote_addr or "unknown", moment
        )


@bp.get("/")
def index():
    """Show the till: a code to type or scan."""
    return _page()


def _at_the_till(view):
    """Guard a till action: guessing limited, the till named, the typed code read."""

    @wraps(view)
    def guarded():
        db, moment = get_db(), now()
        locked = _locked(db, moment)
        if locked:
            return locked
        till = _till()
        if not till:
            return _page(status=422, message=_('Name this till first, e.g. "Register 2".'))
        code = rules.normalise(request.form.get("code"), rules.COUPON_LENGTH)
        return view(db, code, till, moment)

    return guarded


@bp.post("/check")
@_at_the_till
def check(db, code, till, moment):
    """Say what a typed or scanned code is worth now, without using it."""
    outcome = redemptions.check(db, code, till, current_user.email, moment)
    _guessed(db, outcome, moment)
    status = 200 if outcome.result == "valid" else 404 if outcome.result == "unknown" else 409
    return _page(outcome, status=status, code=code or "")


@bp.post("/use")
@_at_the_till
def use(db, code, till, moment):
    """Redeem a coupon once; a retry with the same key gets the same success."""
    key = rules.idempotency_key(request.form.get("key"))
    outcome = redemptions.redeem(db, code, key, till, current_user.email, moment)
    _guessed(db, outcome, moment)
    event(log, "redeem", result=outcome.result, till=till)
    status = 200 if outcome.ok else 404 if outcome.result == "unknown" else 409
    return _page(outcome, status=status)
