"""The reveal's screenshots for `make screenshots`: a scratch card before and while it is
scratched, a win's celebration, a loss, a roulette turning and landed.

Each campaign's seed is chosen before it is stored, so its first draw is the outcome the
picture needs (a top prize, or no prize) on every run: the draw is the seed's, and the
script finds a seed whose draw 1 gives it on a throw-away copy of the campaign.
"""

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import create_app
from app.lottery.conditions import Conditions, Prize, to_toml
from app.store import campaigns, claims, get_db

PHONE = {
    "viewport": {"width": 375, "height": 720},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1000, "height": 700}}
CONFETTI_MS = 450  # after the outcome shows: the first burst is spread over the screen


# Hold the wheel still at a frame past its first turn, its labels aslant, until
# window.kujiResume(): animation frames are queued instead of run, then run when resumed.
FREEZE_TURNED = """() => new Promise((resolve) => {
  const run = window.requestAnimationFrame.bind(window);
  const held = [];
  function look() {
    const turn = document.querySelector('.wheel-disc').getAttribute('transform');
    const angle = parseFloat(turn.slice('rotate('.length));
    if (angle > 360 && angle % 360 > 20 && angle % 360 < 60) {
      window.requestAnimationFrame = (callback) => held.push(callback);
      window.kujiResume = () => {
        window.requestAnimationFrame = run;
        held.forEach((callback) => run(callback));
      };
      resolve(angle);
    } else {
      run(look);
    }
  }
  run(look);
})"""


def reveal_campaign(slug: str, lang: str, reveal: str, losing: int, now) -> Conditions:
    """A small campaign in Tokyo time: a board to scratch, or a speed lottery's roulette."""
    ja = lang == "ja"
    return Conditions(
        title="冬の DVD-RAM くじ" if ja else "Winter DVD-RAM lottery",
        slug=slug,
        goods="XYZ社の DVD-RAM — 最大30%オフ" if ja else "DVD-RAM by XYZ corp. — up to 30 % off",
        opens=now - timedelta(hours=1),
        closes=now + timedelta(days=14),
        prizes=(
            Prize("30%オフ" if ja else "30 % off", 30, "percent", 4),
            Prize("20%オフ" if ja else "20 % off", 20, "percent", 6),
            Prize("10%オフ" if ja else "10 % off", 10, "percent", 10),
        ),
        losing=losing,
        mode="board" if reveal == "scratch" else "speed",
        reveal=reveal,
        timezone="Asia/Tokyo",
    )


def top(prize) -> bool:
    return prize is not None and prize.position == 0  # the first tier: the grand prize


def lost(prize) -> bool:
    return prize is None


def seed_for(c: Conditions, want: Callable, tile: int | None) -> bytes:
    """Return the first seed (of a fixed series) whose first draw, on tile `tile`, gives
    a prize `want` accepts: tried on copies of the campaign in a throw-away database."""
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"DATABASE": str(Path(tmp) / "seeds.sqlite"), "SECRET_KEY": "seeds"})
        with app.app_context():
            db = get_db()
            for n in range(500):
                seed = hashlib.sha256(f"{c.slug}/{n}".encode()).digest()
                trial = replace(c, slug=f"trial-{n}")
                campaign_id = campaigns.create(db, trial, seed, to_toml(trial), now)
                entry = claims.hold(
                    db, campaigns.by_slug(db, trial.slug), "board:trial", now, no=tile
                )
                if want(campaigns.prizes(db, campaign_id).get(entry.prize_id)):
                    return seed
    raise RuntimeError(f"no seed gives {c.slug} the draw it needs")


def make_reveal_campaigns(db_path: Path, secret: str) -> None:
    """Store the campaigns of the reveal's pictures, each with a seed that draws as needed."""
    now = datetime.now(UTC)
    wanted = (
        (reveal_campaign("scratch-win", "ja", "scratch", 10, now), top, 4),
        (reveal_campaign("scratch-loss", "ja", "scratch", 10, now), lost, 4),
        (reveal_campaign("wheel", "ja", "roulette", 4, now), top, None),
        (reveal_campaign("win-en", "en", "scratch", 10, now), top, 4),
    )
    seeded = [(c, seed_for(c, want, tile)) for c, want, tile in wanted]
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    with app.app_context():
        for c, seed in seeded:
            campaigns.create(get_db(), c, seed, to_toml(c), now)


