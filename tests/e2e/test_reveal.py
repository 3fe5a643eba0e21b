"""Reveals in a real browser on a phone: scratch by dragging, Reveal by keyboard, a roulette
that lands on the drawn prize, reduced motion, and a speed campaign from game to confirmation."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.campaigns import create_campaign
from app.lottery.conditions import parse_conditions, to_toml
from tests.e2e.test_board import CONTACT, MIXED, expect_one_row, fill_contact, tile
from tests.factories import conditions

pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="en-US")]

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
QUIZ = """
[game]
name = "quiz"
[[game.questions]]
question = "How much does one DVD-RAM disc hold?"
choices = ["4.7 GB", "700 MB", "25 GB"]
answer = 0
"""
_numbers = iter(range(1, 1000))


def campaign(live, reveal="scratch", extra="", **kw) -> str:
    """Create a campaign open now with this reveal (and `extra` TOML); return its slug."""
    slug = f"reveal-{next(_numbers)}"
    moment = datetime.now(UTC)
    kw.setdefault("prizes", MIXED)
    c = conditions(
        slug=slug, opens=moment - timedelta(hours=1), closes=moment + timedelta(days=1), **kw
    )
    c = replace(c, reveal=reveal)
    with live.app.app_context():
        text = to_toml(c) + "\n" + extra
        create_campaign(parse_conditions(text), moment, source=text)
    return slug


def drawn_tile(page: Page) -> int:
    text = page.locator(".reveal-result").text_content()
    return int(re.search(r"Tile (\d+)", text).group(1))


def drag(page: Page, box: dict, rows: int) -> None:
    """Rub across the card with the mouse: `rows` strokes from left to right."""
    for i in range(rows):
        y = box["y"] + box["height"] * (i + 0.5) / rows
        page.mouse.move(box["x"] + 2, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] - 2, y, steps=12)
        page.mouse.up()


def expect_announced(page: Page, text: str) -> None:
    expect(page.locator(".reveal")).to_have_class(re.compile(r"\brevealed\b"))
    expect(page.locator(".reveal-status")).to_have_text(text)


def test_scratch_a_card_by_dragging_until_it_reveals(live, new_context):
    slug = campaign(live)
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}")
    tile(page, 4).click()
    canvas = page.locator(".scratch-canvas")
    expect(canvas).to_be_visible()
    expect(page.locator(".reveal-result")).to_have_attribute("aria-hidden", "true")
    expect(page.locator(".reveal-status")).to_have_text("")
    box = canvas.bounding_box()

    drag(page, box, 1)  # one stroke is not enough
    expect(page.locator(".reveal")).not_to_have_class(re.compile(r"\brevealed\b"))
    drag(page, box, 5)

    label = live.prize_of(slug, 4)
    expect_announced(page, f"Tile 4: {label}")
    expect(page.locator(".scratch-cover")).to_be_hidden()
    expect(page.get_by_role("button", name="Reveal")).to_have_count(0)
    expect(page.locator(".reveal-result")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_reveal_by_keyboard(live, new_context):
    slug = campaign(live)
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}")
    tile(page, 6).click()
    button = page.get_by_role("button", name="Reveal")
    expect(button).to_be_visible()
    # The card is live once reveal.js has set it up; a key pressed before reaches nothing.
    expect(page.locator(".reveal[data-ready='1']")).to_be_attached()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.reveal-button')"):
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect_announced(page, f"Tile 6: {live.prize_of(slug, 6)}")
    expect(page.locator(".scratch-cover")).to_be_hidden()
    expect(page.locator(".reveal-result")).to_be_focused()  # the keyboard keeps its place


def landed(page: Page) -> str:
    """Return the label of the segment under the wheel's pointer, as the screen shows it."""
    return page.evaluate(
        """() => {
          const svg = document.querySelector('svg.wheel');
          const p = new DOMPoint(0, -85).matrixTransform(svg.getScreenCTM());
          const hit = document.elementFromPoint(p.x, p.y);
          return hit && hit.closest('.wheel-segment').dataset.label;
        }"""
    )


