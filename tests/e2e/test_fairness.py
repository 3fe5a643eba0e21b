"""The fairness page in a real browser: the verifier in static/js/fairness.js on a real log."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.store import campaigns, claims, editing, get_db
from tests.server import ROOT

pytestmark = pytest.mark.e2e

PRIZES = ((25, 4), (20, 3), (10, 3))
CLOSES_IN = timedelta(seconds=6)


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US"}


@pytest.fixture(scope="module")
def ended(live) -> tuple[str, int]:
    """One campaign with tilt, merits, losing sheets and returns, ended; read-only."""
    return draw_and_end(live, tilt=400)


def draw_and_end(live, tilt: int = 0) -> tuple[str, int]:
    """Make a short campaign, draw and cancel on it, close it; return slug, draws."""
    closes = datetime.now(UTC) + CLOSES_IN
    slug = live.campaign(prizes=PRIZES, losing=3, tilt=tilt, closes=closes)
    draws = 0
    with live.app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, slug)
        held = []
        for no in range(1, 10):
            entry = claims.hold(
                db, campaign, f"board:fair-{slug}-{no}", datetime.now(UTC), no=no, merit=no * 111
            )
            draws += 1
            if entry.state == "held":
                held.append(entry)
        for entry in held[:2]:  # two coupons go back to the pool and are drawn again
            claims.cancel(db, campaign, entry.id, datetime.now(UTC))
        for entry in held[:2]:
            no = entry.tile_no
            claims.hold(db, campaign, f"board:again-{slug}-{no}", datetime.now(UTC), no=no)
            draws += 1
        # Closed now, as an admin would, rather than waiting for the period to run out.
        assert editing.change(db, campaign.id, datetime.now(UTC), close_now=True)
    return slug, draws


def test_the_verifier_passes_a_real_log_and_names_the_draw_a_tampered_file_breaks(
    ended, page, tmp_path
):
    slug, draws = ended
    page.goto(f"/c/{slug}/fairness")
    document = page.request.get(f"/c/{slug}/fairness.json").json()
    assert document["ended"] and document["seed"]
    assert sum(e["event"] == "draw" for e in document["log"]) == draws
    assert any(e["event"] == "return" for e in document["log"])
    expect(page.locator("#commitment")).to_have_text(document["commitment"])

    page.get_by_role("button", name="Verify in this browser").click()
    expect(page.locator("#verify-result")).to_have_text(
        f"Passed: {draws} draws checked, and the seed matches the commitment"
        f" {document['commitment']}."
    )

    # One logged tier changed: the first draw whose tier differs is the one named.
    tampered = json.loads(json.dumps(document))
    third = next(e for e in tampered["log"] if e["draw"] == 3)
    third["tier"] = next(t["number"] for t in tampered["tiers"] if t["number"] != third["tier"])
    changed = tmp_path / "tampered.json"
    changed.write_text(json.dumps(tampered), encoding="utf-8")
    page.locator("#fairness-file").set_input_files(changed)
    result = page.locator("#verify-result")
    expect(result.locator(".verify-failed")).to_have_text(
        "Failed at draw 3: it does not follow from the seed."
    )
    expect(result.locator("li").first).to_contain_text(
        f"draw 3 (seq {third['seq']}): logged tier {third['tier']}, the seed gives tier"
    )

    # One byte of the seed changed: the commitment no longer matches.
    seed = bytearray(bytes.fromhex(document["seed"]))
    seed[0] ^= 0x01
    other = tmp_path / "seed.json"
    other.write_text(json.dumps({**document, "seed": seed.hex()}), encoding="utf-8")
    page.locator("#fairness-file").set_input_files(other)
    expect(result.locator("li").first).to_contain_text(
        "commitment: SHA-256 of the seed and the tier counts is "
    )

    # The untouched download passes too.
    original = tmp_path / "fairness.json"
    original.write_text(json.dumps(document), encoding="utf-8")
    page.locator("#fairness-file").set_input_files(original)
    expect(result.locator(".verify-passed")).to_contain_text(f"Passed: {draws} draws checked")


def test_before_the_end_the_page_shows_the_commitment_and_no_seed(live, page):
    slug = live.campaign(prizes=PRIZES)
    live.hold(slug, 1, 2)
    document = page.request.get(f"/c/{slug}/fairness.json").json()
    assert document["seed"] is None and document["log"] is None and not document["ended"]
    page.goto(f"/c/{slug}/fairness")
    expect(page.locator("#commitment")).to_have_text(document["commitment"])
    expect(page.get_by_role("button", name="Verify in this browser")).to_have_count(0)
    page.locator("summary").click()  # the technical text is folded below the summary
    expect(page.get_by_role("heading", name="What is committed, and when")).to_be_visible()


def test_without_javascript_the_text_and_the_document_link_remain(live, ended, browser):
    slug, _ = ended
    context = browser.new_context(
        base_url=live.server.url, java_script_enabled=False, locale="en-US"
    )
    page = context.new_page()
    page.goto(f"/c/{slug}/fairness")
    page.locator("summary").click()  # <details> opens without JavaScript too
    expect(page.get_by_role("heading", name="The replay")).to_be_visible()
    expect(page.get_by_role("link", name="The fairness document (fairness.json)")).to_be_visible()
    expect(page.get_by_role("button", name="Verify in this browser")).to_be_hidden()
    context.close()


def test_a_japanese_browser_reads_the_japanese_text(live, browser):
    slug = live.campaign(prizes=PRIZES)
    context = browser.new_context(base_url=live.server.url, locale="ja-JP")
    page = context.new_page()
    page.goto(f"/c/{slug}/fairness")
    page.locator("summary").click()
    expect(page.get_by_role("heading", name="何を、いつ約束するのか")).to_be_visible()
    context.close()


def test_the_command_line_verifies_the_same_campaign(live, ended, tmp_path):
    slug, draws = ended
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(FLASK_DATABASE=str(live.db_path), FLASK_SECRET_KEY="x")
    env.update(LANG="en_US.UTF-8", LANGUAGE="", LC_ALL="", LC_MESSAGES="")  # English output
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "campaign", "verify"]
    done = subprocess.run(
        [*flask, slug], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"verified: {draws} draws, commitment ")

    with live.app.app_context():
        from app.store import fairness

        document = fairness.document(get_db(), campaigns.by_slug(get_db(), slug), datetime.now(UTC))
    first = next(e for e in document["log"] if e["draw"] == 1)
    first["tier"] = next(t["number"] for t in document["tiers"] if t["number"] != first["tier"])
    path = tmp_path / "fairness.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    done = subprocess.run(
        [*flask, "--file", str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("error: draw 1 (seq 1): logged tier ")


def test_the_page_never_scrolls_sideways_on_a_320_px_phone(live, ended, browser):
    slug, _ = ended
    context = browser.new_context(
        base_url=live.server.url, viewport={"width": 320, "height": 640}, locale="en-US"
    )
    page = context.new_page()
    page.goto(f"/c/{slug}/fairness")
    verify = page.get_by_role("button", name="Verify in this browser")
    assert verify.bounding_box()["y"] < 640  # the button first, on the first screen
    verify.click()
    expect(page.locator(".verify-passed")).to_be_visible()  # a badge that says Passed
    page.locator("summary").click()
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.scrollWidth > e.clientWidth + 1"
        " && getComputedStyle(e).overflowX !== 'visible').length"
    )
    assert wide == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
