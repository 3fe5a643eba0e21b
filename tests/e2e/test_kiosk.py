"""A shop kiosk on a tablet: register it, print tickets, draw, reset, refuse a reused ticket."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app import create_app
from app.admin.passwords import hash_password
from app.lottery.conditions import parse_conditions, to_toml
from app.new_campaign import create_campaign
from app.store import admins, get_db
from tests.factories import QUIZ, conditions
from tests.server import serve

pytestmark = [pytest.mark.e2e]
EMAIL, PASSWORD = "kiosk-admin@example.jp", "a long kiosk password"
IDLE = 8  # seconds: long enough that a slow step on a loaded machine never resets a turn
_numbers = itertools.count(1)


def _serve(tmp_path_factory, **settings):
    db_path = tmp_path_factory.mktemp("kiosk") / "kuji.sqlite"
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    with app.app_context():
        admins.create(get_db(), EMAIL, hash_password(PASSWORD), datetime.now(UTC))
    return serve(db_path, workers=2, **settings), app


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A server whose kiosks wait the usual idle time: a slow step never resets a turn."""
    served, app = _serve(tmp_path_factory)
    with served as server:
        yield server, app


@pytest.fixture(scope="module")
def idle_shop(tmp_path_factory):
    """A server whose kiosks return to the attract screen after a few idle seconds."""
    served, app = _serve(tmp_path_factory, KIOSK_IDLE_SECONDS=IDLE)
    with served as server:
        yield server, app


def _campaign(app, game: str = "", **kwargs) -> str:
    moment = datetime.now(UTC)
    c = conditions(
        slug=f"kiosk-{next(_numbers)}",
        opens=moment - timedelta(hours=1),
        closes=moment + timedelta(days=1),
        prizes=((30, 10), (10, 10)),
        **kwargs,
    )
    c = replace(c, issue="electronic")
    with app.app_context():
        text = to_toml(c) + "\n" + game
        create_campaign(parse_conditions(text), moment, source=text)
    return c.slug


def _tablet(browser, playwright, landscape=True):
    device = dict(playwright.devices["iPad (gen 7) landscape" if landscape else "iPad (gen 7)"])
    return browser.new_context(**device, locale="en-US")


def _admin_sets_up(browser, url, slug, tickets=3):
    """Sign in, register a kiosk, make and print tickets; return (setup link, PDF bytes)."""
    context = browser.new_context(locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{url}/admin/login")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{url}/admin/campaigns/{slug}")
    page.get_by_role("link", name="Kiosks and tickets").click()
    page.get_by_label("Kiosk name").fill("Front door")
    page.get_by_label("Store").fill("Ginza store")
    page.get_by_role("button", name="Register a kiosk").click()
    link = page.locator(".setup-link").input_value()
    page.get_by_label("How many tickets").fill(str(tickets))
    page.get_by_role("button", name="Make tickets").click()
    with page.expect_download() as caught:
        page.get_by_role("link", name="Print (PDF)").click()
    pdf = open(caught.value.path(), "rb").read()  # noqa: SIM115
    context.close()
    return link, pdf


def _codes(app, slug) -> list[str]:
    with app.app_context():
        rows = get_db().execute(
            "SELECT t.code FROM kiosk_tickets t JOIN campaigns c ON c.id = t.campaign_id"
            " WHERE c.slug = ? ORDER BY t.id",
            [slug],
        )
        return [r[0] for r in rows]


def _coupon(slug) -> str:
    """The e-coupon drawn in this campaign (the module's tests share a server)."""
    return (
        get_db()
        .execute(
            "SELECT e.code FROM ecoupons e JOIN campaigns c ON c.id = e.campaign_id"
            " WHERE c.slug = ?",
            [slug],
        )
        .fetchone()[0]
    )


def test_a_kiosk_draws_with_a_ticket_shows_the_qr_code_and_forgets_the_customer(
    idle_shop, browser, playwright
):
    server, app = idle_shop
    slug = _campaign(app)
    link, pdf = _admin_sets_up(browser, server.url, slug, tickets=3)
    assert pdf.startswith(b"%PDF")
    codes = _codes(app, slug)
    assert len(codes) == 3 and len(set(codes)) == 3

    context = _tablet(browser, playwright)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Use this tablet as the kiosk").click()
    expect(page.get_by_role("heading", name="Coupons to win")).to_be_visible()
    start_length = page.evaluate("history.length")

    ticket = f"{codes[0][:4].lower()}-{codes[0][4:]}"  # typed as a person would
    page.get_by_label("Type the code on your draw ticket").fill(ticket)
    page.get_by_role("button", name="Start").click()
    page.locator(".kiosk-tiles .tile").first.click()
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_role("heading", name="You won!")).to_be_visible()
    expect(page.locator(".kiosk-result svg")).to_be_visible()
    with app.app_context():
        coupon = _coupon(slug)
    shown = page.locator("[data-code]").inner_text()
    assert shown.replace("-", "") == coupon
    expect(page.locator("[data-countdown]")).not_to_be_empty()
    expect(page.get_by_role("button", name="Start over")).to_be_visible()

    # Nobody touches it: back to the attract screen, with nothing of the customer left.
    expect(page.get_by_role("heading", name="Coupons to win")).to_be_visible(
        timeout=(IDLE + 5) * 1000
    )
    html = page.content()
    assert coupon[:6] not in html and codes[0] not in html
    assert page.get_by_label("Type the code on your draw ticket").input_value() == ""
    assert page.evaluate("history.length") <= start_length + 3  # play, reveal, result
    page.go_back()
    page.wait_for_load_state()
    assert coupon[:6] not in page.content()
    page.go_back()
    page.wait_for_load_state()
    assert coupon[:6] not in page.content()

    # The same ticket again is refused, and draws nothing.
    page.goto(server.url + "/kiosk/")
    page.get_by_label("Type the code on your draw ticket").fill(codes[0])
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("alert")).to_contain_text("already been used")
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM entries").fetchone()[0] == 1
    context.close()


