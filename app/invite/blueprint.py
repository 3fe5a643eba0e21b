"""The invite blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("invite", __name__, url_prefix="/c")
