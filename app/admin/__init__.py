"""The admin: accounts, campaign setup, live monitor, destination list and coupon issue."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import (  # noqa: E402, F401
    audit_log,
    auth,
    campaigns,
    candidates,
    destinations,
    errors,
    files,
    invitations,
    kiosks,
    monitor,
    redemptions,
    staff,
)


def init_app(app):
    """Register the admin blueprint, its settings and its `flask admin …` commands."""
    from . import cli

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
    app.cli.add_command(cli.admin_cli)
