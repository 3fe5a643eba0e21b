"""The open board: public tiles, claim, confirm, cancel and live updates."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/c")

from . import fairness  # noqa: E402, F401, I001
from . import art, contact_first, revealing, routes  # noqa: E402, F401
