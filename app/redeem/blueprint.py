"""The redeem blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("redeem", __name__, url_prefix="/redeem")
