"""The open board in a real browser: live updates, the claim flow, phones, keyboards."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

# These tests read the English pages; tests/e2e/test_japanese.py reads the Japanese ones.
pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="en-US")]

CONTACT = {
    "name": "Hanako Yamada",
    "postal_code": "104-0061",
    "address": "1-2-3 Ginza, Chuo-ku, Tokyo",
    "phone": "090-1234-5678",
    "email": "hanako@example.jp",
}
# Three coupon kinds, so a reveal that shows the wrong tile's coupon is caught.
MIXED = ((25, 7), (20, 7), (10, 6))


def tile(page: Page, no: int):
    """The free tile button `no`; a taken tile is a hidden span with no button."""
    return page.locator(f'button.tile[data-tile="{no}"]')


def uncover(page: Page) -> None:
    """Press the covered draw's button (Reveal, or Spin the roulette) if the page has one,
    and wait for the outcome the reveal POST brings."""
    page.locator(".reveal-button, .outcome-title").first.wait_for()
    if page.locator(".reveal-button").count():
        # Before reveal.js is set up (or without JavaScript) the button posts the form itself.
        page.locator(".reveal-button").click()
    page.locator(".outcome-title").wait_for()


def expect_reveal(page: Page, no: int, label: str) -> None:
    uncover(page)
    expect(page.locator(".outcome-title")).to_have_text(f"Tile {no}: {label}")
    expect(page.get_by_role("button", name="Confirm")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()


def fill_contact(page: Page, **fields) -> None:
    for name, value in {**CONTACT, **fields}.items():
        page.locator(f'form.destination [name="{name}"]').fill(value)


def expect_thanks(page: Page, no: int, label: str, name: str = CONTACT["name"]) -> None:
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    expect(page.locator(".result")).to_have_text(
        f"You will receive {label}, issue no. {no}, sent to {name}."
    )


def expect_one_row(live, slug: str, no: int, label: str) -> None:
    rows = live.export(slug)
    assert len(rows) == 1, rows
    row = rows[0]
    confirmed_at = datetime.fromisoformat(row.pop("confirmed_at"))
    assert row == {"issue_no": str(no), **CONTACT, "coupon": label}
    assert abs(datetime.now(UTC) - confirmed_at) < timedelta(minutes=2)


def test_claim_hides_tile_on_other_boards_and_cancel_brings_it_back(live, new_context):
    slug = live.campaign(prizes=MIXED)
    a = new_context().new_page()
    b = new_context().new_page()
    a.goto(f"/c/{slug}")
    b.goto(f"/c/{slug}")
    expect(tile(b, 7)).to_be_visible()

    tile(a, 7).click()
    expect_reveal(a, 7, live.prize_of(slug, 7))
    expect(tile(b, 7)).to_have_count(0, timeout=3000)
    expect(b.locator("#t7")).to_be_hidden()
    expect(b.locator("#remaining")).to_have_text("19 tiles left")

    a.get_by_role("button", name="Cancel").click()
    expect(a.locator(".result")).to_contain_text("You cancelled tile 7")
    expect(tile(b, 7)).to_be_visible(timeout=3000)
    expect(b.locator("#remaining")).to_have_text("20 tiles left")

    # The tile that came back by polling is a working button.
    tile(b, 7).click()
    expect_reveal(b, 7, live.prize_of(slug, 7))


def test_a_stale_board_says_the_tile_was_taken(live, new_context):
    slug = live.campaign(prizes=MIXED)
    page = new_context().new_page()
    page.route("**/tiles?*", lambda route: route.abort())  # this board has not polled since
    page.goto(f"/c/{slug}")
    live.hold(slug, 7)  # someone else was first

    tile(page, 7).click()
    expect(page.get_by_role("alert")).to_have_text("That tile was just taken — pick another.")
    expect(tile(page, 7)).to_have_count(0)
    expect(tile(page, 8)).to_be_visible()
    tile(page, 8).click()
    expect_reveal(page, 8, live.prize_of(slug, 8))


def test_full_flow_confirms_and_exports_one_row(live, page):
    slug = live.campaign(prizes=MIXED)
    page.goto(f"/c/{slug}")

    tile(page, 12).click()
    label = live.prize_of(slug, 12)  # bound when drawn
    expect_reveal(page, 12, label)
    fill_contact(page)
    page.get_by_role("button", name="Confirm").click()

    expect_thanks(page, 12, label)
    expect_one_row(live, slug, 12, label)


def expect_refused(page: Page) -> None:
    expect(page.get_by_text("You have already drawn in this campaign")).to_be_visible()
    expect(page.locator("button.tile")).to_have_count(0)
    expect(page.locator("form#board")).to_have_count(0)


@pytest.mark.parametrize("action", ["Confirm", "Cancel"])
def test_same_terminal_cannot_draw_again(live, page, new_context, action):
    slug = live.campaign(prizes=MIXED)
    page.goto(f"/c/{slug}")
    tile(page, 5).click()
    expect_reveal(page, 5, live.prize_of(slug, 5))
    if action == "Confirm":
        fill_contact(page)
    page.get_by_role("button", name=action).click()
    expect(page.get_by_text("You have already drawn in this campaign")).to_be_visible()

    page.goto(f"/c/{slug}")
    expect_refused(page)
    page.reload()
    expect_refused(page)

    # Another terminal still sees the board, so the refusal is about this one alone.
    other = new_context().new_page()
    other.goto(f"/c/{slug}")
    expect(other.locator("button.tile")).to_have_count(20 if action == "Cancel" else 19)


def expect_one_page(page: Page) -> None:
    expect(page.locator("h1")).to_have_count(1, timeout=1000)
    expect(page.locator("#board")).to_have_count(0, timeout=1000)


def test_second_tab_of_a_terminal_that_drew_shows_its_ticket(live, new_context):
    slug = live.campaign(prizes=MIXED)
    context = new_context()
    first, second = context.new_page(), context.new_page()
    first.goto(f"/c/{slug}")
    second.goto(f"/c/{slug}")
    tile(first, 7).click()
    expect_reveal(first, 7, live.prize_of(slug, 7))

    tile(second, 8).click()  # the same browser, in a tab opened before the draw
    expect(second.locator(".outcome-title")).to_have_text(f"Tile 7: {live.prize_of(slug, 7)}")
    expect_one_page(second)


def test_a_board_left_open_past_the_close_says_it_closed(live, new_context):
    slug = live.campaign(prizes=MIXED, closes=datetime.now(UTC) + timedelta(minutes=1))
    page = new_context().new_page()
    page.route("**/tiles?*", lambda route: route.abort())  # no poll arrives before the click
    page.goto(f"/c/{slug}")
    expect(tile(page, 5)).to_be_visible()
    live.clock.advance(minutes=1)  # the page stays open past the close

    tile(page, 5).click()
    expect(page.get_by_text("This campaign has closed.")).to_be_visible()
    expect_one_page(page)


def test_whole_flow_without_javascript(live, new_context):
    slug = live.campaign(prizes=MIXED)
    page = new_context(java_script_enabled=False).new_page()
    posts = []
    page.on("response", lambda r: r.request.method == "POST" and posts.append(r))
    page.goto(f"/c/{slug}")

    tile(page, 3).click()
    expect(page).to_have_url(re.compile(rf"/c/{slug}/entry$"))
    label = live.prize_of(slug, 3)
    expect_reveal(page, 3, label)
    fill_contact(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(rf"/c/{slug}/entry$"))
    expect_thanks(page, 3, label)
    # Plain form posts answered by redirects, not htmx swaps.
    assert [(r.url.rsplit("/", 1)[-1], r.status) for r in posts] == [
        ("claim", 303),
        ("reveal", 303),
        ("confirm", 303),
    ]
    expect_one_row(live, slug, 3, label)


def test_phone_320px_board_fits_and_last_tile_can_be_tapped(live, new_context, shots):
    slug = live.campaign(slug="spring-phone")  # 100 tiles: 70 × 25 %, 20 × 20 %, 10 × 10 %
    context = new_context(
        viewport={"width": 320, "height": 640},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(f"/c/{slug}")
    expect(page.locator("button.tile")).to_have_count(100)

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    boxes = page.locator("button.tile").evaluate_all(
        """tiles => tiles.map(t => {
            const r = t.getBoundingClientRect();
            return {no: +t.dataset.tile, left: r.left + scrollX, right: r.right + scrollX,
                    width: r.width, height: r.height};
        })"""
    )
    assert [b["no"] for b in boxes] == list(range(1, 101))
    misfits = [
        b for b in boxes if b["left"] < 0 or b["right"] > 320 or b["width"] < 40 or b["height"] < 40
    ]
    assert misfits == []

    page.screenshot(path=shots / "phone-board.png", full_page=True)

    last = tile(page, 100)
    expect(last).not_to_be_in_viewport()
    last.scroll_into_view_if_needed()
    expect(last).to_be_in_viewport()
    last.tap()
    expect_reveal(page, 100, live.prize_of(slug, 100))
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=shots / "phone-ticket.png", full_page=True)


def test_keyboard_tab_to_a_tile_and_enter_claims_it(live, page):
    slug = live.campaign(prizes=MIXED)
    live.hold(slug, 1)  # a taken tile is skipped by Tab
    page.goto(f"/c/{slug}")
    expect(tile(page, 2)).to_be_visible()

    focused = None
    for _ in range(10):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.matches('button.tile') ? +document.activeElement.dataset.tile"
            " : null"
        )
        if focused:
            break
    assert focused == 2

    page.keyboard.press("Enter")
    expect_reveal(page, 2, live.prize_of(slug, 2))


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_the_card_waits_for_the_person_whatever_the_motion(live, new_context, motion):
    slug = live.campaign(prizes=MIXED)
    page = new_context(reduced_motion=motion).new_page()
    page.goto(f"/c/{slug}")
    tile(page, 4).click()
    expect(page.locator(".scratch-cover")).to_be_visible()
    expect(page.locator(".outcome")).to_have_count(0)  # nothing uncovers itself
    expect_reveal(page, 4, live.prize_of(slug, 4))
    expect(page.locator(".scratch-cover")).to_have_count(0)


def test_desktop_board_with_taken_tiles(live, new_context, shots):
    slug = live.campaign(slug="spring")
    taken = (3, 8, 14, 27, 41, 56, 72, 90)
    live.hold(slug, *taken)
    page = new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"/c/{slug}")

    expect(page.locator("button.tile")).to_have_count(100 - len(taken))
    expect(page.locator("#remaining")).to_have_text(f"{100 - len(taken)} tiles left")
    for no in taken:
        expect(tile(page, no)).to_have_count(0)
        expect(page.locator(f"#t{no}")).to_be_hidden()
    expect(tile(page, 100)).to_be_in_viewport()

    # README's screenshots come from `make screenshots`; tests never write into the tree.
    page.screenshot(path=shots / "desktop-board.png")
