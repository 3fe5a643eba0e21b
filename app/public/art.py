"""A campaign's uploaded pictures, served by content hash: a new file gets a new URL.

The URL names the content, never the tier, and a tier's URL is only put on the page in the
outcome, after the reveal; the bytes are checked at upload (PNG, JPEG, WebP or GIF only).
"""

from flask import Blueprint, abort

from app.lottery.branding import text_on
from app.lottery.images import EXTENSIONS
from app.store import get_db, images

from .screens import public_campaign

bp = Blueprint("art", __name__, url_prefix="/c")
YEAR = 365 * 24 * 3600


@bp.get("/<slug>/art/<digest>.<ext>")
def image(slug, digest, ext):
    """Send one of the campaign's uploaded images, cached for good."""
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


@bp.get("/<slug>/brand/<colour>.css")
def brand(slug, colour):
    """Send the campaign's colours as CSS custom properties (the policy allows no inline style)."""
    campaign = public_campaign(slug)
    chosen = campaign.settings.colour
    if not chosen or chosen[1:] != colour:
        abort(404)
    css = f":root {{ --brand: {chosen}; --brand-text: {text_on(chosen)}; }}\n"
    return (
        css,
        200,
        {
            "Content-Type": "text/css; charset=utf-8",
            "Cache-Control": f"public, max-age={YEAR}, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )
