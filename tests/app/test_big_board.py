"""A 100,000-tile board: one page of tiles at a time, and any tile by its number."""

import re

import pytest

from app.store import claims, get_db
from tests.factories import Terminal, make_campaign

HEADERS = {"HX-Request": "true"}
SHEETS = 100_000


@pytest.fixture
def big(app):
    make_campaign(app, slug="big", prizes=((10, SHEETS),))
    return app


def numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-tile="(\d+)"', html)]


def test_each_page_of_a_100000_tile_board_is_one_page_of_tiles_under_200_kb(big):
    size = big.config["BOARD_PAGE_SIZE"]
    pages = -(-SHEETS // size)
    for lang in ("en", "ja"):
        t = Terminal(big.test_client(), "big", lang=lang)
        for page in (1, 2, pages):
            response = t.get(f"?page={page}")
            html = response.get_data(as_text=True)
            first = (page - 1) * size + 1
            assert numbers(html) == list(range(first, min(first + size, SHEETS + 1)))
            assert len(response.data) < 200_000, (lang, page, len(response.data))
            assert f"tiles?v=0&amp;page={page}" in html
    html = t.get(f"?page={pages + 1}").get_data(as_text=True)  # past the end: the first page
    assert numbers(html)[0] == 1
    t = Terminal(big.test_client(), "big")
    html = t.get("?page=2").get_data(as_text=True)
    assert 'href="/c/big?page=1"' in html and 'href="/c/big?page=3"' in html
    assert 'name="tile" inputmode="numeric"' in html and "Tile number (1 to 100000)" in html


def test_a_tile_on_any_page_can_be_claimed_by_its_number_and_a_taken_one_says_so(big):
    for page, tile in [(1, 99_999), (40, 3), (67, 50_000), (2, 77_777)]:
        t = Terminal(big.test_client(), "big")
        t.get(f"?page={page}")
        response = t.post("/claim", {"tile": str(tile), "page": str(page)})
        assert response.status_code == 303 and response.location.endswith("/c/big/entry")
        assert f"Tile {tile}" in t.get("/entry").get_data(as_text=True)
    t = Terminal(big.test_client(), "big")
    t.get("?page=5")
    response = t.post("/claim", {"tile": "77777", "page": "5"}, headers=HEADERS)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "just taken" in html
    assert numbers(html)[0] == 4 * big.config["BOARD_PAGE_SIZE"] + 1


def test_polls_are_scoped_to_the_page_shown(big):
    size = big.config["BOARD_PAGE_SIZE"]
    with big.app_context():
        db = get_db()
        from app.store import campaigns

        campaign = campaigns.by_slug(db, "big")
        claims.hold(db, campaign, "board:a", big.config["CLOCK"](), no=5)
        claims.hold(db, campaign, "board:b", big.config["CLOCK"](), no=size + 5)
    t = Terminal(big.test_client(), "big")
    first = t.get("/tiles?v=0&page=1", headers=HEADERS).get_data(as_text=True)
    second = t.get("/tiles?v=0&page=2", headers=HEADERS).get_data(as_text=True)
    assert re.findall(r'id="t(\d+)"', first) == ["5"]
    assert re.findall(r'id="t(\d+)"', second) == [str(size + 5)]
    assert "99998 tiles left" in first and "page=2" in second
