"""The front page and the health check."""

from flask import Blueprint

from .store import campaigns, get_db
from .views import now, render

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """List the campaigns that are open now."""
    moment = now()
    open_now = [c for c in campaigns.all_campaigns(get_db()) if c.phase(moment) == "open"]
    return render("home.html", campaigns=open_now)


@bp.get("/healthz")
def healthz():
    """Answer load balancers without touching the database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
