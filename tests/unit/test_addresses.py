"""Which network a draw counts against, and rate limits counted in the database."""

from datetime import UTC, datetime, timedelta

import pytest

from app.lottery.addresses import client_of, per_family
from app.store import rates
from app.store.db import connect
from app.store.schema import migrate


@pytest.mark.parametrize(
    ("remote", "key", "family"),
    [
        ("203.0.113.5", "203.0.113.5", "ipv4"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64", "ipv6"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64", "ipv6"),
        ("::ffff:198.51.100.1", "198.51.100.1", "ipv4"),
        ("fe80::1%eth0", "fe80::/64", "ipv6"),
    ],
)
def test_ipv4_counts_alone_and_ipv6_by_its_64(remote, key, family):
    assert client_of(remote) == (client_of(remote).__class__(key, family))


def test_what_is_not_an_address_counts_nowhere():
    assert client_of("unix:/tmp/socket") is None
    assert client_of(None) is None


def test_a_limit_per_family_or_for_both():
    assert per_family({"ipv4": 20, "ipv6": 2}, "ipv6") == 2
    assert per_family(5, "ipv4") == 5
    assert per_family(None, "ipv4") is None


@pytest.mark.both_engines  # one conditional upsert per window: refused alike on both engines
def test_a_rate_window_opens_at_the_first_hit_and_refuses_past_its_amount(database):
    db = connect(database, "NORMAL")
    migrate(db)
    limits = rates.windows("3 per minute;5 per hour")
    start = datetime(2026, 12, 10, 12, 0, 59, tzinfo=UTC)
    waits = [rates.hit(db, "claim", "a", limits, start) for _ in range(4)]
    assert waits == [None, None, None, 60]
    assert rates.hit(db, "claim", "b", limits, start) is None  # another key: its own count
    # The minute turning on the clock opens nothing; the window's own end does.
    assert rates.hit(db, "claim", "a", limits, start + timedelta(seconds=2)) == 58
    later = start + timedelta(minutes=1)
    assert [rates.hit(db, "claim", "a", limits, later) for _ in range(3)] == [None, None, 3540]
