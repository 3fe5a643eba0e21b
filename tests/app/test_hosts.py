"""Several hosts on one database: shared limits and board states in Redis, one secret."""

import re

import pytest
import redis

from app import create_app
from app.public import tiles
from app.web.extensions import limiter
from tests.factories import Terminal, make_campaign

HEADERS = {"HX-Request": "true"}


def version_of(html: str) -> int:
    return int(re.search(r"tiles\?v=(\d+)", html).group(1))


def host(tmp_path, clock, **settings):
    """One app host on the shared database file, as gunicorn on another machine would run."""
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "kuji.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            **settings,
        }
    )


@pytest.fixture
def hosts(tmp_path, clock, redis_url):
    first = host(tmp_path, clock, REDIS_URL=redis_url)
    second = host(tmp_path, clock, REDIS_URL=redis_url)
    make_campaign(first)
    return first, second


def statements(app):
    """Count the SQL statements the quiet layer's connection of this thread runs."""
    from app.store.db import thread_connection

    db = thread_connection(app.config["DATABASE"], app.config["SQLITE_SYNCHRONOUS"], role="polls")
    seen = []
    db.conn.set_trace_callback(seen.append)
    return seen


def test_a_quiet_poll_reads_redis_not_the_database(hosts):
    first, _ = hosts
    watcher = Terminal(first.test_client(), "spring")
    v = version_of(watcher.get().get_data(as_text=True))
    assert watcher.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204  # fills Redis
    seen = statements(first)
    for _ in range(5):
        response = watcher.get(f"/tiles?v={v}", headers=HEADERS)
        assert response.status_code == 204 and response.data == b""
    assert seen == []


def test_a_claim_on_one_host_reaches_polls_on_the_other(hosts):
    first, second = hosts
    watcher = Terminal(first.test_client(), "spring")
    v = version_of(watcher.get().get_data(as_text=True))
    assert watcher.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204
    seen = statements(first)
    assert Terminal(second.test_client(), "spring").claim(42).status_code == 303
    response = watcher.get(f"/tiles?v={v}", headers=HEADERS)
    assert response.status_code == 200
    assert 'class="tile gone" id="t42"' in response.get_data(as_text=True)
    assert seen  # the bump sent this poll to the database
    v2 = version_of(response.get_data(as_text=True))
    assert v2 == v + 1
    assert watcher.get(f"/tiles?v={v2}", headers=HEADERS).status_code == 204


def test_an_admin_change_on_one_host_reaches_polls_on_the_other(hosts, clock):
    from app.store import campaigns, editing

    first, second = hosts
    watcher = Terminal(first.test_client(), "spring")
    v = version_of(watcher.get().get_data(as_text=True))
    assert watcher.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204
    with second.app_context():
        from app.store import get_db

        db = get_db()
        found = campaigns.by_slug(db, "spring")
        assert editing.change(db, found.id, clock(), close_now=True)
    html = watcher.get(f"/tiles?v={v}", headers=HEADERS).get_data(as_text=True)
    assert "has closed" in html and "hx-trigger" not in html


def test_polls_are_answered_while_redis_is_away(tmp_path, clock):
    # Limits counted apart: the limiter shared by every app in this process would otherwise
    # stay on its in-memory fallback for the tests after this one.
    app = host(
        tmp_path, clock, REDIS_URL="redis://127.0.0.1:9/0", RATELIMIT_STORAGE_URI="memory://"
    )
    make_campaign(app)
    watcher = Terminal(app.test_client(), "spring")
    v = version_of(watcher.get().get_data(as_text=True))
    assert watcher.get(f"/tiles?v={v}", headers=HEADERS).status_code == 204
    Terminal(app.test_client(), "spring").claim(7)
    assert watcher.get(f"/tiles?v={v}", headers=HEADERS).status_code == 200


