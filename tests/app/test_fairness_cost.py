"""fairness.json after the end is built once: ETag/304, gzip, and cheap at 10,000 entries."""

import gzip
import json
import statistics
import time

from app.store import get_db
from app.store.db import immediate, stamp
from tests.factories import START, make_campaign

ENTRIES = 10_000


def _ended_with_log(app, clock):
    """A campaign whose log holds 10,000 events, then the end."""
    make_campaign(app, slug="big", prizes=((5, 100),))
    with app.app_context():
        db = get_db()
        campaign_id = db.execute("SELECT id FROM campaigns WHERE slug = 'big'").fetchone()[0]
        with immediate(db):
            # Each draw is given back at once: the board stays at 100 tiles, the log grows.
            db.conn.executemany(
                "INSERT INTO entries (id, campaign_id, tile_no, holder, state, created_at)"
                " VALUES (?, ?, 1, ?, 'cancelled', ?)",
                ((n, campaign_id, f"h{n}", stamp(START)) for n in range(1, ENTRIES // 2 + 1)),
            )
            db.conn.executemany(
                "INSERT INTO draw_log (campaign_id, seq, draw_no, event, tier, merit, tile_no,"
                " entry_id, at) VALUES (?, ?, ?, ?, 1, ?, 1, ?, ?)",
                (
                    (campaign_id, seq, (seq + 1) // 2 if seq % 2 else None,
                     "draw" if seq % 2 else "return", 0 if seq % 2 else None,
                     (seq + 1) // 2, stamp(START))
                    for seq in range(1, ENTRIES + 1)
                ),
            )  # fmt: skip
    clock.advance(days=31)


def test_fairness_json_is_built_once_and_answers_304_quickly(app, clock):
    _ended_with_log(app, clock)
    client = app.test_client()
    first = client.get("/c/big/fairness.json")
    assert first.status_code == 200
    assert len(json.loads(first.get_data())["log"]) == ENTRIES
    tag = first.headers["ETag"]
    # The median of many requests: a loaded machine (the suite runs in parallel) stalls a
    # few of them; rebuilding the log would make every one slow (about 170 ms).
    timings = []
    for _ in range(50):
        start = time.perf_counter()
        again = client.get("/c/big/fairness.json", headers={"If-None-Match": tag})
        timings.append(time.perf_counter() - start)
        assert again.status_code == 304 and again.get_data() == b""
    assert statistics.median(timings) < 0.010, f"{statistics.median(timings) * 1000:.1f} ms"
    # Without an ETag the stored body is sent, not rebuilt: still cheap.
    timings = []
    for _ in range(20):
        start = time.perf_counter()
        assert client.get("/c/big/fairness.json").get_data() == first.get_data()
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.010, f"{statistics.median(timings) * 1000:.1f} ms"


def test_fairness_json_is_gzipped_for_who_asks(app, clock):
    _ended_with_log(app, clock)
    client = app.test_client()
    plain = client.get("/c/big/fairness.json")
    zipped = client.get("/c/big/fairness.json", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) * 5 < len(plain.get_data())
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Encoding" in zipped.headers["Vary"]


def test_the_fairness_page_never_builds_the_log(app, clock, monkeypatch):
    _ended_with_log(app, clock)
    from app.store import fairness as fairness_store

    def refuse(*args, **kwargs):
        raise AssertionError("the page built the log")

    monkeypatch.setattr(fairness_store, "log", refuse)
    page = app.test_client().get("/c/big/fairness")
    assert page.status_code == 200
