"""Storage: every SQL statement Kuji runs lives in this package."""

from .db import get_db, immediate
from .errors import AlreadyDrawn, ClaimError, Closed, Duplicate, NotHeld, Refused, Taken

__all__ = [
    "AlreadyDrawn",
    "ClaimError",
    "Closed",
    "Duplicate",
    "NotHeld",
    "Refused",
    "Taken",
    "get_db",
    "immediate",
]
