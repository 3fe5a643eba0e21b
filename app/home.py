"""The front page and the health check."""

import logging

from flask import Blueprint

from app.store import campaigns, get_db
from app.store.db import DatabaseError
from app.web.responses import now, render

bp = Blueprint("home", __name__)
log = logging.getLogger(__name__)
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/")
def index():
    """List the campaigns that are open now."""
    moment = now()
    open_now = [c for c in campaigns.all_campaigns(get_db()) if c.phase(moment) == "open"]
    return render("home.html", campaigns=open_now)


@bp.get("/healthz")
def healthz():
    """Answer load balancers: ok when this worker's database connection answers."""
    try:
        get_db().execute("SELECT 1").fetchone()
    except DatabaseError as exc:
        log.error("health check: database unavailable: %s", exc)
        return "database unavailable", 503, TEXT
    return "ok", 200, TEXT
