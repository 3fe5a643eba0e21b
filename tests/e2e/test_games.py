"""Mini-games in a real browser on a 320 px phone: by taps and by keyboard, with and
without JavaScript, with reduced motion."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app.lottery.conditions import to_toml
from app.store import get_db
from app.store.db import unstamp
from games.stop import round_score
from tests.e2e.axe import violations
from tests.e2e.test_reveal import browser_page
from tests.factories import conditions, create_from_file
from tests.unit.test_game_stop import when_on

pytestmark = pytest.mark.e2e

PHONE = {
    "viewport": {"width": 320, "height": 640},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
QUIZ = """
[game]
name = "quiz"
[[game.questions]]
question = "How much does one DVD-RAM disc hold?"
choices = ["4.7 GB", "700 MB", "25 GB", "1.44 MB"]
answer = 0
[[game.questions]]
question = "Who makes the discs on offer?"
choices = ["XYZ corp.", "ABC Ltd.", "DEF Inc."]
answer = 0
"""
_numbers = iter(range(1, 1000))


def game_campaign(live, game: str, **kw) -> str:
    """Create a campaign open now whose condition file ends with `game`; return its slug."""
    slug = f"game-{next(_numbers)}"
    moment = datetime.now(UTC)
    c = conditions(
        slug=slug, opens=moment - timedelta(hours=1), closes=moment + timedelta(days=1), **kw
    )
    with live.app.app_context():
        text = to_toml(c) + "\n" + game
        create_from_file(c, text, moment)
    return slug


def play_row(live, slug: str) -> dict:
    """Return the campaign's one play as stored: challenge, start and score."""
    with live.app.app_context():
        rows = (
            get_db()
            .execute(
                "SELECT p.challenge, p.started_at, p.score FROM plays p"
                " JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = ?",
                [slug],
            )
            .fetchall()
        )
    assert len(rows) == 1, rows
    challenge, started, score = rows[0]
    return {"challenge": json.loads(challenge), "started": unstamp(started), "score": score}


def fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def expect_score(page: Page, score: int) -> None:
    expect(page.locator(".game-score")).to_have_text(f"Your score: {score} out of 1000.")
    expect(page.get_by_role("link", name="Go to the draw")).to_be_visible()


def test_quiz_on_a_phone_by_tap_then_by_keyboard(live, new_context, shots):
    slug = game_campaign(live, QUIZ, tilt=300)
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}/play")
    expect(page.get_by_text("A better score improves your odds in the draw.")).to_be_visible()
    expect(page.locator(".game-progress")).to_have_text("Question 1 of 2")
    fits(page)
    page.screenshot(path=shots / "quiz-phone.png", full_page=True)
    questions = play_row(live, slug)["challenge"]["questions"]

    live.clock.advance(seconds=1.1)  # a person reads the question first
    page.get_by_label(questions[0]["choices"][questions[0]["answer"]]).tap()
    page.get_by_role("button", name="Answer").tap()

    expect(page.locator(".game-progress")).to_have_text("Question 2 of 2")
    live.clock.advance(seconds=1.1)
    first = page.locator('input[name="choice"]').first
    expect(first).to_be_focused()  # autofocus: the keyboard starts on the choices
    for _ in range(questions[1]["answer"]):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    expect_score(page, 1000)
    assert play_row(live, slug)["score"] == 1000
    fits(page)


def expect_reel_where_the_server_has_it(page: Page, challenge, started: datetime) -> None:
    """Assert the cell under the pointer of the first round's reel is, within one, the one
    the server's clock puts there when the page is looked at, less at most the time the
    page took to arrive: the page places the reel from where the server had it when it
    made the page (a busy server, or a slow network, makes that up to a request ago)."""
    framed, seen_ms, waited_ms = page.evaluate(
        """() => {
          const w = document.querySelector('.reel-window').getBoundingClientRect();
          const x = w.left + w.width / 2, y = w.top + w.height / 2;
          const cell = document.elementFromPoint(x, y);
          const nav = performance.getEntriesByType('navigation')[0];
          return [Number(cell.textContent), Date.now(), nav.responseStart - nav.requestStart];
        }"""
    )
    segments = challenge["segments"]

    def cell_at(ms: float) -> int:
        seconds = (datetime.fromtimestamp(ms / 1000, UTC) - started).total_seconds()
        turns = seconds / challenge["period"] + challenge["rounds"][0]["offset"]
        return round((turns % 1.0) * segments) % segments + 1  # cells are numbered from 1

    def near(cell: int) -> bool:
        off = abs(framed - cell) % segments
        return min(off, segments - off) <= 1

    moments = [seen_ms - waited_ms * step / 10 for step in range(11)]
    assert any(near(cell_at(ms)) for ms in moments), (framed, cell_at(seen_ms), waited_ms)


