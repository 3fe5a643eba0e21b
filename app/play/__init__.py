"""Mini-games before the draw: start or resume a respondent's one play, moves, the result."""

from flask import Blueprint

bp = Blueprint("play", __name__, url_prefix="/c")

from . import routes  # noqa: E402, F401