def test_a_portrait_kiosk_speed_draw_and_start_over(shop, browser, playwright):
    server, app = shop
    slug = _campaign(app, mode="speed")
    link, _pdf = _admin_sets_up(browser, server.url, slug, tickets=1)
    code = _codes(app, slug)[0]
    context = _tablet(browser, playwright, landscape=False)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Use this tablet as the kiosk").click()
    page.get_by_label("Type the code on your draw ticket").fill(code)
    page.get_by_role("button", name="Start").click()
    draw = page.get_by_role("button", name="Draw")
    expect(draw).to_be_visible()
    page.wait_for_load_state()  # measured with the page's style sheets, not before them
    box = draw.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 48  # a finger's target
    draw.click()
    page.get_by_role("button", name="Reveal").click()
    expect(page.get_by_role("heading", name="You won!")).to_be_visible()
    page.get_by_role("button", name="Start over").click()
    expect(page.get_by_role("heading", name="Coupons to win")).to_be_visible()
    assert "You won" not in page.content()
    context.close()


# Phones, tablets and desktops, either way up.
SIZES = [(375, 667), (820, 1180), (1366, 1024)]


def _inside(box, width, height) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] + box["height"] <= height
    )


@pytest.mark.parametrize("language", ["en-US", "ja-JP"])
def test_a_kiosk_game_draw_reveal_and_start_over_stay_on_the_kiosk(
    shop, browser, playwright, language
):
    server, app = shop
    slug = _campaign(app, game=QUIZ, mode="speed")
    link, _pdf = _admin_sets_up(browser, server.url, slug, tickets=1)
    code = _codes(app, slug)[0]
    context = browser.new_context(viewport={"width": 375, "height": 667}, locale=language)
    page = context.new_page()
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    page.goto(link)
    page.locator("form button[type=submit]").click()
    page.locator("#ticket-code").fill(code)
    page.locator("#ticket-form button[type=submit]").click()
    page.locator(".kiosk-panel a.button-link").click()  # Play the game
    for index in range(2):  # QUIZ's two questions, one swapped in after the other
        expect(page.locator("form.quiz input[name=q]")).to_have_value(str(index))
        page.locator("form.quiz input[type=radio]").first.check()
        page.locator("form.quiz button[type=submit]").click()
    expect(page.locator(".game-score")).to_be_visible()
    assert page.locator(".kiosk-reset").count() == 1  # Start over and the countdown are here
    page.locator("a.game-next").click()
    page.locator("button.kiosk-go").click()  # Draw
    expect(page.locator("form[data-open]")).to_be_visible()
    sealed = page.content()
    assert "ecoupon" not in sealed and "<svg" not in sealed  # nothing of the outcome yet
    page.locator("form[data-open] button").click()
    qr = page.locator(".kiosk-result .qr svg")
    expect(qr).to_be_visible()
    for width, height in SIZES:
        for w, h in ((width, height), (height, width)):
            page.set_viewport_size({"width": w, "height": h})
            box = qr.bounding_box()
            assert _inside(box, w, h), (w, h, box)
    with app.app_context():
        coupon = _coupon(slug)
    assert coupon[:6] in page.content()
    page.locator(".kiosk-reset button").click()
    expect(page.locator("#ticket-code")).to_be_visible()
    assert coupon[:6] not in page.content()
    page.goto(server.url + "/kiosk/result")
    assert page.url == server.url + "/kiosk/"  # nothing of the customer is left
    paths = [u.split(server.url, 1)[1] for u in visited if u.startswith(server.url)]
    assert all(p.startswith("/kiosk/") for p in paths), paths
    assert "/kiosk/game" in paths and "/kiosk/reveal" in paths and "/kiosk/result" in paths
    context.close()


def test_a_code_typed_while_the_attract_screen_still_loads_is_kept(shop, browser, playwright):
    # A customer (or a scanner that types) can be quicker than the page's last script.
    server, app = shop
    slug = _campaign(app)
    link, _pdf = _admin_sets_up(browser, server.url, slug, tickets=1)
    code = _codes(app, slug)[0]
    context = _tablet(browser, playwright)
    page = context.new_page()
    page.goto(link)
    page.get_by_role("button", name="Use this tablet as the kiosk").click()
    held = []
    page.route("**/js/scan.js*", lambda route: held.append(route))  # load cannot finish
    page.goto(server.url + "/kiosk/", wait_until="commit")
    page.get_by_label("Type the code on your draw ticket").fill(code)
    for _ in range(500):  # the held request reaches Python while the page is asked things
        if held:
            break
        page.evaluate("document.readyState")
    assert page.evaluate("document.readyState") != "complete"
    held[0].continue_()
    page.wait_for_load_state("load")
    assert page.get_by_label("Type the code on your draw ticket").input_value() == code
    page.get_by_role("button", name="Start").click()
    expect(page.locator(".kiosk-tiles .tile").first).to_be_visible()
    context.close()
