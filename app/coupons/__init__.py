"""Electronic coupons: their public page and their e-mail (`flask coupons …` is in app/commands)."""

from . import mailing, routes, words  # noqa: F401
from .blueprint import bp  # noqa: F401  (create_app registers it)


def init_app(app):
    """Register the coupon page, the mailing job, and the template helpers."""
    app.config.setdefault("COUPON_GUESS_LIMIT", "20 per 10 minutes")
    app.register_blueprint(bp)
    app.context_processor(lambda: {"ecoupon_url": routes.ecoupon_url})
    app.jinja_env.globals["code_groups"] = words.code_groups
