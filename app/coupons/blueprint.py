"""The coupons blueprint, apart so its views import it without importing the package."""

from flask import Blueprint

bp = Blueprint("coupons", __name__)
