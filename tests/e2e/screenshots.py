"""Take the README's screenshots: `make screenshots` (python -m tests.e2e.screenshots).

Starts Kuji on a throw-away database, makes a campaign in Tokyo time with a few tiles
already drawn, and writes docs/screenshot-board.png (Japanese, desktop),
docs/screenshot-board-en.png (English, desktop) and docs/screenshot-phone.png (Japanese,
320 px). Only this script writes into docs/; the tests never do.
"""

import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from app import create_app
from app.campaigns import create_campaign
from app.lottery.conditions import Conditions, Prize
from app.store import campaigns, claims, get_db
from tests.server import ROOT, serve

DOCS = ROOT / "docs"
DESKTOP = {"viewport": {"width": 1000, "height": 640}}
PHONE = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TAKEN = (3, 8, 9, 14, 22, 27, 31, 40, 46, 52, 58, 63, 71, 77, 85, 90, 96)


def campaign(slug: str, title: str, goods: str, labels: tuple[str, str, str], now) -> Conditions:
    """A 100-tile campaign in Tokyo time, open from an hour ago for two weeks."""
    return Conditions(
        title=title,
        slug=slug,
        goods=goods,
        opens=now - timedelta(hours=1),
        closes=now + timedelta(days=14),
        prizes=(
            Prize(labels[0], 25, "percent", 70),
            Prize(labels[1], 1000, "yen", 20),
            Prize(labels[2], 10, "percent", 10),
        ),
        timezone="Asia/Tokyo",
    )


def make_campaigns(db_path: Path, secret: str) -> None:
    """Create the Japanese and the English shop's campaign, with some tiles drawn."""
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    now = datetime.now(UTC)
    shops = (
        campaign(
            "haru",
            "春の DVD-RAM キャンペーン",
            "XYZ社の DVD-RAM — 最大25%オフ",
            ("25%オフ", "1,000円引き", "10%オフ"),
            now,
        ),
        campaign(
            "spring",
            "Spring DVD-RAM campaign",
            "DVD-RAM by XYZ corp. — up to 25 % off",
            ("25 % off", "¥1,000 off", "10 % off"),
            now,
        ),
    )
    with app.app_context():
        db = get_db()
        for c in shops:
            create_campaign(c, now)
            row = campaigns.by_slug(db, c.slug)
            for no in TAKEN:
                claims.hold(db, row, f"board:shot-{no}", now, no=no)


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots need Debian's chromium: make chromium", file=sys.stderr)
        return 1
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "kuji.sqlite"
        create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})  # migrate before workers
        with serve(db_path, workers=1) as server, sync_playwright() as p:
            make_campaigns(db_path, server.env["FLASK_SECRET_KEY"])
            browser = p.chromium.launch(executable_path=chromium)
            shots = (
                ("screenshot-board.png", "ja-JP", DESKTOP, "haru"),
                ("screenshot-board-en.png", "en-US", DESKTOP, "spring"),
                ("screenshot-phone.png", "ja-JP", PHONE, "haru"),
            )
            for name, locale, device, slug in shots:
                context = browser.new_context(locale=locale, base_url=server.url, **device)
                page = context.new_page()
                page.goto(f"/c/{slug}")
                page.locator("button.tile").first.wait_for()
                page.screenshot(path=DOCS / name, full_page=device is DESKTOP)
                context.close()
                print(DOCS / name)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
