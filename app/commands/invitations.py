"""`flask candidates …` and `flask invitations …` for scripting."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app import jobs
from app.invite import importing, sending
from app.lottery.candidates import CandidateFileError
from app.store import campaigns, get_db, invitations
from app.store import jobs as job_store
from app.web.responses import now

candidates_cli = AppGroup("candidates", help="Import and list invitation candidates.")
invitations_cli = AppGroup("invitations", help="Send invitations and see how they went.")


def _campaign(slug: str):
    campaign = campaigns.by_slug(get_db(), slug)
    if campaign is None:
        _fail(f"no campaign called {slug!r}")
    if campaign.mode != "invite":
        _fail(f'{slug!r} is not an invitation campaign (mode = "invite")')
    return campaign


def _fail(line: str):
    click.echo(f"error: {line}", err=True)
    sys.exit(1)


@candidates_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.File("rb"))
def import_command(slug, file):
    """Import FILE.csv and invite every valid row to campaign SLUG."""
    campaign = _campaign(slug)
    try:
        summary = importing.import_file(file.read(), campaign.id)
    except CandidateFileError as exc:
        _fail(str(exc))
    click.echo(
        f"imported {summary['added']} new and {summary['updated']} updated candidates;"
        f" {summary['invited']} newly invited; {summary['duplicates']} duplicate rows;"
        f" {summary['bad_total']} bad rows"
    )
    for line, message, params in summary["bad"]:
        click.echo(f"line {line}: {message % params if params else message}", err=True)


@candidates_cli.command("list")
@click.argument("slug")
def list_command(slug):
    """List the candidates invited to SLUG: ID, name, e-mail, mail status."""
    campaign = _campaign(slug)
    db = get_db()
    click.echo("id\tname\temail\tstatus")
    after = 0
    while batch := invitations.page(db, campaign.id, after, 1000):
        for i in batch:
            click.echo(f"{i.login_id}\t{i.name}\t{i.email}\t{i.status}")
        after = batch[-1].id


@invitations_cli.command("send")
@click.argument("slug")
@click.option("--url", help="The site's public address for the login link.")
def send_command(slug, url):
    """Send every queued invitation of SLUG; exit 0 when every one was sent."""
    campaign = _campaign(slug)
    db = get_db()
    base = url or current_app.config.get("PUBLIC_URL")
    if not base:
        _fail("PUBLIC_URL is not set: give the site's address with --url or FLASK_PUBLIC_URL")
    job_id = job_store.enqueue(db, sending.KIND, campaign.id, now(), payload=base)
    job = job_store.claim_this(db, job_id, jobs.now(), jobs.lease(current_app))
    if job is None:
        _fail("the server is sending these invitations right now; see `invitations status`")
    jobs.run_one(current_app, job)
    _status(campaign)


@invitations_cli.command("status")
@click.argument("slug")
def status_command(slug):
    """Count SLUG's invitations by status; exit 0 when every one was sent."""
    _status(_campaign(slug))


def _status(campaign):
    counts = invitations.counts(get_db(), campaign.id)
    click.echo(" ".join(f"{k}={v}" for k, v in counts.items()))
    if counts["queued"] or counts["failed"] or counts["unknown"] or counts["sending"]:
        sys.exit(1)
