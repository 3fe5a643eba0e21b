"""Storage: every SQL statement Kuji runs lives in this package."""

from .db import get_db, immediate
from .errors import AlreadyDrawn, ClaimError, Closed, Duplicate, NotHeld, Taken

__all__ = [
    "AlreadyDrawn",
    "ClaimError",
    "Closed",
    "Duplicate",
    "NotHeld",
    "Taken",
    "get_db",
    "immediate",
]