def scratch(page, strokes) -> None:
    """Rub the card along `strokes`: (height share, from width share, to width share) each,
    stopping early once the card has cleared."""
    card = page.locator(".scratch-canvas")
    card.wait_for()
    box = card.bounding_box()
    for y, start, end in strokes:
        if page.locator(".outcome").count():
            return
        at = box["y"] + box["height"] * y
        page.mouse.move(box["x"] + box["width"] * start, at)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * end, at + 6, steps=8)
        page.mouse.up()


# Two strokes through the middle: the prize shows through, the card is not yet cleared.
PART = ((0.45, 0.1, 0.8), (0.8, 0.15, 0.9))
# Row after row: past the threshold, the rest clears by itself.
WHOLE = tuple((row / 6 + 1 / 12, 0.02, 0.98) for row in range(6)) * 2


def draw_on_board(browser, server, slug: str, locale: str, device: dict):
    """Open a board in a fresh browser and draw tile 4; return the page at its scratch card."""
    context = browser.new_context(locale=locale, base_url=server.url, **device)
    page = context.new_page()
    page.goto(f"/c/{slug}")
    page.locator('button.tile[data-tile="4"]').click()
    page.locator(".scratch-canvas").wait_for()
    page.wait_for_timeout(300)  # the card's fade-in
    return page


def celebrate(page, path: Path, wait: int = CONFETTI_MS) -> None:
    """Photograph a win while its confetti is in the air, `wait` ms after it was thrown."""
    page.locator(".outcome.celebrating").wait_for()
    page.wait_for_timeout(wait)
    page.screenshot(path=path)


def reveal_shots(browser, server, out: Path) -> list[Path]:
    """Photograph the scratch card, a win, a loss and the roulette; return the files."""
    taken = []

    def shot(page, name):
        page.screenshot(path=out / name)
        taken.append(out / name)

    page = draw_on_board(browser, server, "scratch-win", "ja-JP", PHONE)
    shot(page, "screenshot-scratch.png")
    scratch(page, PART)
    page.locator(".scratch-face.shown").wait_for()  # the prize shows through the rubbing
    page.wait_for_timeout(200)
    shot(page, "screenshot-scratch-mid.png")
    scratch(page, WHOLE)
    celebrate(page, out / "screenshot-win.png")
    taken.append(out / "screenshot-win.png")
    page.context.close()

    page = draw_on_board(browser, server, "scratch-loss", "ja-JP", PHONE)
    page.locator(".reveal-button").click()
    page.locator(".outcome-loss").wait_for()
    page.wait_for_timeout(600)  # the gentle fade of a loss
    shot(page, "screenshot-loss.png")
    page.context.close()

    page = draw_on_board(browser, server, "win-en", "en-US", DESKTOP)
    page.locator(".reveal-button").click()
    celebrate(page, out / "screenshot-win-en.png")
    taken.append(out / "screenshot-win-en.png")
    page.context.close()

    context = browser.new_context(locale="ja-JP", base_url=server.url, **PHONE)
    page = context.new_page()
    page.goto("/c/wheel")
    page.locator("form.draw button").click()
    page.locator(".reveal[data-ready='1']").wait_for()
    page.wait_for_timeout(300)
    page.locator(".reveal-button").click()
    page.locator(".reveal.spinning").wait_for()
    page.evaluate(FREEZE_TURNED)
    shot(page, "screenshot-roulette.png")
    page.evaluate("window.kujiResume()")
    page.locator(".outcome").wait_for(timeout=15_000)
    # The wheel and the prize under it, in one picture.
    page.locator(".outcome").evaluate("e => window.scrollTo(0, e.offsetTop - 12)")
    celebrate(page, out / "screenshot-roulette-landed.png", wait=2600)  # the labels show
    taken.append(out / "screenshot-roulette-landed.png")
    context.close()
    return taken
