"""A flash crowd: 1,000 terminals rush a 100-tile board served by gunicorn."""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from app import create_app
from tests.server import serve

from .live import Browser, assert_one_ticket_per_entry, open_campaign, query

pytestmark = pytest.mark.slow

TERMINALS = 1000
POOL = 64
SLUG = "crowd"
TAKEN = "That tile was just taken"
GONE = "Every tile is taken for now"


def rush(browser: Browser, free: list[int], rng: random.Random):
    """Claim tiles seen free until one is won or the board shows none; return the outcome."""
    # A third of the crowd goes for the first ten tiles, as people do.
    hot = [n for n in free if n <= 10]
    choice = rng.choice(hot) if hot and rng.random() < 1 / 3 else rng.choice(free)
    statuses = []
    while True:
        reply = browser.claim(choice)
        statuses.append(reply.status)
        if reply.status == 303:
            assert reply.headers["Location"].endswith(f"/c/{SLUG}/entry")
            return "won", choice, statuses
        assert reply.status == 409, (reply.status, reply.body[:500])
        assert TAKEN in reply.body
        free = reply.free_tiles()
        assert choice not in free
        if not free:
            return "taken", None, statuses
        choice = rng.choice(free)


@pytest.mark.both_engines
def test_a_thousand_terminals_rush_a_hundred_tiles(database):
    db_path = database
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    open_campaign(app, SLUG)  # 70 × 25 %, 20 × 20 %, 10 × 10 %: 100 tiles
    lock = threading.Lock()
    outcomes = {}
    statuses = Counter()

    with serve(
        db_path,
        workers=4,
        CLAIM_LIMIT="100000 per minute",
        CONFIRM_LIMIT="100000 per minute",
        HOLDS_PER_ADDRESS="null",
        REDRAWS_PER_ADDRESS="null",
        SQLITE_SYNCHRONOUS="FULL",
    ) as server:
        browsers = [Browser(server.url, SLUG) for _ in range(TERMINALS)]

        # First everyone opens the board: each terminal gets a session and its CSRF token.
        def look(browser):
            page = browser.get()
            assert page.status == 200 and browser.csrf
            return page.free_tiles()

        with ThreadPoolExecutor(POOL) as pool:
            boards = list(pool.map(look, browsers))
        assert all(free == list(range(1, 101)) for free in boards)
        assert len({b.csrf for b in browsers}) == TERMINALS

        def run(i):
            outcome, tile, seen = rush(browsers[i], boards[i], random.Random(i))
            with lock:
                outcomes[i] = (outcome, tile)
                statuses.update(seen)

        started = time.monotonic()
        with ThreadPoolExecutor(POOL) as pool:
            for future in [pool.submit(run, i) for i in range(TERMINALS)]:
                future.result()
        rush_seconds = time.monotonic() - started

        winners = {i: tile for i, (outcome, tile) in outcomes.items() if outcome == "won"}
        # Every tile went to exactly one terminal; everyone else was told it was taken.
        assert sorted(winners.values()) == list(range(1, 101))
        assert Counter(o for o, _ in outcomes.values()) == {"won": 100, "taken": 900}
        assert statuses[303] == 100 and set(statuses) == {303, 409}

        # A loser reloading sees a clear, empty board and holds no draw cookie;
        # every winner holds one and sees the very tile they won.
        losers = outcomes.keys() - winners.keys()
        late = browsers[min(losers)].get()
        assert late.status == 200 and GONE in late.body and not late.free_tiles()
        assert all(browsers[i].cookie(f"kuji_{SLUG}") is None for i in losers)
        for i, tile in winners.items():
            assert browsers[i].cookie(f"kuji_{SLUG}")
            covered = browsers[i].get("/entry")
            assert covered.status == 200 and f"Tile {tile}:" not in covered.body
            assert browsers[i].reveal().status in (200, 303)
            page = browsers[i].get("/entry")
            assert page.status == 200 and f"Tile {tile}:" in page.body

    rows = query(
        db_path,
        "SELECT t.no, t.state, t.entry_id, e.state FROM tiles t"
        " JOIN campaigns c ON c.id = t.campaign_id LEFT JOIN entries e ON e.id = t.entry_id"
        " WHERE c.slug = ?",
        [SLUG],
    )
    assert len(rows) == 100
    assert {(state, entry_state) for _, state, _, entry_state in rows} == {("held", "held")}
    assert len({entry_id for _, _, entry_id, _ in rows}) == 100
    assert query(db_path, "SELECT count(*) FROM entries") == [(100,)]
    assert_one_ticket_per_entry(db_path)

    print(
        f"\nflash crowd: {TERMINALS} terminals, {POOL} threads, 4 workers:"
        f" {sum(statuses.values())} claims in {rush_seconds:.1f} s"
        f" ({sum(statuses.values()) / rush_seconds:.0f}/s), {dict(statuses)}"
    )
