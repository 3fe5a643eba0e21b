"""The play blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("play", __name__, url_prefix="/c")
