"""A campaign's pictures: one per prize tier (shown when that tier is revealed) and a logo."""

import logging

from flask import request, url_for
from flask_babel import gettext as _

from app.lottery.images import MAX_BYTES, digest, media_type
from app.public.art_links import url_of
from app.store import campaigns, get_db, images
from app.web.responses import go, now, render

from .blueprint import bp
from .campaigns import campaign_or_404

log = logging.getLogger(__name__)


def slots(db, campaign) -> list[tuple[str, str, str, images.Image | None]]:
    """Return (slot, what it is, image name, stored image) for each tier and the logo."""
    stored = images.named(db, campaign.id)
    found = []
    for prize in campaigns.prizes(db, campaign.id).values():
        tier = prize.position + 1
        name = campaign.settings.prize_image(tier)
        what = _("Prize %(tier)s: %(label)s", tier=tier, label=prize.label)
        found.append((str(tier), what, name, stored.get(name)))
    logo = campaign.settings.logo or "logo"
    found.append(("logo", _("Logo or picture of the goods"), logo, stored.get(logo)))
    return found


def _page(campaign, problems=(), status=200):
    db = get_db()
    rows = [
        (s, what, name, img, img and url_of(campaign, img))
        for s, what, name, img in slots(db, campaign)
    ]
    return render(
        "admin/images.html",
        status=status,
        campaign=campaign,
        rows=rows,
        problems=list(problems),
        limit=MAX_BYTES // 1024,
    )


@bp.get("/campaigns/<slug>/images")
def campaign_images(slug):
    """Show the campaign's prize art and logo, with a file field for each."""
    return _page(campaign_or_404(slug))


@bp.post("/campaigns/<slug>/images")
def upload_image(slug):
    """Store an uploaded picture for one prize tier or the logo, after checking its bytes."""
    campaign = campaign_or_404(slug)
    db = get_db()
    slot = request.form.get("slot", "")
    names = {s: name for s, _what, name, _img in slots(db, campaign)}
    file = request.files.get("file")
    data = file.read(MAX_BYTES + 1) if file else b""
    kind = media_type(data)
    problem = None
    if slot not in names:
        problem = _("Choose a prize tier or the logo for the picture.")
    elif not data:
        problem = _("Choose a picture to upload.")
    elif len(data) > MAX_BYTES:
        problem = _("The picture is too large: at most %(size)d KB.", size=MAX_BYTES // 1024)
    elif kind is None:
        problem = _("The picture must be a PNG, JPEG, WebP or GIF file.")
    if problem:
        return _page(campaign, [problem], status=422)
    images.save(db, campaign.id, names[slot], digest(data), kind, data, now())
    log.info("image uploaded", extra={"campaign": slug, "slot": slot, "bytes": len(data)})
    return go(url_for(".campaign_images", slug=slug))
