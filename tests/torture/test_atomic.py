"""Each read-then-write the store used to lean on SQLite's single writer for, raced by real
processes on both engines: correctness must come from the statements themselves."""

import multiprocessing
import random
import time
from datetime import timedelta

import pytest

from app.store import NotHeld, campaigns, claims, jobs, kiosks
from app.store.db import connect
from app.store.schema import migrate
from tests.factories import START, conditions, contact

pytestmark = pytest.mark.both_engines
# spawn, not fork: a forked child would inherit the parent's open SQLite file and its locks.
spawn = multiprocessing.get_context("spawn")
WORKERS = 2
TILES = 150


@pytest.fixture
def db(database):
    db = connect(database, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


def race(target, *args) -> list:
    """Run target(database, start, results, *args) in WORKERS processes started together."""
    start, results = spawn.Event(), spawn.Queue()
    procs = [spawn.Process(target=target, args=(i, start, results, *args)) for i in range(WORKERS)]
    for p in procs:
        p.start()
    start.set()
    found = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return found


def _confirm_or_return(i, start, results, database, slug, entries):
    db = connect(database, "NORMAL")
    campaign = campaigns.by_slug(db, slug)
    start.wait()
    while i == 1 and not db.execute("SELECT 1 FROM destinations LIMIT 1").fetchone():
        time.sleep(0.001)  # the returner starts once the confirmer is under way
    done = []
    # Two hosts whose clocks disagree by two seconds about a hold that lapses between them:
    # one confirms every hold, newest first, while the other returns, oldest first, every
    # hold it thinks lapsed; they meet in the middle of the returner's transaction.
    for entry_id in reversed(entries) if i == 0 else entries[:1]:
        if i == 0:
            try:
                claims.confirm(
                    db, campaign, entry_id, contact(entry_id), START - timedelta(seconds=1)
                )
                done.append(entry_id)
            except NotHeld:
                pass
        else:
            claims.expire_due(db, campaign, START + timedelta(seconds=1))
    db.conn.close()
    results.put((i, done))


def test_a_return_racing_a_confirm_never_frees_a_confirmed_tile(db, database):
    slug = "race-return"
    c = conditions(slug=slug, prizes=((25, TILES),), hold_minutes=1)
    campaigns.create(db, c, random.Random(3).randbytes(32), "", START - timedelta(days=1))
    campaign = campaigns.by_slug(db, slug)
    # Every hold lapses at START exactly: the confirmer's clock says it has not, the
    # returner's that it has.
    entries = [
        claims.hold(db, campaign, f"board:{n}", START - timedelta(minutes=1), no=n).id
        for n in range(1, TILES + 1)
    ]
    found = dict(race(_confirm_or_return, database, slug, entries))
    confirmed = set(found[0])
    rows = db.execute(
        "SELECT t.no, t.state, t.entry_id, e.state, d.id IS NOT NULL FROM entries e"
        " LEFT JOIN tiles t ON t.campaign_id = e.campaign_id AND t.entry_id = e.id"
        " LEFT JOIN destinations d ON d.entry_id = e.id WHERE e.campaign_id = ?",
        [campaign.id],
    ).fetchall()
    assert len(rows) == TILES
    for no, tile_state, tile_entry, entry_state, has_destination in rows:
        if has_destination:
            # A confirmed entry keeps its tile: never freed under it, never re-drawn.
            assert (tile_state, entry_state) == ("confirmed", "confirmed")
            assert tile_entry is not None
        else:
            assert entry_state == "expired" and no is None
    assert confirmed == {
        r[0]
        for r in db.execute(
            "SELECT entry_id FROM destinations WHERE campaign_id = ?", [campaign.id]
        )
    }
    free = db.execute(
        "SELECT count(*) FROM tiles WHERE campaign_id = ? AND state = 'free'", [campaign.id]
    ).fetchone()[0]
    assert free == TILES - len(confirmed)
    assert confirmed  # they did meet
    assert campaigns.by_slug(db, slug).free == free


def _take_jobs(i, start, results, database):
    db = connect(database, "NORMAL")
    start.wait()
    taken = []
    while (job := jobs.claim(db, START, timedelta(minutes=5))) is not None:
        taken.append(job.id)
    db.conn.close()
    results.put(taken)


def test_two_job_runners_never_take_one_job(db, database):
    queued = [jobs.enqueue(db, "import", None, START, unique=False) for _ in range(80)]
    taken = race(_take_jobs, database)
    every = [job_id for one in taken for job_id in one]
    assert sorted(every) == sorted(queued)  # each job once, none left behind


def _make_batches(i, start, results, database, campaign_id):
    db = connect(database, "NORMAL")
    start.wait()
    made = [kiosks.make_tickets(db, campaign_id, 3, START) for _ in range(8)]
    db.conn.close()
    results.put(made)


def test_two_kiosk_batches_never_get_one_number(db, database):
    c = conditions(slug="kiosk-batches")
    campaigns.create(db, c, random.Random(4).randbytes(32), "", START)
    campaign_id = campaigns.by_slug(db, c.slug).id
    made = [b for one in race(_make_batches, database, campaign_id) for b in one]
    assert sorted(made) == list(range(1, 8 * WORKERS + 1))
    for batch in made:
        assert len(kiosks.batch_codes(db, campaign_id, batch)) == 3