def test_a_phone_slow_to_paint_still_shows_the_reel_where_the_server_has_it(live, new_context):
    slug = game_campaign(live, '\n[game]\nname = "stop"\nrounds = 1\nspeed = "slow"\n')
    page = new_context(**PHONE).new_page()
    # A slow phone: its page is busy for 1.5 s (4 cells of this reel) right after stop.js
    # placed the reel, before the reel's first frame.
    page.add_init_script(
        """new MutationObserver((changes, watch) => {
             if (!document.querySelector('.reel[data-placed]')) return;
             watch.disconnect();
             const end = performance.now() + 1500;
             while (performance.now() < end) {}
           }).observe(document, {subtree: true, attributes: true,
                                 attributeFilter: ['data-placed']});"""
    )
    page.goto(f"/c/{slug}/play")
    expect(page.locator(".reel[data-placed]")).to_be_visible()
    row = play_row(live, slug)
    expect_reel_where_the_server_has_it(page, row["challenge"], row["started"])


def stops(live, slug: str) -> list[datetime]:
    """When the server took each stop of the campaign's one play, in order."""
    with live.app.app_context():
        rows = get_db().execute(
            "SELECT m.at FROM play_moves m JOIN plays p ON p.id = m.play_id"
            " JOIN campaigns c ON c.id = p.campaign_id WHERE c.slug = ? ORDER BY m.seq",
            [slug],
        )
        return [unstamp(at) for (at,) in rows.fetchall()]


def test_stop_the_roulette_by_keyboard_on_time(live, new_context, shots):
    slug = game_campaign(live, '\n[game]\nname = "stop"\nrounds = 2\nspeed = "slow"\n')
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}/play")
    expect(page.locator(".game-progress")).to_have_text("Round 1 of 2")
    expect(page.get_by_role("button", name="Stop")).to_be_focused()
    expect(page.locator(".reel-window")).to_be_visible()
    expect(page.locator(".reel-still")).to_be_hidden()
    fits(page)
    page.screenshot(path=shots / "stop-phone.png")
    row = play_row(live, slug)
    challenge, started = row["challenge"], row["started"]

    offset, targets = 0.0, []
    for index in range(2):
        at = when_on(challenge, index, offset)
        targets.append(started + timedelta(seconds=at))
        if index == 0:
            # The reel on the page agrees with the server: the framed cell is the one the
            # server's clock puts under the pointer when the page is looked at. The page
            # notes that moment itself: on a busy machine the look can come late.
            wait = (started + timedelta(seconds=at - 0.1) - datetime.now(UTC)).total_seconds()
            time.sleep(max(0.0, wait))
            expect_reel_where_the_server_has_it(page, challenge, started)
        wait = (started + timedelta(seconds=at) - datetime.now(UTC)).total_seconds()
        time.sleep(max(0.0, wait - 0.02))
        page.keyboard.press("Enter")
        offset = (datetime.now(UTC) - started).total_seconds()
        if index == 0:
            expect(page.locator(".game-progress")).to_have_text("Round 2 of 2")
            expect(page.get_by_role("button", name="Stop")).to_be_focused()
            # The next round starts when the server took the stop; read that time back.
            offset = (stops(live, slug)[0] - started).total_seconds()
    expect(page.locator(".game-score")).to_be_visible()
    score = play_row(live, slug)["score"]
    # Each Enter reached the server a moment after the target came round, by the server's
    # clock: the score is what that moment deserves, not what the page might claim. A busy
    # machine delays the press, and the score shows it; a quiet one scores over 700.
    late = [
        (stop - target).total_seconds()
        for stop, target in zip(stops(live, slug), targets, strict=True)
    ]
    assert all(-0.1 < s < 1.0 for s in late), late
    cells = [s / challenge["period"] * challenge["segments"] for s in late]
    deserved = sum(round_score(c, 0, challenge["segments"]) for c in cells) // 2
    assert abs(score - deserved) <= 1, (score, deserved, late)


