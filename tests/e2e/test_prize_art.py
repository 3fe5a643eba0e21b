"""The shop's prize art in a real browser: nothing points at it until the card is scratched."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from app.lottery.images import digest
from app.store import campaigns, get_db, images
from tests.e2e.test_reveal import browser_page, campaign, expect_covered, scratch
from tests.images import png

pytestmark = [pytest.mark.e2e]


def test_uploaded_art_appears_only_after_the_reveal(live, new_context):
    slug = campaign(live, prizes=((25, 5),))
    picture = png((20, 120, 200), size=32)
    with live.app.app_context():
        db = get_db()
        cid = campaigns.by_slug(db, slug).id
        images.save(db, cid, "prize-1", digest(picture), "image/png", picture, datetime.now(UTC))
    page = browser_page(new_context, "en", 375)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if "/art/" in r.url else None)
    page.goto(f"/c/{slug}")
    page.locator('button.tile[data-tile="2"]').click()
    expect_covered(page, "en")
    assert "/art/" not in page.content() and asked == []
    scratch(page)
    art = page.locator(".outcome-art.own")
    expect(art).to_be_visible()
    assert art.evaluate("img => img.complete && img.naturalWidth") == 32
    assert len(asked) == 1 and asked[0].endswith(f"/c/{slug}/art/{digest(picture)}.png")
