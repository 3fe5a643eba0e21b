"""Invitations: invited candidates log in with an e-mailed ID and password and draw once."""

from flask import Blueprint

bp = Blueprint("invite", __name__, url_prefix="/c")

from . import routes, sending  # noqa: E402, F401
