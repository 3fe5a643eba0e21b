"""The admin blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
