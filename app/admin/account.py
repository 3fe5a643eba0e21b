"""The signed-in account's own settings: a new password, which ends every other session."""

import logging
import math

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user

from app.store import admins, attempts, audit, get_db
from app.web.extensions import limiter
from app.web.responses import now, render

from .auth import THROTTLED, User, _address, _login_throttle
from .blueprint import bp
from .passwords import hash_password, password_problem, verify

log = logging.getLogger(__name__)
# Wrong current passwords are counted in the database like failed sign-ins, per account
# and address: a stolen session cannot guess its way to the password behind it.
SCOPE = "admin-password"
WRONG = _l("Your current password is not correct, so the password was not changed.")
SLOW = _l("Too many wrong passwords. Wait ten minutes and try again.")
MISMATCH = _l("The two new passwords are not the same.")
SAME = _l("The new password must differ from the current one.")
CHANGED = _l(
    "Your password was changed. Every other browser and device signed in with this account"
    " has been signed out; this one stays signed in."
)


@bp.route("/password", methods=["GET", "POST"])
@limiter.limit(_login_throttle, key_func=get_remote_address, methods=["POST"])
def password():
    """Change the signed-in account's password: the current one, then the new one twice."""
    if request.method == "GET":
        return _page()
    db = get_db()
    moment = now()
    key = str(current_user.id)
    rule = attempts.rule(current_app.config["ADMIN_LOGIN_LIMIT"])
    until = attempts.locked_until(db, SCOPE, key, _address(), moment, rule)
    if until is not None:
        page, status = _page(message=SLOW, status=429)
        return page, status, {"Retry-After": str(math.ceil((until - moment).total_seconds()))}
    account = admins.by_id(db, current_user.id)
    current = request.form.get("current_password", "")
    ok, _rehash = verify(account.password_hash, current)
    if not ok:
        attempts.record_failure(db, SCOPE, key, _address(), moment)
        log.warning("password change refused: wrong password", extra={"admin": account.id})
        return _page(errors={"current_password": WRONG}, status=403)
    new = request.form.get("new_password", "")
    problem = None
    if new != request.form.get("new_password_again", ""):
        problem = str(MISMATCH)
    elif new == current:
        problem = str(SAME)
    else:
        problem = password_problem(new, account.email)
    if problem:
        return _page(errors={"new_password": problem}, status=422)
    attempts.clear(db, SCOPE, key, _address())
    generation = admins.change_password(db, account.id, hash_password(new))
    # Every copy of the old session names the old generation and ends; this browser is
    # signed in again under the new one (login_user keeps its sign-in time and idle clock).
    login_user(User(admins.Admin(account.id, account.email, "", generation)))
    audit.record(db, account.email, "changed password", moment)
    log.info("password changed", extra={"admin": account.id})
    return _page(message=CHANGED)


def _page(errors=None, message=None, status=200):
    return render(
        "admin/password.html",
        status=status,
        errors=errors or {},
        message=message,
        alert=status >= 400,
        email=current_user.email,
    )


def hurried():
    """Answer flask-limiter's 429 on this page with the form and a sentence about it."""
    return _page(
        message=_l("Too many attempts from your network. Wait a minute and try again."), status=429
    )


THROTTLED["admin.password"] = hurried
