"""Flask extensions, created unbound and bound in create_app()."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

csrf = CSRFProtect()
htmx = Htmx()
# Storage comes from RATELIMIT_STORAGE_URI: memory:// by default, redis://… to share
# counts between gunicorn workers and machines.
limiter = Limiter(key_func=get_remote_address)
# Administrators sign in at /admin/login; the board never uses it.
login_manager = LoginManager()
