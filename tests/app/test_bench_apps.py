"""The requests `make bench` times answer as they should, in Kuji and in the bare stack alike.

The timings themselves are not tests; this keeps them from silently timing an error page.
"""

import sqlite3

import pytest

from bench import bare, prepare, versus
from bench.inproc import SECRET, Tiles, call, claimer, confirmer, make_app, terminals


@pytest.fixture
def apps(tmp_path):
    kuji_db, bare_db = tmp_path / "kuji.sqlite", tmp_path / "bare.sqlite"
    prepare.create_campaigns(kuji_db, SECRET, {"terminals": 4, "claims": 8, "poll": 8})
    books_db = tmp_path / "booked.sqlite"
    bare.lay_out(str(bare_db), {"claims": 8})
    bare.lay_out(str(books_db), {"claims": 8})
    kuji = make_app(kuji_db, **versus.LIFTED)
    lean = bare.create_app(str(bare_db), SECRET, "FULL")
    booked = bare.create_app(str(books_db), SECRET, "FULL", bookkeeping=True)
    return {"kuji": (kuji, kuji_db), "bare": (lean, bare_db), "booked": (booked, books_db)}


def rows(db, sql: str) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


HELD = {
    "kuji": "SELECT no FROM tiles t JOIN campaigns c ON c.id = t.campaign_id"
    " WHERE c.slug = 'claims' AND t.state != 'free' ORDER BY no",
    "bare": "SELECT no FROM tiles WHERE slug = 'claims' AND holder IS NOT NULL ORDER BY no",
}
HELD["booked"] = HELD["bare"]
DESTINATIONS = {
    "kuji": "SELECT d.tile_no FROM destinations d JOIN campaigns c ON c.id = d.campaign_id"
    " WHERE c.slug = 'claims'",
    "bare": "SELECT no FROM destinations WHERE slug = 'claims'",
}
DESTINATIONS["booked"] = DESTINATIONS["bare"]


@pytest.mark.parametrize("which", ["kuji", "bare", "booked"])
def test_health_claim_and_pair_answer_and_write(apps, which):
    app, db = apps[which]
    status, body, _ = call(app, "GET", "/healthz")
    assert status.startswith("200") and body == b"ok"
    terms, tile = terminals(app, 3), Tiles()
    claimer(app, terms, tile, "claims")()  # asserts the 303
    assert rows(db, HELD[which]) == [(1,)]
    # Claims tile 2, uncovers it, then confirms it: every answer a 303.
    confirmer(app, terms, tile, "claims")()
    assert rows(db, HELD[which]) == [(1,), (2,)]
    assert rows(db, DESTINATIONS[which]) == [(2,)]
    # A tile already held is refused, not answered with a redirect.
    cookie, token = next(terms)
    form = f"csrf_token={token}&tile=1".encode()
    status, _, _ = call(app, "POST", "/c/claims/claim", {"Cookie": f"session={cookie}"}, form)
    assert status.startswith("409")


@pytest.mark.parametrize("which", ["kuji", "bare"])
def test_a_claim_without_its_csrf_token_is_refused(apps, which):
    app, db = apps[which]
    cookie, _ = next(terminals(app, 1))
    status, _, _ = call(app, "POST", "/c/claims/claim", {"Cookie": f"session={cookie}"}, b"tile=3")
    assert status.startswith("400")
    assert rows(db, HELD[which]) == []


@pytest.mark.parametrize("which", ["kuji", "bare"])
def test_a_confirm_before_the_reveal_is_refused(apps, which):
    app, db = apps[which]
    cookie, token = next(terminals(app, 1))
    form = f"csrf_token={token}&tile=4".encode()
    _, _, head = call(app, "POST", "/c/claims/claim", {"Cookie": f"session={cookie}"}, form)
    held = next(v.split(";")[0] for k, v in head if k == "Set-Cookie")
    body = (
        f"csrf_token={token}&name=P&postal_code=104-0061&address=1+Street"
        "&phone=09011112222&email=p%40example.jp"
    ).encode()
    headers = {"Cookie": f"session={cookie}; {held}"}
    status, _, _ = call(app, "POST", "/c/claims/confirm", headers, body)
    assert status.startswith("409")
    assert rows(db, DESTINATIONS[which]) == []


