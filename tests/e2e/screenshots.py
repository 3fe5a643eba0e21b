"""Take the README's screenshots: `make screenshots` (python -m tests.e2e.screenshots).

Starts Kuji on a throw-away database, makes a campaign in Tokyo time with a few tiles
already drawn, and writes docs/screenshot-board.png (Japanese, desktop),
docs/screenshot-board-en.png (English, desktop) and docs/screenshot-phone.png (Japanese,
320 px); the reveal on a 375 px phone (tests/e2e/reveal_shots.py): the scratch card
before and while it is scratched, a win's confetti, a loss, the roulette turning and
landed, and one win in English on a desktop; then a shop kiosk on a tablet:
docs/screenshot-kiosk.png (its attract screen), docs/screenshot-kiosk-reveal.png (the
sealed draw) and docs/screenshot-kiosk-result.png (the coupon and its QR code, on a
phone). Every picture is then recompressed with Pillow (optimise()). Only this
script writes into docs/ (or the folder given as its argument); the tests never do.
"""

import io
import shutil
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from app import create_app
from app.lottery.conditions import Conditions, Prize
from app.new_campaign import create_campaign
from app.store import campaigns, claims, get_db, kiosks
from app.web.keys import derive
from tests.e2e.reveal_shots import make_reveal_campaigns, reveal_shots
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


TABLET = {"viewport": {"width": 1180, "height": 820}, "has_touch": True}
KIOSK_PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "has_touch": True,
}


def make_kiosk(db_path: Path, secret: str) -> tuple[str, str]:
    """Register a kiosk for the Japanese campaign; return its setup path and a ticket code."""
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    now = datetime.now(UTC)
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "haru")
        kiosk_id, token = kiosks.register(
            db, campaign.id, "入口", "銀座店", derive("kiosk-setup"), now
        )
        batch = kiosks.make_tickets(db, campaign.id, 1, now)
        return f"/kiosk/setup/{kiosk_id}/{token}", kiosks.batch_codes(db, campaign.id, batch)[0]


def kiosk_shots(browser, server, out: Path) -> None:
    """Bind a tablet as a kiosk and photograph the attract screen, the reveal and the result."""
    setup, code = make_kiosk(server.db_path, server.env["FLASK_SECRET_KEY"])
    context = browser.new_context(locale="ja-JP", base_url=server.url, **TABLET)
    page = context.new_page()
    page.goto(setup)
    page.locator("form button[type=submit]").click()
    page.locator("#ticket-code").wait_for()
    page.screenshot(path=out / "screenshot-kiosk.png")
    page.locator("#ticket-code").fill(code)
    page.locator("#ticket-form button[type=submit]").click()
    page.locator(".kiosk-tiles .tile").first.click()
    page.locator("form[data-open]").wait_for()
    page.screenshot(path=out / "screenshot-kiosk-reveal.png")
    page.locator("form[data-open] button").click()
    page.locator(".kiosk-result").wait_for()
    page.wait_for_timeout(1000)  # the reveal's animation
    page.screenshot(path=out / "screenshot-kiosk-result-tablet.png")
    page.set_viewport_size(KIOSK_PHONE["viewport"])
    page.screenshot(path=out / "screenshot-kiosk-result.png")
    context.close()
    for name in ("kiosk", "kiosk-reveal", "kiosk-result-tablet", "kiosk-result"):
        print(out / f"screenshot-{name}.png")


def main() -> int:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("screenshots need Debian's chromium: make chromium", file=sys.stderr)
        return 1
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS
    out.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "kuji.sqlite"
        create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})  # migrate before workers
        with serve(db_path, workers=1) as server, sync_playwright() as p:
            make_campaigns(db_path, server.env["FLASK_SECRET_KEY"])
            make_reveal_campaigns(db_path, server.env["FLASK_SECRET_KEY"])
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
                page.screenshot(path=out / name, full_page=device is DESKTOP)
                context.close()
                print(out / name)
            for path in reveal_shots(browser, server, out):
                print(path)
            kiosk_shots(browser, server, out)
            browser.close()
    for path in sorted(out.glob("screenshot-*.png")):
        optimise(path)
    return 0


def optimise(path: Path) -> None:
    """Recompress a PNG: in 256 colours where that saves a fifth or more (the coating's grain
    and the confetti make large files), else losslessly; readable by everyone."""
    with Image.open(path) as image:
        image = image.convert("RGB")
    image.save(path, optimize=True)
    fewer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(
        fewer, format="PNG", optimize=True
    )
    if fewer.tell() < path.stat().st_size * 0.8:
        path.write_bytes(fewer.getvalue())
    path.chmod(0o644)


if __name__ == "__main__":
    sys.exit(main())
