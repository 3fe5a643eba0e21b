"""The till: staff check and redeem e-coupons at /redeem, on a phone."""

from . import routes  # noqa: F401
from .blueprint import bp  # noqa: F401  (create_app registers it)


def init_app(app):
    """Register /redeem and its settings."""
    # Unknown codes per account and address before a lock as long as the window.
    app.config.setdefault("REDEEM_GUESS_LIMIT", "20 per 10 minutes")
    app.register_blueprint(bp)
