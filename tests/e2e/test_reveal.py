"""The reveal in a real browser: nothing of the outcome before the person scratches, spins
or presses Reveal; the outcome after it; the same without JavaScript; a roulette whose labels
never collide; and axe-core on every reveal screen, in Japanese and English, at a phone's,
a tablet's and a desktop's width."""

import math
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.lottery.conditions import to_toml
from app.new_campaign import create_campaign
from app.public.reveal import wheel
from tests.e2e.axe import violations
from tests.e2e.test_board import CONTACT, fill_contact
from tests.factories import conditions

pytestmark = [pytest.mark.e2e]

PRIZES = ((25, 3), (20, 3), (10, 4))
LABELS = ("25 % off", "20 % off", "10 % off")
WIDTHS = (375, 820, 1366)
# What must not be in a covered page: the losing words and the confirm form's fields.
LOSING = {
    "en": ("no prize this time", "No prize this time", "Thank you for taking part"),
    "ja": ("今回ははずれ", "ご参加ありがとうございました"),
}
WORDS = {
    "en": {"reveal": "Reveal", "spin": "Spin the roulette", "draw": "Draw", "confirm": "Confirm"},
    "ja": {
        "reveal": "結果を見る",
        "spin": "ルーレットを回す",
        "draw": "くじを引く",
        "confirm": "確定する",
    },
}
_numbers = iter(range(1, 10_000))


def campaign(live, reveal="scratch", **kw) -> str:
    """Create a campaign open now with this reveal; return its slug."""
    slug = f"uncover-{next(_numbers)}"
    moment = datetime.now(UTC)
    kw.setdefault("prizes", PRIZES)
    c = conditions(
        slug=slug, opens=moment - timedelta(hours=1), closes=moment + timedelta(days=1), **kw
    )
    c = replace(c, reveal=reveal)
    with live.app.app_context():
        create_campaign(c, moment, source=to_toml(c))
    return slug


def browser_page(new_context, lang: str, width: int, **kw) -> Page:
    """A page in `lang` at `width` (a touch phone below 800 px)."""
    phone = width < 800
    context = new_context(
        viewport={"width": width, "height": 900},
        locale="ja-JP" if lang == "ja" else "en-US",
        is_mobile=phone,
        has_touch=phone,
        **kw,
    )
    return context.new_page()


def expect_covered(page: Page, lang: str, roulette: bool = False) -> None:
    """Assert the page holds no outcome: no prize (the card), no confirm form, no losing words."""
    expect(page.locator(".reveal")).to_be_visible()
    html = page.content()
    assert 'class="destination"' not in html and 'name="email"' not in html
    assert "outcome" not in html.split("</header>", 1)[1]
    for words in LOSING[lang]:
        assert words not in html, words
    if not roulette:  # a wheel shows every label; a card none
        for label in LABELS:
            assert label not in html, label


def scratch(page: Page) -> None:
    """Rub the card row by row until the outcome takes its place."""
    card = page.locator(".scratch-canvas")
    expect(card).to_be_visible()
    box = card.bounding_box()
    outcome = page.locator(".outcome")
    for row in range(12):
        if outcome.count():
            break
        y = box["y"] + box["height"] * (row % 6 + 0.5) / 6
        page.mouse.move(box["x"] + 4, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] - 4, y, steps=8)
        page.mouse.up()
    expect(outcome).to_be_visible()


