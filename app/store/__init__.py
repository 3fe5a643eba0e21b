"""Storage: every SQL statement Kuji runs lives in this package."""

from .db import get_db, immediate
from .errors import AlreadyDrawn, ClaimError, Duplicate, NotHeld, Taken

__all__ = ["AlreadyDrawn", "ClaimError", "Duplicate", "NotHeld", "Taken", "get_db", "immediate"]
