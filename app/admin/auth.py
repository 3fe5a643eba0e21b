"""Sign-in and sign-out, sessions that expire, and the login rule for every admin page."""

import hashlib
import logging
import math
from datetime import datetime, timedelta

from flask import abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import UserMixin, current_user, login_user, logout_user

from app.store import admins, attempts, audit, get_db
from app.store.db import stamp, unstamp
from app.web.extensions import limiter, login_manager
from app.web.limiting import client_key
from app.web.responses import local_path, now, render

from .blueprint import bp
from .passwords import verify

WRONG = _l("That e-mail address and password do not match an administrator.")
SLOW = _l("Too many failed sign-ins. Wait ten minutes and try again.")
HURRIED = _l("Too many sign-in attempts from your network. Wait a minute and try again.")
EXPIRED = _l("Your session expired. Please sign in again.")
OPEN_ENDPOINTS = {"admin.login"}
# Failed sign-ins are counted in the database (app/store/attempts.py) under this scope.
SCOPE = "admin-login"
log = logging.getLogger(__name__)


class User(UserMixin):
    """The signed-in administrator, as flask-login sees them."""

    def __init__(self, admin: admins.Admin):
        self.id = admin.id
        self.email = admin.email
        self.session_gen = admin.session_gen

    def get_id(self) -> str:
        # The session names the account's session generation too: raising it (sign-out,
        # a new password, "sign out everywhere") ends every copy of every cookie at once.
        return f"{self.id}.{self.session_gen}"


@login_manager.user_loader
def _load(user_id: str):
    """Load the signed-in account, checked against the database on every request."""
    admin_id, _dot, generation = user_id.partition(".")
    if not (admin_id.isdigit() and generation.isdigit()):
        return None  # a session from before generations, or forged: sign in again
    admin = admins.by_id(get_db(), int(admin_id))
    if admin is None or admin.session_gen != int(generation):
        return None
    return User(admin)


@login_manager.unauthorized_handler
def _unauthorized():
    # htmx cannot follow a login page into a fragment target: a 401, and HX-Redirect
    # sends the whole page to the login instead.
    if request.htmx:
        return _("Sign in again to continue."), 401, {"HX-Redirect": url_for("admin.login")}
    return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))


@bp.before_request
def _require_login():
    """Send anyone not signed in to the login page; end idle or old sessions."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    moment = now()
    config = current_app.config
    started = unstamp(session.get("admin_since", stamp(moment)))
    seen = unstamp(session.get("admin_seen", stamp(moment)))
    if moment - seen > timedelta(minutes=config["ADMIN_IDLE_MINUTES"]) or (
        moment - started > timedelta(hours=config["ADMIN_SESSION_HOURS"])
    ):
        logout_user()
        session.clear()
        if request.htmx:
            return str(EXPIRED), 401, {"HX-Redirect": url_for("admin.login", expired=1)}
        return redirect(url_for("admin.login", next=request.full_path.rstrip("?"), expired=1))
    session["admin_seen"] = stamp(moment)
    return None


def _email() -> str:
    return (request.form.get("email") or "").strip().casefold()[:254]


def _address() -> str:
    return request.remote_addr or "unknown"


def _network() -> str:
    """Name the client's network as the draw limits do: an IPv4 address, or an IPv6 /64."""
    return client_key()


def _locked(db, email: str, moment: datetime) -> datetime | None:
    """Return until when this address may not try `email`, if it is locked out now.

    Per account and address (ADMIN_LOGIN_LIMIT), so someone else's guesses never lock an
    administrator out everywhere; and per address over every account typed
    (ADMIN_LOGIN_ADDRESS_LIMIT), so one address cannot try many accounts.
    """
    config = current_app.config
    address = _address()
    locks = (
        attempts.locked_until(db, SCOPE, key, address, moment, attempts.rule(config[name]))
        for key, name in ((email, "ADMIN_LOGIN_LIMIT"), (None, "ADMIN_LOGIN_ADDRESS_LIMIT"))
    )
    return max(filter(None, locks), default=None) or _account_locked(db, email, moment)


