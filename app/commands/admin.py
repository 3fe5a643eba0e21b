"""`flask admin …` commands: create administrator accounts."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.admin.passwords import hash_password, password_problem
from app.store import admins, audit, get_db

admin_cli = AppGroup("admin", help="Manage administrator accounts.")
_password = click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for, hidden, when left out.",
)


@admin_cli.command("create")
@click.argument("email")
@_password
@click.option("--staff", is_flag=True, help="A till account that may only redeem coupons.")
def create(email, password, staff=False):
    """Create an administrator (or, with --staff, a till account) who signs in with EMAIL."""
    email = email.strip().casefold()
    if "@" not in email or len(email) > 254:
        _fail(_("email: not a valid e-mail address"))
    problem = password_problem(password, email)
    if problem:
        _fail(problem)
    now = current_app.config["CLOCK"]()
    db = get_db()
    try:
        admins.create(db, email, hash_password(password), now, role="staff" if staff else "admin")
    except admins.EmailTaken:
        _fail(_("email: an account '%(email)s' already exists", email=email))
    audit.record(
        db, "command line", "created staff" if staff else "created admin", now, detail=email
    )
    if staff:
        click.echo(_("created staff account %(email)s (the till only)", email=email))
    else:
        click.echo(_("created administrator %(email)s", email=email))


def _fail(line: str):
    click.echo(_("error: %(problem)s", problem=line), err=True)
    sys.exit(1)


@admin_cli.command("password")
@click.argument("email")
@_password
def change_password(email, password):
    """Give the account EMAIL a new password; every session it had ends."""
    email = email.strip().casefold()
    problem = password_problem(password, email)
    if problem:
        _fail(problem)
    db = get_db()
    if not admins.set_password(db, email, hash_password(password)):
        _fail(_("email: no administrator '%(email)s'", email=email))
    audit.record(
        db, "command line", "changed password", current_app.config["CLOCK"](), detail=email
    )
    click.echo(_("changed the password of %(email)s", email=email))
