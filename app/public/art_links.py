"""Links to a campaign's art: its uploaded pictures, and the brand its public pages wear."""

from flask import request, url_for

from app.lottery.images import EXTENSIONS
from app.store import get_db, images

# The campaign's own pages wear its brand; the admin, the till and the kiosk keep the app's.
PUBLIC = {"board", "speed", "batch", "entry", "fairness", "invite", "play"}


def url_of(campaign, image: images.Image) -> str:
    """Return the URL of one of the campaign's images."""
    ext = EXTENSIONS[image.media_type]
    return url_for("art.image", slug=campaign.slug, digest=image.digest, ext=ext)


def campaign_brand(campaign) -> dict:
    """Return the campaign's brand for its public pages: the colours' stylesheet and logo."""
    if campaign is None or request.blueprint not in PUBLIC:
        return {}
    brand = {}
    colour = campaign.settings.colour
    if colour:
        brand["css"] = url_for("art.brand", slug=campaign.slug, colour=colour[1:])
    logo = images.find(get_db(), campaign.id, campaign.settings.logo or "logo")
    if logo is not None:
        brand["logo"] = url_of(campaign, logo)
    return brand