def test_the_booked_bare_stack_keeps_kujis_books_of_each_claim(apps):
    app, db = apps["booked"]
    terms, tile = terminals(app, 3), Tiles()
    claimer(app, terms, tile, "claims")()
    confirmer(app, terms, tile, "claims")()
    # Two draws logged in order, each taking one coupon from the remaining counts.
    assert rows(db, "SELECT seq, no FROM draw_log ORDER BY seq") == [(1, 1), (2, 2)]
    assert rows(db, "SELECT sum(free) FROM tiers") == [(6 + 2 + 1 - 2,)]  # 70/20/10 % of 8, +1
    # The address drew twice and holds one draw (the other was confirmed).
    assert rows(db, "SELECT draws, holds FROM address_draws") == [(2, 1)]
    assert rows(db, "SELECT version FROM boards") == [(2,)]
    assert dict(rows(db, "SELECT key, hits FROM rate_counts")) == {
        "claim:127.0.0.1": 2,
        "confirm:127.0.0.1": 1,
    }


def test_bare_post_checks_csrf_and_redirects(apps):
    app, _ = apps["bare"]
    cookie, token = next(terminals(app, 1))
    head = {"Cookie": f"session={cookie}"}
    assert call(app, "POST", "/c/x/post", head, f"csrf_token={token}".encode())[0].startswith("303")
    assert call(app, "POST", "/c/x/post", head, b"csrf_token=forged")[0].startswith("400")


def test_versus_times_every_request_and_marks_the_targets(tmp_path, monkeypatch):
    # One round of a few calls: the figures mean nothing, but every request must have run.
    monkeypatch.setattr(versus, "CLAIMS", 200)
    monkeypatch.setattr(versus, "CALLS", dict.fromkeys(versus.CALLS, 2))
    found = versus.measure(tmp_path, rounds=1)
    assert [r.name for r in found] == list(versus.CASES)
    for r in found:
        assert r.bare[1] > 0 and (r.kuji is None or r.kuji[1] > 0)
    assert "| claim |" in "\n".join(versus.lines(found))


def _claim(app, terms, slug: str, no: int) -> str:
    cookie, token = next(terms)
    form = f"csrf_token={token}&tile={no}".encode()
    return call(app, "POST", f"/c/{slug}/claim", {"Cookie": f"session={cookie}"}, form)[0]


def test_the_booked_bare_stack_reads_its_board_and_lets_holds_lapse(apps):
    # Kuji reads its campaign before a claim and gives lapsed holds back: so does the
    # reference it is measured against, or the comparison would flatter the bare stack.
    app, db = apps["booked"]
    terms = terminals(app, 6)
    assert _claim(app, terms, "nowhere", 1).startswith("404")
    assert _claim(app, terms, "claims", 9).startswith("404")  # the board has 8 tiles
    assert _claim(app, terms, "claims", 1).startswith("303")
    with sqlite3.connect(db) as conn:  # tile 1's hold ends before now
        conn.execute("UPDATE tiles SET held_until = '2001-01-01T00:00:00+00:00' WHERE no = 1")
    assert _claim(app, terms, "claims", 2).startswith("303")
    assert rows(db, HELD["booked"]) == [(2,)]  # tile 1 is free again, its coupon back
    assert rows(db, "SELECT sum(free) FROM tiers") == [(6 + 2 + 1 - 1,)]
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE boards SET closes = '2001-01-01T00:00:00+00:00'")
    assert _claim(app, terms, "claims", 3).startswith("403")
    assert rows(db, HELD["booked"]) == [(2,)]