def _account_locked(db, email: str, moment: datetime) -> datetime | None:
    """Lock an account guessed at from many addresses, except to addresses that know it.

    Per-address locks cannot stop a botnet, or one IPv6 client with 2^64 addresses; past
    ADMIN_ACCOUNT_LIMIT failures in its window the account admits only addresses (an IPv6
    address's /64) that signed in to it within ADMIN_KNOWN_DAYS.
    """
    config = current_app.config
    rule = attempts.rule(config["ADMIN_ACCOUNT_LIMIT"])
    if attempts.account_failures(db, SCOPE, email, moment - rule.window) < rule.limit:
        return None
    since = moment - timedelta(days=config["ADMIN_KNOWN_DAYS"])
    if attempts.known(db, SCOPE, email, _network(), since):
        return None
    return moment + rule.window


def _login_throttle() -> str:
    return current_app.config["ADMIN_LOGIN_THROTTLE"]


def _account(email: str) -> str:
    """Name an account in the logs without its e-mail address: the same for every try."""
    return hashlib.sha256(email.encode()).hexdigest()[:12]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_throttle, key_func=get_remote_address, methods=["POST"])
def login():
    """Sign an administrator in; the same answer for an unknown e-mail and a wrong password."""
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    if request.method == "GET":
        message = EXPIRED if request.args.get("expired") else None
        return render("admin/login.html", next=target, message=message, email="")
    db = get_db()
    email, moment = _email(), now()
    until = _locked(db, email, moment)
    if until is not None:
        log.warning("sign-in refused: locked", extra={"account": _account(email)})
        page, status = render(
            "admin/login.html", status=429, next=target, message=SLOW, email=email
        )
        wait = math.ceil((until - moment).total_seconds())
        return page, status, {"Retry-After": str(wait)}
    admin = admins.by_email(db, email)
    ok, new_hash = verify(admin.password_hash if admin else None, request.form.get("password", ""))
    if not ok:
        attempts.record_failure(db, SCOPE, email, _address(), moment)
        log.warning(
            "sign-in failed", extra={"account": _account(email), "known": admin is not None}
        )
        return render("admin/login.html", status=401, next=target, message=WRONG, email=email)
    attempts.clear(db, SCOPE, email, _address())
    attempts.remember_success(db, SCOPE, email, _network(), moment)
    admins.signed_in(db, admin.id, moment, new_hash)
    session.clear()  # a fresh session: nothing from before sign-in carries over
    login_user(User(admin), remember=False)
    session["admin_since"] = session["admin_seen"] = stamp(moment)
    audit.record(db, admin.email, "signed in", moment)
    log.info("signed in", extra={"admin": admin.id})
    return redirect(target, 303)


@bp.post("/logout")
def logout():
    """Sign out: this session and every copy of it end, on this device and any other."""
    _end_sessions("signed out")
    return redirect(url_for("admin.login"), 303)


@bp.post("/sessions/end")
def end_sessions():
    """Sign this account out everywhere: every browser and device signed in with it."""
    _end_sessions("signed out everywhere")
    return redirect(url_for("admin.login"), 303)


def _end_sessions(action: str) -> None:
    db = get_db()
    if current_user.is_authenticated:
        admins.end_sessions(db, current_user.id)
        audit.record(db, current_user.email, action, now())
        log.info(action, extra={"admin": current_user.id})
    logout_user()
    session.clear()


# Other pages throttled like the sign-in answer their own 429: endpoint → answer.
THROTTLED: dict = {}


def rate_limited(error):
    """Answer a 429 on the login form with a sentence about sign-ins, not draws."""
    if request.endpoint in THROTTLED:
        return THROTTLED[request.endpoint]()
    if request.endpoint != "admin.login":
        return error
    target = safe_next(request.values.get("next"))
    return render("admin/login.html", status=429, next=target, message=HURRIED, email=_email())


bp.register_error_handler(429, rate_limited)


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the admin home."""
    return target if local_path(target) else url_for("admin.index")


def actor() -> str:
    """Return who is acting, for the audit log."""
    return current_user.email if current_user.is_authenticated else "anonymous"


def forbid_unless(condition: bool, message: str, code: int = 409):
    """Refuse the request with a clear message unless `condition` holds."""
    if not condition:
        abort(code, message)
