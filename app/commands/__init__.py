"""The `flask …` command line: one module per command group."""

from . import admin, campaign, coupons, database, invitations


def init_app(app):
    """Add every command group to `flask`."""
    for command in (
        campaign.campaign_cli,
        database.backup,
        database.db_cli,
        admin.admin_cli,
        coupons.coupons_cli,
        invitations.candidates_cli,
        invitations.invitations_cli,
    ):
        app.cli.add_command(command)
