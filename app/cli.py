"""`flask campaign …` commands for scripting."""

import logging
import os
import sys

import click
from flask import current_app, url_for
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from .campaigns import create_campaign
from .export import to_csv, to_xlsx, zoned
from .i18n import translate
from .lottery.conditions import ConditionsError, demo_conditions, parse_conditions
from .store import batch, campaigns, destinations, editing
from .store.campaigns import SlugTaken
from .store.copy import CopyRefused, copy_sqlite
from .store.db import DatabaseError, get_db, is_postgres
from .store.db import backup as db_backup
from .store.schema import applied

campaign_cli = AppGroup("campaign", help="Create, list and export campaigns.")
log = logging.getLogger(__name__)


@campaign_cli.command("create")
@click.argument("file", type=click.File("rb"))
def create(file):
    """Create a campaign from an issue condition set (TOML) FILE."""
    try:
        source = file.read().decode("utf-8")
    except UnicodeDecodeError:
        _fail([_("file: not UTF-8 text")])
    try:
        conditions = parse_conditions(source)
        create_campaign(conditions, current_app.config["CLOCK"](), source)
    except ConditionsError as exc:
        _fail(exc.problems)
    except SlugTaken:
        _fail([_("slug: a campaign called '%(slug)s' already exists", slug=conditions.slug)])
    click.echo(f"{conditions.slug} {_board_path(conditions.slug)}")


@campaign_cli.command("demo")
def demo():
    """Create the demo campaign (100 sheets, open now for 30 days) unless it exists."""
    from .invite.demo import SLUG, demo_invitation

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
        _fail([_("XLSX is a binary file: name one with --output, or redirect stdout")])
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
    from app.admin.printing import genuine_code

    campaign = _campaign(slug)
    if not genuine_code(campaign.id, tile_no, code):
        _fail([_("That is not the code of this coupon.")])
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
        _fail([_("'%(slug)s' has already ended", slug=slug)])
    click.echo(_("%(slug)s closed", slug=slug))


@campaign_cli.command("draw")
@click.argument("slug")
def draw(slug):
    """Run the batch draw of campaign SLUG once its period has ended."""
    campaign = _campaign(slug)
    if campaign.draw != "batch":
        _fail([_("'%(slug)s' draws instantly; it has no batch draw", slug=slug)])
    try:
        done = batch.run(get_db(), campaign, current_app.config["CLOCK"]())
    except batch.NotDue:
        _fail(
            [
                _(
                    "'%(slug)s' is still taking requests: close it first, or wait for its end",
                    slug=slug,
                )
            ]
        )
    if done is None:
        _fail([_("'%(slug)s' was drawn already", slug=slug)])
    click.echo(_("%(slug)s drawn: %(count)d requests", slug=slug, count=done))


def _campaign(slug: str):
    campaign = campaigns.by_slug(get_db(), slug)
    if campaign is None:
        _fail([_("no campaign called '%(slug)s'", slug=slug)])
    return campaign


def _board_path(slug: str) -> str:
    with current_app.test_request_context():
        return url_for("board.show", slug=slug)


def _fail(problems: list[str]):
    """Print one line per problem, in the operator's language, and exit 1."""
    for line in problems:
        click.echo(_("error: %(problem)s", problem=translate(line)), err=True)
    sys.exit(1)


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@with_appcontext
def backup(dest):
    """Copy the database to DEST as one consistent snapshot, while the server runs."""
    source = current_app.config["DATABASE"]
    if is_postgres(source):
        # A live PostgreSQL database is copied consistently by its own tool.
        _fail([_("on PostgreSQL, back up with pg_dump: pg_dump --format=custom --file=DEST URL")])
    if os.path.exists(dest) and os.path.samefile(dest, source):
        _fail([_("DEST is the database itself: name another file")])
    try:
        pages = db_backup(source, dest)
    except DatabaseError as exc:
        _fail([_("the backup failed: %(reason)s", reason=str(exc))])
    log.info("backup to=%s pages=%d", dest, pages)
    click.echo(_("%(dest)s: %(pages)d pages copied and checked", dest=dest, pages=pages))


db_cli = AppGroup("db", help="Create the database, or copy a SQLite one to PostgreSQL.")


@db_cli.command("init")
@with_appcontext
def db_init():
    """Create the configured database's tables (the app also does on its first start)."""
    # create_app() has migrated it already; say what the database holds now.
    done = applied(get_db())
    click.echo(_("database ready: %(count)d migrations applied", count=len(done)))


@db_cli.command("copy")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.argument("target")
def db_copy(source, target):
    """Copy the SQLite file SOURCE into the empty PostgreSQL database TARGET (a URL)."""
    if not is_postgres(target):
        _fail([_("TARGET must be a postgresql:// URL")])
    try:
        counts = copy_sqlite(source, target)
    except CopyRefused as exc:
        _fail([_("the copy was refused: %(reason)s", reason=str(exc))])
    except DatabaseError as exc:
        _fail([_("the copy failed: %(reason)s", reason=str(exc))])
    log.info("copied to PostgreSQL tables=%d rows=%d", len(counts), sum(counts.values()))
    for table, rows in counts.items():
        click.echo(_("%(table)s: %(rows)d rows copied and counted", table=table, rows=rows))


def init_app(app):
    from . import fairness_cli  # noqa: F401  (adds `campaign verify`)

    app.cli.add_command(campaign_cli)
    app.cli.add_command(backup)
    app.cli.add_command(db_cli)
