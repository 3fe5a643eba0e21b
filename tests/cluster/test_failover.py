"""Two app hosts behind nginx; app2 is killed with SIGKILL mid-load and started again.

Hosts are network namespaces with CPU quotas (harness.py): `lb` runs the deploy nginx site,
`app1` and `app2` gunicorn, `data` Redis and PostgreSQL (or, while this checkout cannot run
on PostgreSQL, the app hosts share one SQLite file, as namespaces share the file system).
Terminals in the test claim, confirm and poll through `lb`, a print run is under way on
app2 when it dies, and afterwards nothing acknowledged is lost and nothing is issued twice.
"""

import json
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from app.admin.files import COUPON_BATCH
from app.lottery.fairness import verify
from app.store import campaigns, editing, get_db
from app.store import fairness as fairness_store
from app.store import jobs as job_store
from tests.admin.helpers import seed_destinations
from tests.factories import make_campaign
from tests.torture.live import Browser

from .load import Load, audit
from .services import LOAD_SETTINGS, start_app, start_database, start_lb, start_redis

pytestmark = [pytest.mark.slow]

SLUG, PRINTED = "live", "printed"
PRIZES = ((25, 800), (20, 200), (10, 200))
SHEETS = sum(n for _, n in PRIZES)
# Two batches of the print run (COUPON_BATCH), 13 s or more each at half a core: app2 is
# still printing when the load is under way, however slowly app1 and the load start.
COUPONS = 2 * COUPON_BATCH
CLIENTS, POLLERS = 10, 3
LEASE = 60  # longer than the batch, which renews it only when done
KILL_AFTER = 20  # acknowledged confirmations before app2 dies
MAX_TERMINALS = 20_000
DEADLINE = 300  # seconds: the whole run fails with figures rather than hang


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_host_killed_mid_load_loses_nothing(cluster, monkeypatch):
    started = time.monotonic()
    c = cluster
    settings = {
        **LOAD_SETTINGS,
        "SECRET_KEY": "cluster-secret",
        "REDIS_URL": start_redis(c),
        "JOB_LEASE_SECONDS": LEASE,
        "SQLITE_SYNCHRONOUS": "NORMAL",
    }
    database = settings["DATABASE"] = start_database(c)
    app = create_app({"DATABASE": database, "SECRET_KEY": "cluster-secret"})
    now = datetime.now(UTC)
    make_campaign(
        app, slug=SLUG, prizes=PRIZES, hold_minutes=1,
        opens=now - timedelta(hours=1), closes=now + timedelta(days=1),
    )  # fmt: skip
    make_campaign(
        app, slug=PRINTED, prizes=((25, COUPONS),),
        opens=now - timedelta(days=2), closes=now - timedelta(days=1),
    )  # fmt: skip
    seed_destinations(app, PRINTED, COUPONS)

    url = start_lb(c)
    monkeypatch.setenv("SSL_CERT_FILE", str(c.folder / "nginx" / "cert.pem"))
    # app2 alone first, so the print run is its job; then app1, then the load.
    start_app(c, "app2", settings)
    with app.app_context():
        db = get_db()
        printed = campaigns.by_slug(db, PRINTED)
        payload = json.dumps({"format": "pdf", "language": "en"})
        job_id = job_store.enqueue(db, "print-coupons", printed.id, now, payload=payload)
    Browser(f"http://{c.address('app2')}:8000", SLUG).request("GET", "/healthz")  # its runner
    with app.app_context():
        _wait(lambda: job_store.get(get_db(), job_id).state == "running", 30, "app2's job")
    printing_since = time.monotonic()
    start_app(c, "app1", settings)

    load = Load(url, SLUG, SHEETS, MAX_TERMINALS)
    figures = {}
    try:
        load.run(CLIENTS, POLLERS)
        # Kill once the load is well under way on both hosts, while the print run goes on.
        _wait(lambda: len(load.acknowledged) >= KILL_AFTER or load.odd, 60, "the load")
        with app.app_context():
            job = job_store.get(get_db(), job_id)
            assert job.state == "running", "the print run ended before app2 could be killed"
            lease_at_kill = (
                get_db()
                .execute("SELECT lease_until FROM jobs WHERE id = ?", [job_id])
                .fetchone()[0]
            )
        killed_at = time.monotonic()  # before the kill: requests fail while it waits
        c.kill("app2")
        figures["printing_before_kill"] = round(killed_at - printing_since, 1)
        acknowledged_at_kill = len(load.acknowledged)

        # app1 takes the print run up once app2's lease lapses; then app2 comes back.
        def retaken():
            with app.app_context():
                row = (
                    get_db()
                    .execute("SELECT state, lease_until FROM jobs WHERE id = ?", [job_id])
                    .fetchone()
                )
            return row[0] == "done" or (row[1] or "") > lease_at_kill

        _wait(retaken, LEASE + 30, "app1 to take the print run up")
        start_app(c, "app2", settings)
        restarted_at = time.monotonic()
        with app.app_context():
            _wait(lambda: job_store.get(get_db(), job_id).state == "done", 120, "the print run")
        time.sleep(3)  # load on both hosts again
    finally:
        load.end()
        figures["seconds"] = round(time.monotonic() - started, 1)
        figures["cpu"] = {h: round(c.cpu_seconds(h), 1) for h in ("lb", "app1", "app2", "data")}

    figures.update(
        acknowledged=len(load.acknowledged),
        acknowledged_at_kill=acknowledged_at_kill,
        failed=len(load.failed),
        statuses=sorted(load.statuses.items()),
    )
    print("\ncluster:", figures)
    for name in ("app1", "app2"):
        print(f"--- {name}, last lines\n" + "\n".join(c.log(name).splitlines()[-5:]))
    assert time.monotonic() - started < DEADLINE, figures
    assert load.odd == [], load.odd[:5]
    assert len(load.acknowledged) > acknowledged_at_kill > 0, figures
    # Only what was in flight on app2 when it died failed: at most one request per client,
    # all within a moment of the kill; nothing failed before it or after app2 came back.
    assert len(load.failed) <= CLIENTS + POLLERS, load.failed
    late = [(round(t - killed_at, 2), w) for t, w in load.failed if not 0 <= t - killed_at < 3]
    assert late == [], late
    assert restarted_at > killed_at

    # The print run that app2 had begun finished on app1, its files in the database.
    def finished_on(host):
        lines = c.log(host).splitlines()
        return any("job done" in line and f"job={job_id} " in line + " " for line in lines)

    assert finished_on("app1") and not finished_on("app2"), c.log("app1")[-2000:]
    with app.app_context():
        db = get_db()
        job = job_store.get(db, job_id)
        assert job.state == "done" and json.loads(job.result)["files"]
        assert all(job_store.read_file(db, job_id, n).startswith(b"%PDF") for n in (1, 2))

        # Every acknowledged confirmation is in the destination list, on its tile.
        found = audit(db, SLUG, load.acknowledged)
        assert found.lost == {}, f"acknowledged but missing or moved: {found.lost}"
        # No tile, person or coupon issued twice.
        assert found.double == 0, found.rows
        rows = found.rows
        live = campaigns.by_slug(db, SLUG)
        # End the campaign (returning holds cut off by the kill): the breakdown is exact.
        if live.ended_at is None:
            assert editing.change(db, live.id, datetime.now(UTC), close_now=True)
        live = campaigns.by_slug(db, SLUG)
        states = dict(
            db.execute(
                "SELECT state, count(*) FROM tiles WHERE campaign_id = ? GROUP BY state",
                [live.id],
            ).fetchall()
        )
        assert states.get("held", 0) == 0 and sum(states.values()) == SHEETS, states
        assert states.get("confirmed", 0) == len(rows)
        issued = Counter(label for _, _, label in rows)
        left = dict(
            db.execute(
                "SELECT p.label, t.free FROM tiers t JOIN prizes p ON p.id = t.prize_id"
                " WHERE t.campaign_id = ?",
                [live.id],
            ).fetchall()
        )
        assert {k: issued.get(k, 0) + left[k] for k in left} == {f"{v} % off": n for v, n in PRIZES}
        # The fairness verifier replays every draw and return from the published seed.
        document = fairness_store.document(db, live, datetime.now(UTC))
        report = verify(document)
        assert report.ok, report.problems
