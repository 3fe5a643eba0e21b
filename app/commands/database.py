"""`flask backup` and `flask db …`: copy the database, create it, move it to PostgreSQL."""

import logging
import os

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import gettext as _

from app.store.copy import CopyRefused, copy_sqlite
from app.store.db import DatabaseError, get_db, is_postgres
from app.store.db import backup as db_backup
from app.store.schema import applied

from .output import fail

log = logging.getLogger(__name__)


@click.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@with_appcontext
def backup(dest):
    """Copy the database to DEST as one consistent snapshot, while the server runs."""
    source = current_app.config["DATABASE"]
    if is_postgres(source):
        # A live PostgreSQL database is copied consistently by its own tool.
        fail([_("on PostgreSQL, back up with pg_dump: pg_dump --format=custom --file=DEST URL")])
    if os.path.exists(dest) and os.path.samefile(dest, source):
        fail([_("DEST is the database itself: name another file")])
    try:
        pages = db_backup(source, dest)
    except DatabaseError as exc:
        fail([_("the backup failed: %(reason)s", reason=str(exc))])
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
        fail([_("TARGET must be a postgresql:// URL")])
    try:
        counts = copy_sqlite(source, target)
    except CopyRefused as exc:
        fail([_("the copy was refused: %(reason)s", reason=str(exc))])
    except DatabaseError as exc:
        fail([_("the copy failed: %(reason)s", reason=str(exc))])
    log.info("copied to PostgreSQL tables=%d rows=%d", len(counts), sum(counts.values()))
    for table, rows in counts.items():
        click.echo(_("%(table)s: %(rows)d rows copied and counted", table=table, rows=rows))
