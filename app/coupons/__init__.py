"""Electronic coupons: their public page, their e-mail, and `flask coupons …`."""

from flask import Blueprint

bp = Blueprint("coupons", __name__)

from . import cli, mailing, routes, words  # noqa: E402, F401


def init_app(app):
    """Register the coupon page, the mailing job, the template helper and the CLI."""
    app.config.setdefault("COUPON_GUESS_LIMIT", "20 per 10 minutes")
    app.register_blueprint(bp)
    app.context_processor(lambda: {"ecoupon_url": routes.ecoupon_url})
    app.jinja_env.globals["code_groups"] = words.code_groups
    app.cli.add_command(cli.coupons_cli)
