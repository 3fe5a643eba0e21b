"""The admin: accounts, campaign setup, live monitor, destination list and coupon issue."""

from app.web.extensions import login_manager

from . import (  # noqa: F401
    account,
    audit_log,
    auth,
    campaigns,
    candidates,
    destinations,
    error_pages,
    files,
    images,
    invitations,
    kiosks,
    monitor,
    promotion,
    redemptions,
    staff,
)
from .blueprint import bp  # noqa: F401  (create_app registers it)


def init_app(app):
    """Register the admin blueprint and its settings."""
    # Failed sign-ins, counted in the database: per account from one address, and per
    # address over all accounts. A lock lasts as long as the window.
    app.config.setdefault("ADMIN_LOGIN_LIMIT", "5 per 10 minutes")
    app.config.setdefault("ADMIN_LOGIN_ADDRESS_LIMIT", "20 per 10 minutes")
    # Failures of one account from every address together: past this, only addresses that
    # signed in to it within ADMIN_KNOWN_DAYS are admitted, until the window has passed.
    app.config.setdefault("ADMIN_ACCOUNT_LIMIT", "100 per hour")
    app.config.setdefault("ADMIN_KNOWN_DAYS", 90)
    # Every sign-in attempt per address (each costs an argon2 hash): flask-limiter's storage.
    app.config.setdefault("ADMIN_LOGIN_THROTTLE", "30 per minute")
    app.config.setdefault("ADMIN_IDLE_MINUTES", 60)
    app.config.setdefault("ADMIN_SESSION_HOURS", 12)
    app.config.setdefault("COUPON_FONT", None)
    # Longer destination lists are exported by a background job, not inside a request.
    app.config.setdefault("EXPORT_INLINE_ROWS", 10_000)
    app.register_blueprint(bp)
    _remember_cookies_in_admin_only(app)


def _remember_cookies_in_admin_only(app) -> None:
    """Run flask-login's remember-cookie hook on admin pages only.

    Only the admin signs in and out (without "remember me"), but the hook read the session
    on every request of the app, which then had to carry Vary: Cookie: a cost on every claim
    and health check for nothing.
    """
    hook = login_manager._update_remember_cookie
    everywhere = app.after_request_funcs[None]
    if hook in everywhere:
        everywhere.remove(hook)
        app.after_request_funcs.setdefault("admin", []).append(hook)
