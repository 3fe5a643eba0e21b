"""Flask extensions, created unbound and bound in create_app()."""

import logging

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from app.web.htmx import Htmx
from app.web.limiting import Limiter

csrf = CSRFProtect()
htmx = Htmx()


def _breached(limit) -> None:
    """Log a request refused by a rate limit (claims, draws, sign-ins): no personal data."""
    logging.getLogger(__name__).info(
        "rate limited", extra={"endpoint": request.endpoint, "limit": str(limit.limit)}
    )


# Storage comes from RATELIMIT_STORAGE_URI: memory-swept:// (per process) by default,
# redis://… to share counts between gunicorn workers and machines.
limiter = Limiter(key_func=get_remote_address, on_breach=_breached)


# Administrators sign in at /admin/login; the board never uses it.
login_manager = LoginManager()
