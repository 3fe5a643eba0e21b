"""Invitations: invited candidates log in with an e-mailed ID and password and draw once."""

from . import routes, sending  # noqa: F401
from .blueprint import bp  # noqa: F401  (create_app registers it)
