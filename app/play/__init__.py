"""Mini-games before the draw: start or resume a respondent's one play, moves, the result."""

from . import routes  # noqa: F401
from .blueprint import bp  # noqa: F401  (create_app registers it)
