"""The open board: public tiles, claim, confirm, cancel and live updates."""

from flask import Blueprint

bp = Blueprint("board", __name__, url_prefix="/c")

from . import routes  # noqa: E402, F401
