"""Staff accounts (role 'staff') may sign in, but only to redeem coupons at /redeem."""

from flask import abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.store import admins, get_db

from .blueprint import bp

# Signing in and out and the account's own password are for everyone; everything else in
# /admin is for administrators.
STAFF_ENDPOINTS = {"admin.login", "admin.logout", "admin.end_sessions", "admin.password"}


@bp.before_request
def _administrators_only():
    """Send staff from the admin home to the till; refuse them every other admin page."""
    if request.endpoint in STAFF_ENDPOINTS or not current_user.is_authenticated:
        return None
    if admins.role_of(get_db(), current_user.id) != "staff":
        return None
    if request.endpoint == "admin.index":
        return redirect(url_for("redeem.index"))
    abort(403, _("A staff account can only redeem coupons."))