def test_memory_by_keyboard_with_the_digits_hidden_by_the_page(live, new_context):
    slug = game_campaign(live, '\n[game]\nname = "memory"\nlength = 5\nseconds = 2\n')
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}/play")
    expect(page.get_by_role("button", name="Show the digits")).to_be_focused()
    page.keyboard.press("Enter")
    digits = page.locator(".memory-digits")
    expect(digits).to_be_visible()
    seen = digits.inner_text().replace(" ", "")
    assert seen == play_row(live, slug)["challenge"]["digits"]
    # memory.js presses "I have memorised them" when the two seconds are up.
    answer = page.get_by_label("Type the 5 digits in the order you saw them.")
    expect(answer).to_be_focused(timeout=4000)
    expect(page.locator(".memory-digits")).to_have_count(0)
    assert seen not in page.content()
    page.keyboard.type(seen, delay=300)
    page.keyboard.press("Enter")
    expect_score(page, 1000)
    fits(page)


def test_memory_without_javascript_is_plain_forms(live, new_context):
    slug = game_campaign(live, '\n[game]\nname = "memory"\nlength = 4\nseconds = 5\n')
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    posts = []
    page.on("response", lambda r: r.request.method == "POST" and posts.append(r.status))
    page.goto(f"/c/{slug}/play")
    page.get_by_role("button", name="Show the digits").tap()
    seen = page.locator(".memory-digits").inner_text().replace(" ", "")
    page.get_by_role("button", name="I have memorised them").tap()
    page.get_by_label("Type the 4 digits in the order you saw them.").fill(seen[:2] + "xx")
    live.clock.advance(seconds=1.2)  # typing four digits takes a person that long
    page.get_by_role("button", name="Answer").tap()
    expect_score(page, 500)
    assert posts == [303, 303, 303]  # redirects after each post, no htmx


def test_reduced_motion_stops_the_reel_and_says_the_press_decides(live, new_context):
    slug = game_campaign(live, '\n[game]\nname = "stop"\nrounds = 1\n')
    page = new_context(reduced_motion="reduce", **PHONE).new_page()
    page.goto(f"/c/{slug}/play")
    expect(page.locator(".reel-window")).to_be_hidden()
    expect(page.locator(".reel-still")).to_be_visible()
    expect(page.locator(".reel-goal")).to_be_visible()
    live.clock.advance(seconds=0.6)  # a person's reaction, as the server counts it
    page.get_by_role("button", name="Stop").tap()
    expect(page.locator(".game-score")).to_be_visible()
    assert play_row(live, slug)["score"] is not None


def test_an_unknown_game_is_a_clear_page(live, page):
    slug = game_campaign(live, '\n[game]\nname = "pachinko"\n')
    answer = page.goto(f"/c/{slug}/play")
    assert answer.status == 404
    expect(page.get_by_text("This campaign's game is not available.")).to_be_visible()


def test_the_reel_freezes_on_stop_while_the_server_answers(live, new_context):
    slug = game_campaign(live, '\n[game]\nname = "stop"\nrounds = 2\nspeed = "fast"\n')
    page = new_context(**PHONE).new_page()
    page.goto(f"/c/{slug}/play")
    expect(page.locator(".reel[data-placed]")).to_be_visible()
    held = []
    page.route(f"**/c/{slug}/play", lambda route: held.append(route))  # the answer waits
    page.get_by_role("button", name="Stop").click()
    expect(page.locator(".reel.stopped")).to_have_count(1)
    strip = page.locator(".reel-strip")
    first = strip.evaluate("s => s.getBoundingClientRect().left")
    page.wait_for_timeout(300)  # a fast reel moves a cell in 200 ms
    assert strip.evaluate("s => s.getBoundingClientRect().left") == first
    held[0].continue_()
    expect(page.locator(".game-progress")).to_have_text("Round 2 of 2")


@pytest.mark.parametrize(("lang", "width"), [("ja", 320), ("en", 375), ("ja", 1280)])
def test_the_roulette_page_fits_and_passes_axe(live, new_context, shots, lang, width):
    slug = game_campaign(live, '\n[game]\nname = "stop"\nrounds = 2\n')
    page = browser_page(new_context, lang, width, bypass_csp=True)  # axe is injected
    page.goto(f"/c/{slug}/play")
    expect(page.locator(".reel[data-placed]")).to_be_visible()
    stop = page.get_by_role("button", name="ストップ" if lang == "ja" else "Stop")
    expect(stop).to_be_focused()
    box = stop.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a finger's target
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=shots / f"stop-{lang}-{width}.png")
    assert violations(page) == []
