"""Figures for 100,000 destinations: monitor polls, list pages, exports (prints; run with -s)."""

import time

import pytest

from app.store import get_db
from app.store.db import immediate, stamp
from tests.factories import START, make_campaign

from .helpers import HTMX

pytestmark = pytest.mark.slow
N = 100_000


def fill(app):
    """Confirm every tile of a 100,000-tile campaign, straight in SQL."""
    make_campaign(app, prizes=((25, 70_000), (20, 20_000), (10, 10_000)))
    with app.app_context():
        db = get_db()
        with immediate(db):
            db.execute(
                "INSERT INTO entries (id, campaign_id, tile_no, holder, state, created_at)"
                " SELECT no, 1, no, 'board:' || no, 'confirmed', ? FROM tiles",
                [stamp(START)],
            )
            # Every sheet confirmed, as the first prize: coupons are bound when drawn.
            db.execute(
                "UPDATE tiles SET state = 'confirmed', entry_id = no, tier = 1,"
                " prize_id = (SELECT prize_id FROM tiers WHERE number = 1)"
            )
            db.execute("UPDATE tiers SET free = 0")
            db.execute(
                "INSERT INTO destinations (campaign_id, tile_no, entry_id, prize_id, name,"
                " address, phone, email, email_key, phone_key, confirmed_at)"
                " SELECT 1, no, no, prize_id, 'Person ' || no, no || ' Ginza, Chuo-ku, Tokyo',"
                " '090-' || no, 'p' || no || '@example.jp', 'p' || no || '@example.jp',"
                " '090' || no, ? FROM tiles",
                [stamp(START)],
            )


def timed(fn, repeat=1):
    start = time.perf_counter()
    for _ in range(repeat):
        result = fn()
    return (time.perf_counter() - start) / repeat * 1000, result


def test_figures_for_100000_rows(app, admin):
    fill(app)
    url = "/admin/campaigns/spring"
    ms, first = timed(lambda: admin.client.get(url))
    tag = first.headers["ETag"].strip('"')
    poll_ms, r = timed(lambda: admin.client.get(f"{url}?v={tag}", headers=HTMX), 200)
    assert r.status_code == 204
    changed_ms, r = timed(lambda: admin.client.get(f"{url}?v=x", headers=HTMX), 20)
    assert r.status_code == 200
    page_ms, _ = timed(lambda: admin.client.get(f"{url}/destinations"), 20)
    last_ms, _ = timed(lambda: admin.client.get(f"{url}/destinations?after=99950"), 20)
    search_ms, _ = timed(lambda: admin.client.get(f"{url}/destinations?q=p99999@"), 5)
    csv_ms, r = timed(lambda: admin.client.get(f"{url}/destinations.csv"))
    csv_mb = len(r.data) / 1e6
    xlsx_ms, r = timed(lambda: admin.client.get(f"{url}/destinations.xlsx"))
    xlsx_mb = len(r.data) / 1e6
    print(
        f"\nmonitor at {N} rows: full page {ms:.1f} ms; poll unchanged (204) {poll_ms:.2f} ms;"
        f" poll changed (fragment) {changed_ms:.1f} ms\n"
        f"destination list: first page {page_ms:.1f} ms, last page {last_ms:.1f} ms,"
        f" search {search_ms:.1f} ms\n"
        f"export: CSV {csv_ms:.0f} ms ({csv_mb:.1f} MB), XLSX {xlsx_ms:.0f} ms ({xlsx_mb:.1f} MB)"
    )
    assert poll_ms < 20 and page_ms < 200 and last_ms < 200
