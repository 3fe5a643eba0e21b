"""The audit log page."""

from app.store import audit, get_db
from app.views import render

from . import bp


@bp.get("/audit")
def audit_log():
    """Show who did what and when, newest first."""
    return render("admin/audit.html", events=audit.recent(get_db(), 500))
