"""`flask campaign …`: create, list, export, close, draw and verify campaigns."""

import json
import logging
import sys

import click
from flask import current_app, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.admin.printing import genuine_code
from app.export import to_csv, to_xlsx, zoned
from app.invite.demo import SLUG, demo_invitation
from app.lottery.conditions import ConditionsError, demo_conditions, parse_conditions
from app.lottery.fairness import verify
from app.new_campaign import create_campaign
from app.store import batch, campaigns, destinations, editing
from app.store import fairness as fairness_store
from app.store.campaigns import SlugTaken
from app.store.db import get_db

from .output import fail

campaign_cli = AppGroup("campaign", help="Create, list and export campaigns.")
log = logging.getLogger(__name__)


@campaign_cli.command("create")
@click.argument("file", type=click.File("rb"))
def create(file):
    """Create a campaign from an issue condition set (TOML) FILE."""
    try:
        source = file.read().decode("utf-8")
    except UnicodeDecodeError:
        fail([_("file: not UTF-8 text")])
    try:
        conditions = parse_conditions(source)
        create_campaign(conditions, current_app.config["CLOCK"](), source)
    except ConditionsError as exc:
        fail(exc.problems)
    except SlugTaken:
        fail([_("slug: a campaign called '%(slug)s' already exists", slug=conditions.slug)])
    click.echo(f"{conditions.slug} {_board_path(conditions.slug)}")


@campaign_cli.command("demo")
def demo():
    """Create the demo campaign (100 sheets, open now for 30 days) unless it exists."""
    conditions = demo_conditions(current_app.config["CLOCK"]())
    if campaigns.by_slug(get_db(), conditions.slug) is None:
        create_campaign(conditions, current_app.config["CLOCK"]())
    click.echo(f"{conditions.slug} {_board_path(conditions.slug)}")
    # An invitation campaign too; `flask invitations send demo-invite` puts its mail in
    # the outbox (/admin/outbox), from which the invitees' IDs and passwords can be read.
    demo_invitation(conditions, current_app.config["CLOCK"]())
    click.echo(f"{SLUG} {_board_path(SLUG)}")


@campaign_cli.command("list")
def list_campaigns():
    """List campaigns with their state and remaining tiles."""
    db = get_db()
    now = current_app.config["CLOCK"]()
    click.echo("slug\tstate\tfree\theld\tconfirmed\tlost\tsheets\ttitle")
    for c in campaigns.all_campaigns(db):
        n = campaigns.counts(db, c.id)
        click.echo(
            f"{c.slug}\t{c.phase(now)}\t{n['free']}\t{n['held']}\t{n['confirmed']}"
            f"\t{n['lost']}\t{c.tile_count}\t{c.title}"
        )


@campaign_cli.command("export")
@click.argument("slug")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), help="Write to this file, not stdout."
)
def export(slug, fmt, output):
    """Write the destination list of campaign SLUG to stdout or to a file."""
    db = get_db()
    campaign = _campaign(slug)
    invite = campaign.mode == "invite"
    header = destinations.header(invite=invite)  # stable English keys, for scripts
    rows = zoned(header, destinations.rows(db, campaign.id, invite=invite), campaign.tz)
    if fmt == "xlsx":
        data = to_xlsx(header, rows, title=campaign.slug)
    else:
        data = to_csv(header, rows).encode("utf-8")
    if output:
        with open(output, "wb") as f:
            f.write(data)
    elif fmt == "xlsx" and is_terminal(sys.stdout):
        fail([_("XLSX is a binary file: name one with --output, or redirect stdout")])
    elif fmt == "xlsx":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        click.echo(data.decode("utf-8"), nl=False)
    # DEBUG: at INFO the line would land on the operator's terminal beside the CSV.
    log.debug("exported campaign=%s format=%s to=%s", slug, fmt, output or "stdout")


@campaign_cli.command("check-code")
@click.argument("slug")
@click.argument("tile_no", type=int)
@click.argument("code")
def check_code(slug, tile_no, code):
    """Tell whether CODE is the code printed on coupon ISSUE_NO of campaign SLUG."""
    campaign = _campaign(slug)
    if not genuine_code(campaign.id, tile_no, code):
        fail([_("That is not the code of this coupon.")])
    click.echo(_("Genuine: this is the code of coupon %(no)d.", no=tile_no))


def is_terminal(stream) -> bool:
    """Tell whether `stream` is a terminal, where binary output would be garbage."""
    return stream.isatty()


@campaign_cli.command("close")
@click.argument("slug")
def close(slug):
    """End campaign SLUG now, as the admin's "Close early" does."""
    db = get_db()
    campaign = _campaign(slug)
    moment = current_app.config["CLOCK"]()
    if not editing.change(db, campaign.id, moment, close_now=True):
        fail([_("'%(slug)s' has already ended", slug=slug)])
    click.echo(_("%(slug)s closed", slug=slug))


@campaign_cli.command("draw")
@click.argument("slug")
def draw(slug):
    """Run the batch draw of campaign SLUG once its period has ended."""
    campaign = _campaign(slug)
    if campaign.draw != "batch":
        fail([_("'%(slug)s' draws instantly; it has no batch draw", slug=slug)])
    try:
        done = batch.run(get_db(), campaign, current_app.config["CLOCK"]())
    except batch.NotDue:
        fail(
            [
                _(
                    "'%(slug)s' is still taking requests: close it first, or wait for its end",
                    slug=slug,
                )
            ]
        )
    if done is None:
        fail([_("'%(slug)s' was drawn already", slug=slug)])
    click.echo(_("%(slug)s drawn: %(count)d requests", slug=slug, count=done))


def _campaign(slug: str):
    campaign = campaigns.by_slug(get_db(), slug)
    if campaign is None:
        fail([_("no campaign called '%(slug)s'", slug=slug)])
    return campaign


def _board_path(slug: str) -> str:
    with current_app.test_request_context():
        return url_for("board.show", slug=slug)


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
        fail(report.problems)
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
        fail([_("%(file)s: not UTF-8 text", file=source.name)])
    except json.JSONDecodeError as exc:
        fail([_("%(file)s: not JSON (%(error)s)", file=source.name, error=str(exc))])


def _from_store(slug: str) -> dict:
    db = get_db()
    campaign = campaigns.by_slug(db, slug)
    if campaign is None:
        fail([_("no campaign called '%(slug)s'", slug=slug)])
    document = fairness_store.document(db, campaign, current_app.config["CLOCK"]())
    if document is None:
        fail(
            [
                _(
                    "%(slug)s: set up before draws were recorded for checking; nothing to verify",
                    slug=slug,
                )
            ]
        )
    return document