def test_the_roulette_spins_and_lands_on_the_drawn_prize(live, new_context, shots):
    slug = campaign(live, reveal="roulette", mode="speed", losing=3)
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}")
    page.get_by_role("button", name="Draw").click()
    spin = page.get_by_role("button", name="Spin the roulette")
    expect(spin).to_be_visible()
    expect(page.locator(".reveal-result")).to_be_hidden()
    segments = page.locator(".wheel-segment")
    labels = {segments.nth(i).get_attribute("data-label") for i in range(segments.count())}
    assert labels == {"25 % off", "20 % off", "10 % off", "No prize"}

    spin.click()
    expect(page.locator(".reveal")).to_have_class(re.compile(r"\bspinning\b"))
    expect(page.locator(".reveal")).to_have_class(re.compile(r"\brevealed\b"), timeout=8000)
    text = page.locator(".reveal-result").text_content().strip()
    server = "No prize" if "no prize" in text else live.prize_of(slug, drawn_tile(page))
    assert landed(page) == server
    expect(page.locator(".reveal-status")).to_have_text(text)
    page.screenshot(path=shots / "roulette-phone.png")


@pytest.mark.parametrize("reveal", ["scratch", "roulette"])
def test_reduced_motion_reveals_at_once(live, new_context, reveal):
    slug = campaign(live, reveal=reveal, mode="speed")
    page = new_context(**PHONE).new_page()
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"/c/{slug}")
    page.get_by_role("button", name="Draw").click()
    result = page.locator(".reveal-result")
    result.wait_for(state="attached")
    assert result.is_visible()  # at once, not after an animation
    expect(page.locator(".reveal-button")).to_have_count(0)
    no = drawn_tile(page)
    expect_announced(page, f"Tile {no}: {live.prize_of(slug, no)}")
    if reveal == "roulette":
        assert landed(page) == live.prize_of(slug, no)
    else:
        expect(page.locator(".scratch-cover")).to_be_hidden()


@pytest.mark.parametrize("reveal", ["scratch", "roulette"])
def test_without_javascript_the_result_is_text(live, new_context, reveal):
    slug = campaign(live, reveal=reveal)
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    page.goto(f"/c/{slug}")
    tile(page, 2).click()
    expect(page.locator(".reveal-result")).to_have_text(f"Tile 2: {live.prize_of(slug, 2)}")
    expect(page.locator(".reveal-result")).to_be_visible()
    expect(page.locator(".scratch-cover")).to_be_hidden()
    expect(page.locator(".reveal-button")).to_be_hidden()


def test_a_speed_campaign_from_game_to_confirmation(live, new_context, shots):
    slug = campaign(live, mode="speed", tilt=400, extra=QUIZ)
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}")
    expect(page.get_by_text("A better score improves your odds in the draw.")).to_be_visible()
    expect(page.get_by_role("button", name="Draw")).to_have_count(0)
    page.get_by_role("link", name="Play the game").tap()

    expect(page.locator(".game-progress")).to_have_text("Question 1 of 1")
    page.wait_for_timeout(1100)  # a person reads the question first
    page.get_by_label("4.7 GB").tap()
    page.get_by_role("button", name="Answer").tap()
    expect(page.locator(".game-score")).to_have_text("Your score: 1000 out of 1000.")
    page.get_by_role("link", name="Go to the draw").tap()

    expect(page.locator(".game-score")).to_have_text("Your score: 1000 out of 1000.")
    page.get_by_role("button", name="Draw").tap()
    page.get_by_role("button", name="Reveal").tap()
    no = drawn_tile(page)
    label = live.prize_of(slug, no)
    expect_announced(page, f"Tile {no}: {label}")
    fill_contact(page)
    page.get_by_role("button", name="Confirm").tap()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator(".result")).to_have_text(
        f"You will receive {label}, issue no. {no}, sent to {CONTACT['name']}."
    )
    expect_one_row(live, slug, no, label)
    page.screenshot(path=shots / "speed-game-confirmed.png", full_page=True)
