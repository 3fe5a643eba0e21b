"""The admin: accounts, campaign setup, live monitor, destination list and coupon issue."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit_log, auth, campaigns, destinations, errors, monitor  # noqa: E402, F401


def init_app(app):
    """Register the admin blueprint, its settings and its `flask admin …` commands."""
    from . import cli

    app.config.setdefault("ADMIN_LOGIN_LIMIT", "5 per 10 minutes")
    app.config.setdefault("ADMIN_IDLE_MINUTES", 60)
    app.config.setdefault("ADMIN_SESSION_HOURS", 12)
    app.config.setdefault("COUPON_FONT", None)
    app.register_blueprint(bp)
    app.cli.add_command(cli.admin_cli)