def drawn(live, slug: str) -> str | None:
    """Return the label of the coupon the only entry of `slug` drew, None for no prize."""
    with live.app.app_context():
        from app.store import get_db

        row = (
            get_db()
            .execute(
                "SELECT p.label FROM entries e JOIN campaigns c ON c.id = e.campaign_id"
                " JOIN tiles t ON t.campaign_id = c.id AND t.entry_id = e.id"
                " LEFT JOIN prizes p ON p.id = t.prize_id WHERE c.slug = ?",
                [slug],
            )
            .fetchone()
        )
    assert row is not None
    return row[0]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_scratch_card_hides_everything_until_it_is_scratched(live, new_context, lang, width):
    slug = campaign(live, losing=3)
    page = browser_page(new_context, lang, width, bypass_csp=True)
    page.goto(f"/c/{slug}")
    page.locator('button.tile[data-tile="4"]').click()
    expect_covered(page, lang)
    page.wait_for_load_state()  # measured with the page's style sheets, not before them
    card = page.locator(".scratch").bounding_box()
    if width == 375:  # the card fills the phone's width, less the page's margins
        assert card["width"] >= 375 - 2 * 16
    assert violations(page) == []

    # A confirm sent before the reveal (a crafted request: the page has no form) is refused.
    token = page.locator('.reveal-form [name="csrf_token"]').get_attribute("value")
    refused = page.request.post(f"/c/{slug}/confirm", form={"csrf_token": token, **CONTACT})
    assert refused.status == 409
    expect_covered(page, lang)

    scratch(page)
    label = drawn(live, slug)
    title = page.locator(".outcome-title")
    if label is None:
        expect(title).to_contain_text("はずれ" if lang == "ja" else "no prize this time")
        expect(page.locator(".outcome-loss")).to_be_visible()
    else:
        expect(title).to_contain_text(label)
        expect(page.locator("form.destination")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert violations(page) == []
    if label is not None:
        fill_contact(page)
        page.get_by_role("button", name=WORDS[lang]["confirm"]).click()
        expect(page.locator(".result")).to_contain_text(label)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_roulette_spins_hides_its_control_and_lands_on_the_result(live, new_context, lang, width):
    slug = campaign(live, reveal="roulette", mode="speed", losing=2)
    page = browser_page(new_context, lang, width, bypass_csp=True)
    page.goto(f"/c/{slug}")
    page.get_by_role("button", name=WORDS[lang]["draw"]).click()
    expect_covered(page, lang, roulette=True)
    assert page.locator("[data-stop]").count() == 0  # the wheel knows no result yet
    assert violations(page) == []
    spin = page.get_by_role("button", name=WORDS[lang]["spin"])
    expect(page.locator(".reveal[data-ready='1']")).to_be_attached()
    spin.click()
    expect(page.locator(".reveal")).to_have_class(re.compile(r"\bspinning\b"))
    expect(spin).to_be_hidden()  # no second press while it turns
    expect(page.locator(".outcome")).to_be_visible(timeout=15_000)
    label = drawn(live, slug)
    landed = page.evaluate(
        """() => {
          const svg = document.querySelector('svg.wheel');
          const p = new DOMPoint(0, -85).matrixTransform(svg.getScreenCTM());
          return document.elementFromPoint(p.x, p.y).closest('.wheel-segment').dataset.label;
        }"""
    )
    assert landed == (label or ("はずれ" if lang == "ja" else "No prize"))
    if label:
        expect(page.locator(".outcome-title")).to_contain_text(label)
    assert violations(page) == []


@pytest.mark.parametrize("reveal", ["scratch", "roulette"])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_without_javascript_the_reveal_button_posts_the_form(live, new_context, lang, reveal):
    slug = campaign(live, reveal=reveal)
    page = browser_page(new_context, lang, 375, java_script_enabled=False)
    page.goto(f"/c/{slug}")
    page.locator('button.tile[data-tile="2"]').click()
    expect_covered(page, lang, roulette=reveal == "roulette")
    button = WORDS[lang]["spin" if reveal == "roulette" else "reveal"]
    page.get_by_role("button", name=button).click()
    expect(page.locator(".outcome-title")).to_contain_text(drawn(live, slug))
    expect(page.locator("form.destination")).to_be_visible()


def test_reduced_motion_reveals_at_once_when_pressed(live, new_context):
    slug = campaign(live, reveal="roulette", mode="speed")
    page = browser_page(new_context, "en", 375, reduced_motion="reduce")
    page.goto(f"/c/{slug}")
    page.get_by_role("button", name="Draw").click()
    expect_covered(page, "en", roulette=True)
    expect(page.locator(".reveal[data-ready='1']")).to_be_attached()
    page.get_by_role("button", name="Spin the roulette").click()
    # No spin to wait for: the outcome is there by the time the answer is.
    expect(page.locator(".outcome-title")).to_contain_text(drawn(live, slug), timeout=2000)


def corners(page: Page) -> list:
    """Every wheel label's four corners on the screen (a label may be turned any way)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.wheel-label')].map(t => {
          const b = t.getBBox(), m = t.getScreenCTM();
          return [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height],
                  [b.x, b.y + b.height]].map(([x, y]) => {
            const p = new DOMPoint(x, y).matrixTransform(m); return [p.x, p.y]; });
        })"""
    )


def overlap(a: list, b: list) -> bool:
    """Separating axis test for two convex quadrilaterals."""
    for poly in (a, b):
        for i in range(4):
            (x1, y1), (x2, y2) = poly[i], poly[(i + 1) % 4]
            nx, ny = y2 - y1, x1 - x2
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_roulette_labels_never_collide_from_2_to_12_prizes(live, new_context, lang):
    page = browser_page(new_context, lang, 375)
    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "kuji.css").read_text()
    long = "ハンバーガー無料券とドリンク" if lang == "ja" else "Free burger and a large drink"
    for n in range(2, 13):
        labels = [f"{5 * (i + 1)} % off" if i % 2 else f"{long} {i}" for i in range(n)]
        segments = labels * math.ceil(6 / n)
        for landed in (None, n - 1):
            with live.app.test_request_context(headers={"Accept-Language": lang}):
                svg = str(wheel(segments, landed))
            page.set_content(
                f'<html lang="{lang}"><style>{css}</style><div class="wheel-box">{svg}</div></html>'
            )
            boxes = corners(page)
            assert len(boxes) == len(segments)
            disc = page.locator(".wheel").bounding_box()
            for i, a in enumerate(boxes):
                for x, y in a:  # inside the wheel's box
                    assert disc["x"] <= x <= disc["x"] + disc["width"], (n, i)
                    assert disc["y"] <= y <= disc["y"] + disc["height"], (n, i)
                for j in range(i + 1, len(boxes)):
                    assert not overlap(a, boxes[j]), (n, landed, segments[i], segments[j])
