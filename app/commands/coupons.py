"""`flask coupons redeem CODE --till NAME`: redeem from a script, as a till would."""

import secrets
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.coupons.words import outcome_line
from app.lottery import ecoupons as rules
from app.store import get_db, redemptions

coupons_cli = AppGroup("coupons", help="Electronic coupons.")


@coupons_cli.command("redeem")
@click.argument("code")
@click.option("--till", required=True, help="The till's name, recorded with the redemption.")
@click.option("--key", default=None, help="An idempotency key: a retry with it succeeds again.")
def redeem(code, till, key):
    """Redeem the e-coupon CODE; exit 0 on success, 1 when used, expired or unknown."""
    bare = rules.normalise(code, rules.COUPON_LENGTH)
    key = rules.idempotency_key(key) or secrets.token_urlsafe(18)
    now = current_app.config["CLOCK"]()
    outcome = redemptions.redeem(get_db(), bare, key, till.strip()[:60], "command line", now)
    line = outcome_line(outcome)
    if outcome.ok:
        click.echo(line)
        return
    click.echo(_("error: %(problem)s", problem=line), err=True)
    sys.exit(1)
