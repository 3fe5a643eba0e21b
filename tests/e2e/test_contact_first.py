"""reveal_order = "after-contact" in a real browser, in Japanese and English at 320 px:
the details first (nothing of the outcome anywhere in the DOM), then the scratch card, then
the result; the same person in a fresh browser is refused before any reveal."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.axe import violations
from tests.e2e.test_reveal import LABELS, LOSING, browser_page, campaign, drawn, scratch

pytestmark = [pytest.mark.e2e]

PERSON = {
    "name": "山田 花子",
    "postal_code": "104-0061",
    "address": "東京都中央区銀座1-2-3",
    "phone": "090-1234-5678",
    "email": "hanako.yamada@gmail.com",
}
WORDS = {
    "en": {
        "go": "Continue to my draw",
        "reveal": "Reveal",
        "thanks": "Thank you!",
        "loss": "no prize this time",
        "again": "This e-mail address has already drawn in this campaign",
    },
    "ja": {
        "go": "くじを開けに進む",
        "reveal": "結果を見る",
        "thanks": "ありがとうございました！",
        "loss": "今回ははずれ",
        "again": "このメールアドレスはこのキャンペーンですでにくじを引いています",
    },
}


def expect_nothing_of_the_outcome(page: Page, lang: str) -> None:
    """Assert the DOM (hidden parts too) holds no prize, no losing words, no outcome."""
    page.wait_for_load_state()  # the whole page: a form's click does not wait for it
    html = page.content()
    assert "outcome" not in html.split("</header>", 1)[1]
    assert page.locator("[data-stop], .outcome, .outcome-title").count() == 0
    for words in (*LABELS, *LOSING[lang]):
        assert words not in html, words


def fill(page: Page, **fields) -> None:
    for name, value in {**PERSON, **fields}.items():
        page.locator(f'form.destination [name="{name}"]').fill(value)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_details_then_the_reveal_on_a_320px_phone(live, new_context, lang):
    slug = campaign(live, losing=3, reveal_order="after-contact")
    words = WORDS[lang]
    page = browser_page(new_context, lang, 320, bypass_csp=True)
    page.goto(f"/c/{slug}")
    page.locator('button.tile[data-tile="4"]').click()
    expect(page.locator("form.destination")).to_be_visible()
    expect(page.locator(".reveal")).to_have_count(0)  # no card before the details
    expect_nothing_of_the_outcome(page, lang)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert violations(page) == []

    fill(page)
    page.get_by_role("button", name=words["go"]).click()
    expect(page.locator(".reveal")).to_be_visible()
    expect(page.locator("form.destination")).to_have_count(0)
    expect_nothing_of_the_outcome(page, lang)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert violations(page) == []

    scratch(page)
    label = drawn(live, slug)
    if label is None:
        expect(page.locator(".outcome-title")).to_contain_text(words["loss"])
    else:
        expect(page.locator(".outcome-title")).to_contain_text(label)
        expect(page.get_by_role("heading", name=words["thanks"])).to_be_visible()
        expect(page.locator(".result")).to_contain_text(PERSON["name"])
    assert page.locator("form.destination").count() == 0  # nothing left to confirm
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The same person, written another way, in a fresh browser: refused before any reveal.
    other = browser_page(new_context, lang, 320, bypass_csp=True)
    other.goto(f"/c/{slug}")
    other.locator('button.tile[data-tile="6"]').click()
    fill(other, email="hanakoyamada+kuji@gmail.com", phone="03-9999-0000")
    other.get_by_role("button", name=words["go"]).click()
    expect(other.locator("#e-email")).to_contain_text(words["again"])
    expect(other.locator(".reveal")).to_have_count(0)
    expect_nothing_of_the_outcome(other, lang)


def test_without_javascript_the_details_and_the_reveal_are_plain_forms(live, new_context):
    slug = campaign(live, losing=3, reveal_order="after-contact", mode="speed")
    page = browser_page(new_context, "ja", 320, java_script_enabled=False)
    page.goto(f"/c/{slug}")
    page.get_by_role("button", name="くじを引く").click()
    expect(page.locator("form.destination")).to_be_visible()
    expect_nothing_of_the_outcome(page, "ja")
    fill(page, email="taro@example.jp", phone="090-0000-1111")
    page.get_by_role("button", name=WORDS["ja"]["go"]).click()
    expect(page.get_by_role("button", name=WORDS["ja"]["reveal"])).to_be_visible()
    expect_nothing_of_the_outcome(page, "ja")
    page.get_by_role("button", name=WORDS["ja"]["reveal"]).click()
    label = drawn(live, slug)
    expect(page.locator(".outcome-title")).to_contain_text(label or "はずれ")
