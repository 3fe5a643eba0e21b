"""Which uploaded images a campaign may show: the format read from the bytes, never the name.

Only raster formats a browser shows as a picture and never runs: no SVG (it can carry script).
"""

import hashlib
import re

MAX_BYTES = 512 * 1024
MAX_NAME = 100
# A name the condition file uses to refer to an uploaded file: no folders, no tricks.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif"}


def media_type(data: bytes) -> str | None:
    """Return the image's media type from its magic bytes, or None when it is not one we show."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    return None


def digest(data: bytes) -> str:
    """Return the content hash that names the image in its URL (a new file, a new URL)."""
    return hashlib.sha256(data).hexdigest()[:32]


def valid_name(name: object) -> bool:
    """Tell whether `name` may name an uploaded image in a condition file."""
    return isinstance(name, str) and NAME.fullmatch(name) is not None and ".." not in name


def tier_name(tier: int) -> str:
    """Return the name an image uploaded for a prize tier gets when the file names none."""
    return f"prize-{tier}"