def test_claim_limits_are_counted_once_across_hosts(tmp_path, clock, redis_url):
    first = host(tmp_path, clock, REDIS_URL=redis_url, CLAIM_LIMIT="3 per minute")
    make_campaign(first)
    with first.app_context():
        limiter.reset()
    assert "Redis" in type(limiter.storage).__name__
    for no in (1, 2):
        Terminal(first.test_client(), "spring").claim(no)
    # Another host: a new limiter storage, as another machine has; claims are counted in the
    # shared database (app.limiting.counted), which Redis may forget but the database keeps.
    second = host(tmp_path, clock, REDIS_URL=redis_url, CLAIM_LIMIT="3 per minute")
    assert Terminal(second.test_client(), "spring").claim(3).status_code == 303
    assert Terminal(second.test_client(), "spring").claim(4).status_code == 429
    with second.app_context():
        from app.store import get_db

        hits = get_db().execute("SELECT hits FROM rate_counts WHERE key LIKE 'claim:%'")
        assert [r[0] for r in hits] == [3]


def test_without_redis_limits_stay_in_this_process(app):
    assert app.config["REDIS_URL"] is None
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory-swept://"
    assert app.config["RATELIMIT_STRATEGY"] in ("fixed-window", "sliding-window-counter")


def test_a_database_server_needs_a_configured_secret(tmp_path):
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app({"TESTING": True, "DATABASE": "postgresql://kuji@127.0.0.1:9/kuji"})
    assert not (tmp_path / "secret_key").exists()


def test_the_board_page_cache_keeps_only_the_latest_pages(monkeypatch):
    monkeypatch.setattr(tiles, "_latest", type(tiles._latest)())
    monkeypatch.setattr(tiles, "LATEST_PAGES", 3)
    reads = []

    def read(no):
        return lambda: reads.append(no) or (1, [1], 1)

    for no in range(5):
        tiles.cached_board(("en", no), 1, read(no), span=(1, 2))
    assert list(tiles._latest) == [("en", 2), ("en", 3), ("en", 4)]
    tiles.cached_board(("en", 2), 1, read("again"), span=(1, 2))  # kept: no read
    tiles.cached_board(("en", 0), 1, read(0), span=(1, 2))  # dropped: read again
    assert reads == [0, 1, 2, 3, 4, 0]
    assert list(tiles._latest) == [("en", 4), ("en", 2), ("en", 0)]


def test_a_connection_outside_a_transaction_still_bumps(tmp_path, clock, redis_url):
    app = host(tmp_path, clock, REDIS_URL=redis_url)
    make_campaign(app)
    client = redis.Redis.from_url(redis_url)
    with app.app_context():
        from app.store import get_db
        from app.store.db import changed

        db = get_db()
        cid = db.execute("SELECT id FROM campaigns").fetchone()[0]
        before = int(client.get(f"kuji:board:{cid}:gen") or 0)
        changed(db, cid)
    assert int(client.get(f"kuji:board:{cid}:gen")) == before + 1


@pytest.mark.both_engines
def test_leases_run_by_the_database_clock_and_job_files_round_trip(app, engine):
    from datetime import UTC, datetime, timedelta

    from app.store import get_db
    from app.store import jobs as job_store
    from app.store.db import database_now

    with app.app_context():
        db = get_db()
        moment = database_now(db, app.config["CLOCK"])
        if engine == "sqlite":  # a file on this machine: the app's clock (tests set it)
            assert moment == app.config["CLOCK"]()
        else:  # the server's clock, whatever the app's says
            assert moment != app.config["CLOCK"]()
            assert abs(moment - datetime.now(UTC)) < timedelta(minutes=1)
        job_id = job_store.enqueue(db, "export-destinations", None, moment)
        job_store.save_file(db, job_id, 1, b"%PDF-first")
        job_store.save_file(db, job_id, 1, b"%PDF-again")  # a job run again replaces it
        assert job_store.read_file(db, job_id, 1) == b"%PDF-again"
        assert job_store.read_file(db, job_id, 2) is None
