"""Draws counted per client address in the database, over HTTP with two gunicorn workers.

The server trusts one proxy (PROXY_HOPS=1), so each browser names its address in
X-Forwarded-For as nginx would: one machine plays many networks.
"""

import threading

import pytest

from app import create_app
from tests.server import serve

from .live import Browser, open_campaign, query

PAUSED = "Draws from your network are paused"
HELD = "Too many coupons are held from your network"


class From(Browser):
    """A browser at a given client address (as the proxy in front reports it)."""

    def __init__(self, base, slug, address):
        super().__init__(base, slug)
        self.address = address

    def request(self, method, path, data=None, headers=None):
        return super().request(
            method, path, data, {"X-Forwarded-For": self.address, **(headers or {})}
        )


def _server(tmp_path_factory, name, **settings):
    db_path = tmp_path_factory.mktemp(name) / "kuji.sqlite"
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})  # migrate before workers
    return app, serve(db_path, workers=2, PROXY_HOPS=1, **settings)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """Every per-address setting at its default."""
    app, server = _server(tmp_path_factory, "addresses")
    with server as s:
        s.app = app
        yield s


def fresh(live, slug, address):
    """A browser with no cookies at `address`, its token read from the board."""
    b = From(live.url, slug, address)
    b.get()
    return b


def test_a_redraw_loop_stops_at_the_third_draw(live):
    open_campaign(live.app, "redraw", prizes=((5, 1), (1, 29)))
    statuses = []
    for n in range(1, 13):
        b = fresh(live, "redraw", "198.51.100.7")
        statuses.append(b.claim(n).status)
        if statuses[-1] == 303:
            assert b.post("/cancel").status == 303
    assert statuses[:2] == [303, 303]
    assert set(statuses[2:]) == {429}, statuses
    assert PAUSED in b.claim(20).body
    # Counted in the database: two draws, both given back, ten refusals; another address draws.
    assert query(
        live.db_path,
        "SELECT draws, holds, redraws, refused FROM address_draws WHERE address = ?",
        ["198.51.100.7"],
    ) == [(2, 0, 2, 11)]
    assert fresh(live, "redraw", "198.51.100.8").claim(1).status == 303
    audit = query(
        live.db_path, "SELECT actor, action FROM audit WHERE action LIKE 'draws refused%'"
    )
    assert ("198.51.100.7", "draws refused: redraws") in audit


def test_one_address_cannot_hoard_the_board(live):
    open_campaign(live.app, "hoard", prizes=((5, 30),))
    ipv4 = [fresh(live, "hoard", "203.0.113.5").claim(n).status for n in range(1, 31)]
    assert ipv4.count(303) == 20 and ipv4[20:] == [429] * 10, ipv4
    # An IPv6 customer's /64 is one network, whatever address in it each request uses.
    ipv6 = [fresh(live, "hoard", f"2001:db8:7:9::{n}").claim(20 + n).status for n in range(1, 5)]
    assert ipv6 == [303, 303, 429, 429]
    refused = fresh(live, "hoard", "2001:db8:7:9:ffff::1")
    assert HELD in refused.claim(30).body
    # Everyone else still sees free tiles and draws one.
    other = fresh(live, "hoard", "2001:db8:7:a::1")
    assert other.get().free_tiles() and other.claim(30).status == 303


def test_many_honest_people_behind_one_ipv4_address_all_draw(live):
    """Fifty phones behind one carrier NAT address, ten at a time: draw once, confirm."""
    open_campaign(live.app, "nat", prizes=((5, 60),))
    statuses = {}
    numbers = iter(range(1, 51))
    lock = threading.Lock()

    def person():
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            b = fresh(live, "nat", "192.0.2.44")
            claimed = b.claim(n).status
            confirmed = b.confirm(
                name=f"Person {n}",
                postal_code="104-0061",
                address="1-2-3 Ginza",
                phone=f"090-1000-{n:04d}",
                email=f"person{n}@example.jp",
            ).status
            with lock:
                statuses[n] = (claimed, confirmed)

    threads = [threading.Thread(target=person) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == {n: (303, 303) for n in range(1, 51)}


def test_claim_limits_do_not_multiply_by_the_workers(tmp_path_factory):
    """150 claims from one address, a limit of 60 a minute, two workers: 60 at most."""
    app, server = _server(
        tmp_path_factory, "rates", HOLDS_PER_ADDRESS="null", REDRAWS_PER_ADDRESS="null"
    )
    with server as s:
        open_campaign(app, "rates", prizes=((5, 200),))
        statuses = [fresh(s, "rates", "198.51.100.99").claim(n).status for n in range(1, 151)]
        served_by = query(s.db_path, "SELECT count(*) FROM entries")
    assert 1 <= statuses.count(303) <= 60, statuses
    assert statuses.count(303) + statuses.count(429) == 150
    assert served_by == [(statuses.count(303),)]
