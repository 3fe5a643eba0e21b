"""Failed attempts in the database: the window, the lock, per key and address, restarts."""

from datetime import timedelta

import pytest

from app.store import attempts
from app.store.db import connect
from app.store.schema import migrate
from tests.factories import START

FIVE = attempts.Rule(5, timedelta(minutes=10))
HOME, CAFE = "192.0.2.1", "198.51.100.7"


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


pytestmark = pytest.mark.both_engines


def fail(db, n, key="owner@example.jp", address=HOME, at=START, every=timedelta(seconds=1)):
    for i in range(n):
        attempts.record_failure(db, "admin-login", key, address, at + i * every)
    return at + (n - 1) * every


def locked(db, now, key="owner@example.jp", address=HOME, rule=FIVE):
    return attempts.locked_until(db, "admin-login", key, address, now, rule)


def test_a_rule_reads_flask_limiter_notation():
    assert attempts.rule("5 per 10 minutes") == FIVE
    assert attempts.rule("20/hour") == attempts.Rule(20, timedelta(hours=1))


def test_four_failures_do_not_lock_and_the_fifth_does_for_ten_minutes(db):
    last = fail(db, 4)
    assert locked(db, last) is None
    last = fail(db, 1, at=last + timedelta(seconds=1))
    assert locked(db, last) == last + timedelta(minutes=10)
    assert locked(db, last + timedelta(minutes=9, seconds=59)) is not None
    assert locked(db, last + timedelta(minutes=10)) is None


def test_failures_spread_wider_than_the_window_never_lock(db):
    last = fail(db, 12, every=timedelta(minutes=2, seconds=31))
    assert locked(db, last) is None
    assert attempts.failures(db, "admin-login", "owner@example.jp", HOME, last - FIVE.window) == 4


def test_the_lock_is_per_account_and_address(db):
    last = fail(db, 5)
    assert locked(db, last) is not None
    assert locked(db, last, address=CAFE) is None  # the administrator, from elsewhere
    assert locked(db, last, key="other@example.jp") is None
    assert locked(db, last, key=None, rule=attempts.Rule(5, FIVE.window)) is not None


def test_every_key_of_an_address_counts_with_key_none(db):
    for n in range(6):
        fail(db, 1, key=f"guess{n}@example.jp", at=START + timedelta(seconds=n))
    assert locked(db, START + timedelta(seconds=6), key=None, rule=attempts.Rule(6, FIVE.window))
    assert attempts.failures(db, "admin-login", None, HOME, START) == 6
    assert attempts.failures(db, "admin-login", None, CAFE, START) == 0


def test_scopes_are_apart(db):
    last = fail(db, 5)
    assert attempts.locked_until(db, "invite-login", "owner@example.jp", HOME, last, FIVE) is None


def test_clear_forgets_that_key_from_that_address_only(db):
    fail(db, 4)
    fail(db, 4, address=CAFE)
    attempts.clear(db, "admin-login", "owner@example.jp", HOME)
    assert attempts.failures(db, "admin-login", "owner@example.jp", HOME, START) == 0
    assert attempts.failures(db, "admin-login", "owner@example.jp", CAFE, START) == 4


def test_failures_older_than_a_day_are_deleted(db):
    fail(db, 3)
    fail(db, 1, at=START + timedelta(days=2))
    assert db.execute("SELECT count(*) FROM attempts").fetchone()[0] == 1


def test_a_lock_survives_a_restart(database):
    path = database
    first = connect(path, "NORMAL")
    migrate(first)
    last = fail(first, 5)
    first.conn.close()
    again = connect(path, "NORMAL")
    assert locked(again, last + timedelta(minutes=1)) is not None
