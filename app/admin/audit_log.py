"""The audit log page."""

from flask_babel import lazy_gettext as _l

from app.store import audit, get_db
from app.views import render

from . import bp

# The log stores these actions as plain English keys; people read them in their language.
ACTIONS = {
    "signed in": _l("signed in"),
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
}


def action_name(action: str) -> str:
    """Return an audit action as a person reads it; unknown actions as stored."""
    return str(ACTIONS.get(action, action))


@bp.get("/audit")
def audit_log():
    """Show who did what and when, newest first."""
    events = audit.recent(get_db(), 500)
    return render("admin/audit.html", events=events, action_name=action_name)
