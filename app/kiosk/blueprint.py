"""The kiosk blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")
