"""A campaign's uploaded pictures, served by content hash: a new file gets a new URL.

The URL names the content, never the tier, and a tier's URL is only put on the page in the
outcome, after the reveal; the bytes are checked at upload (PNG, JPEG, WebP or GIF only).
"""

from flask import abort, url_for

from app.lottery.images import EXTENSIONS
from app.store import get_db, images

from . import bp

YEAR = 365 * 24 * 3600


@bp.get("/<slug>/art/<digest>.<ext>")
def art(slug, digest, ext):
    """Send one of the campaign's uploaded images, cached for good."""
    from .routes import public_campaign

    campaign = public_campaign(slug)
    found = images.content(get_db(), campaign.id, digest)
    if found is None or EXTENSIONS.get(found[0]) != ext:
        abort(404)
    media_type, data = found
    return (
        data,
        200,
        {
            "Content-Type": media_type,
            "Cache-Control": f"public, max-age={YEAR}, immutable",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def url_of(campaign, image: images.Image) -> str:
    """Return the URL of one of the campaign's images."""
    ext = EXTENSIONS[image.media_type]
    return url_for("board.art", slug=campaign.slug, digest=image.digest, ext=ext)
