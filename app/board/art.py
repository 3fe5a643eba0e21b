"""A campaign's uploaded pictures, served by content hash: a new file gets a new URL.

The URL names the content, never the tier, and a tier's URL is only put on the page in the
outcome, after the reveal; the bytes are checked at upload (PNG, JPEG, WebP or GIF only).
"""

from flask import abort, request, url_for

from app.lottery.branding import text_on
from app.lottery.images import EXTENSIONS
from app.store import get_db, images

from . import bp

YEAR = 365 * 24 * 3600
# The campaign's own pages wear its brand; the admin, the till and the kiosk keep the app's.
PUBLIC = {"board", "invite", "play"}


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


@bp.get("/<slug>/brand/<colour>.css")
def brand(slug, colour):
    """Send the campaign's colours as CSS custom properties (the policy allows no inline style)."""
    from .routes import public_campaign

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


@bp.app_template_global()
def campaign_brand(campaign) -> dict:
    """Return the campaign's brand for its public pages: the colours' stylesheet and logo."""
    if campaign is None or request.blueprint not in PUBLIC:
        return {}
    brand = {}
    colour = campaign.settings.colour
    if colour:
        brand["css"] = url_for("board.brand", slug=campaign.slug, colour=colour[1:])
    logo = images.find(get_db(), campaign.id, campaign.settings.logo or "logo")
    if logo is not None:
        brand["logo"] = url_of(campaign, logo)
    return brand
