"""`flask campaign verify`: replay a campaign's draws from its published seed."""

import json

import click
from flask import current_app
from flask_babel import gettext as _

from .cli import _fail, campaign_cli
from .lottery.fairness import verify
from .store import campaigns
from .store import fairness as fairness_store
from .store.db import get_db


@campaign_cli.command("verify")
@click.argument("slug", required=False)
@click.option(
    "--file", "source", type=click.File("rb"), help="Check this fairness.json instead of SLUG's."
)
def verify_command(slug, source):
    """Check campaign SLUG's draws against its seed and commitment (or a --file's)."""
    if (slug is None) == (source is None):
        raise click.UsageError(_("give a campaign SLUG or --file fairness.json (one of them)"))
    document = _from_file(source) if source is not None else _from_store(slug)
    report = verify(document)
    if not report.ok:
        _fail(report.problems)
    click.echo(
        _(
            "verified: %(draws)d draws, commitment %(commitment)s",
            draws=report.checked_draws,
            commitment=document["commitment"],
        )
    )


def _from_file(source) -> object:
    try:
        return json.loads(source.read().decode("utf-8"))
    except UnicodeDecodeError:
        _fail([_("%(file)s: not UTF-8 text", file=source.name)])
    except json.JSONDecodeError as exc:
        _fail([_("%(file)s: not JSON (%(error)s)", file=source.name, error=str(exc))])


def _from_store(slug: str) -> dict:
    db = get_db()
    campaign = campaigns.by_slug(db, slug)
    if campaign is None:
        _fail([_("no campaign called '%(slug)s'", slug=slug)])
    document = fairness_store.document(db, campaign, current_app.config["CLOCK"]())
    if document is None:
        _fail(
            [
                _(
                    "%(slug)s: set up before draws were recorded for checking; nothing to verify",
                    slug=slug,
                )
            ]
        )
    return document
