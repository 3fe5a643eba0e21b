"""What every command prints when it fails."""

import sys

import click
from flask_babel import gettext as _

from app.web.i18n import translate


def fail(problems: list[str]):
    """Print one line per problem, in the operator's language, and exit 1."""
    for line in problems:
        click.echo(_("error: %(problem)s", problem=translate(line)), err=True)
    sys.exit(1)
