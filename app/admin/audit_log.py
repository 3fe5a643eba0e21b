"""The audit log page."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.lottery.conditions import zone_info
from app.store import audit, get_db
from app.web.responses import render

from .blueprint import bp

# The log stores these actions as plain English keys; people read them in their language.
ACTIONS = {
    "signed in": _l("signed in"),
    "signed out": _l("signed out"),
    "signed out everywhere": _l("signed out everywhere"),
    "changed password": _l("changed the password"),
    "created": _l("created the campaign"),
    "created admin": _l("created an administrator"),
    "edited": _l("edited the campaign"),
    "extended": _l("extended the period"),
    "published": _l("published the campaign"),
    "opened": _l("opened the campaign"),
    "closed": _l("closed the campaign"),
    "exported csv": _l("exported the list as CSV"),
    "exported xlsx": _l("exported the list as XLSX"),
    "printed coupons": _l("printed coupons"),
    "marked issued": _l("marked coupons issued"),
    "created staff": _l("created a staff account"),
    "drawn": _l("ran the batch draw"),
    "imported candidates": _l("imported candidates"),
    "invited": _l("invited candidates"),
    "sent invitations": _l("sent invitations"),
    "resent invitation": _l("sent an invitation again"),
    "registered kiosk": _l("registered a kiosk"),
    "revoked kiosk": _l("revoked a kiosk"),
    "made draw tickets": _l("made draw tickets"),
    "printed draw tickets": _l("printed draw tickets"),
    "undid redemption": _l("undid a redemption"),
    "queued coupons": _l("asked for the coupons to print"),
    "queued export csv": _l("asked for the list as CSV"),
    "queued export xlsx": _l("asked for the list as XLSX"),
    "downloaded csv": _l("downloaded the list as CSV"),
    "downloaded xlsx": _l("downloaded the list as XLSX"),
    "downloaded pdf": _l("downloaded the coupons to print"),
    "printed poster a4": _l("printed the A4 poster"),
    "printed poster a5": _l("printed the A5 flier"),
}
# Details and actors the app itself writes, also in English keys.
WORDS = {
    "opened now": _l("opened now"),
    "closed early": _l("closed early"),
    "command line": _l("command line"),
}


def action_name(action: str) -> str:
    """Return an audit action as a person reads it; unknown actions as stored."""
    return str(ACTIONS.get(action, action))


def word(text: str | None) -> str:
    """Return a detail or actor the app wrote as a person reads it; others as stored."""
    return str(WORDS.get(text, text or ""))


@bp.get("/audit")
def audit_log():
    """Show who did what and when, newest first."""
    events = audit.recent(get_db(), 500)
    # Events of no campaign (sign-ins, accounts) in the shop's zone, not UTC beside JST.
    home = zone_info(current_app.config["TIMEZONE"])
    return render(
        "admin/audit.html",
        events=events,
        action_name=action_name,
        word=word,
        zone_of=lambda e: e.tz if e.campaign else home,
    )
