"""Many holders, one tile: real threads and real processes, each on its own connection."""

import multiprocessing
import random
import threading
from collections import Counter, defaultdict
from datetime import UTC, datetime

import pytest

from app import create_app
from app.store import Taken, campaigns, claims
from app.store.db import connect

from .live import open_campaign

pytestmark = [pytest.mark.slow, pytest.mark.both_engines]

THREADS = 48
ROUNDS = 6
# 10 coupons and 4 losing tiles: a won tile stays held, a losing one ends at once.
PRIZES = ((25, 7), (20, 2), (10, 1))
LOSING = 4
SHEETS = sum(n for _, n in PRIZES) + LOSING


def _board(path, slug, mode="board"):
    app = create_app({"DATABASE": str(path), "SECRET_KEY": "x"})
    # The engine refuses draws outside the period: open it around the real clock.
    open_campaign(app, slug, prizes=PRIZES, losing=LOSING, mode=mode)
    return app


def _campaign(path, slug):
    db = connect(str(path), "NORMAL")
    try:
        return campaigns.by_slug(db, slug)
    finally:
        db.conn.close()


def _check_one_holder_each(path, slug, wins):
    """`wins` maps tile to the entries that hold() handed out for it."""
    assert {no: len(ids) for no, ids in wins.items()} == {no: 1 for no in range(1, SHEETS + 1)}
    conn = connect(str(path), "NORMAL")
    try:
        (cid,) = conn.execute("SELECT id FROM campaigns WHERE slug = ?", [slug]).fetchone()
        rows = conn.execute(
            "SELECT t.no, t.entry_id, t.state, t.prize_id IS NULL, e.state, e.tile_no"
            " FROM tiles t JOIN entries e ON e.id = t.entry_id WHERE t.campaign_id = ?",
            [cid],
        ).fetchall()
        entries = conn.execute(
            "SELECT count(*) FROM entries WHERE campaign_id = ?", [cid]
        ).fetchone()[0]
    finally:
        conn.close()
    assert len(rows) == SHEETS
    for no, entry_id, state, losing, entry_state, entry_tile in rows:
        assert [entry_id] == wins[no]
        assert entry_tile == no
        assert (state, entry_state) == (("lost", "lost") if losing else ("held", "held"))
    # A refused hold leaves nothing behind: no orphan entry from the losers.
    assert entries == SHEETS
    _check_breakdown(path, slug)


def _check_breakdown(path, slug):
    """Every sheet was drawn once: the file's breakdown exactly, and draws 1..SHEETS logged."""
    conn = connect(str(path), "NORMAL")
    try:
        (cid,) = conn.execute("SELECT id FROM campaigns WHERE slug = ?", [slug]).fetchone()
        tiers = Counter(
            dict(
                conn.execute(
                    "SELECT tier, count(*) FROM tiles WHERE campaign_id = ? GROUP BY tier",
                    [cid],
                ).fetchall()
            )
        )
        free = conn.execute("SELECT sum(free) FROM tiers WHERE campaign_id = ?", [cid]).fetchone()
        draws = conn.execute(
            "SELECT draw_no FROM draw_log WHERE campaign_id = ? ORDER BY seq", [cid]
        ).fetchall()
    finally:
        conn.close()
    assert tiers == Counter({1: 7, 2: 2, 3: 1, 0: LOSING})
    assert free == (0,)
    assert [d for (d,) in draws] == list(range(1, SHEETS + 1))


def _thread_round(path, slug, pick):
    """Start THREADS threads at once, each on its own connection; return wins and refusals."""
    campaign = _campaign(path, slug)
    barrier = threading.Barrier(THREADS)
    wins = defaultdict(list)
    refused = Counter()
    lock = threading.Lock()
    errors = []

    def run(seed):
        rng = random.Random(seed)
        db = connect(str(path), "NORMAL")
        try:
            barrier.wait(timeout=30)
            for attempt, no in enumerate(pick(rng)):
                # Each attempt is its own terminal: a holder draws once per campaign.
                holder = f"board:{seed}:{attempt}"
                try:
                    entry = claims.hold(db, campaign, holder, datetime.now(UTC), no=no)
                except Taken:
                    with lock:
                        refused[no] += 1
                    continue
                with lock:
                    wins[entry.tile_no].append(entry.id)
        except BaseException as exc:  # reported below: a thread must not fail silently
            errors.append(exc)
        finally:
            db.conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    return wins, refused


def test_threads_holding_overlapping_tiles_get_one_holder_each(database):
    path = database
    for r in range(ROUNDS):
        slug = f"race-{r}"
        _board(path, slug)

        # Each thread tries a random half of the board in its own order, so every
        # tile has about THREADS / 2 contenders arriving at the same moment.
        def pick(rng):
            return rng.sample(range(1, SHEETS + 1), SHEETS // 2 + 1)

        wins, refused = _thread_round(path, slug, pick)
        attempts = THREADS * (SHEETS // 2 + 1)
        assert sum(len(v) for v in wins.values()) + sum(refused.values()) == attempts
        _check_one_holder_each(path, slug, wins)


def test_threads_drawing_the_next_tile_never_share_one(database):
    path = database
    for r in range(ROUNDS):
        slug = f"next-{r}"
        _board(path, slug, mode="speed")
        # A speed lottery: no tile number, each holds "the next free sheet", twice.
        wins, refused = _thread_round(path, slug, lambda rng: (None, None))
        assert sum(refused.values()) == 2 * THREADS - SHEETS
        _check_one_holder_each(path, slug, wins)


PROCESSES = 8
HOT_TILES = (1, 2, 3, 4)


def _process_holder(path, slugs, barrier, results, seed):
    """Hold HOT_TILES on each board in turn, starting with the other processes."""
    rng = random.Random(seed)
    db = connect(path, "NORMAL")
    boards = [campaigns.by_slug(db, slug) for slug in slugs]
    for campaign in boards:
        barrier.wait(60)
        for no in rng.sample(HOT_TILES, len(HOT_TILES)):
            try:
                holder = f"board:{seed}:{no}"
                entry = claims.hold(db, campaign, holder, datetime.now(UTC), no=no)
            except Taken:
                continue
            results.put((campaign.slug, no, entry.id))
    db.conn.close()
    results.put(None)


def test_processes_holding_the_same_few_tiles_get_one_holder_each(database):
    path = database
    slugs = [f"proc-{r}" for r in range(ROUNDS)]
    for slug in slugs:
        _board(path, slug)
    # A fork server imports the app once, then forks clean children that share nothing open.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([__name__])
    barrier = ctx.Barrier(PROCESSES)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_process_holder, args=(str(path), slugs, barrier, results, i))
        for i in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    wins = defaultdict(list)
    done = 0
    while done < PROCESSES:
        item = results.get(timeout=120)
        if item is None:
            done += 1
        else:
            slug, no, entry_id = item
            wins[slug, no].append(entry_id)
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    assert set(wins) == {(s, n) for s in slugs for n in HOT_TILES}
    assert all(len(ids) == 1 for ids in wins.values()), wins
    conn = connect(str(path), "NORMAL")
    try:
        for (slug, no), (entry_id,) in wins.items():
            assert conn.execute(
                "SELECT t.entry_id FROM tiles t JOIN campaigns c ON c.id = t.campaign_id"
                " WHERE c.slug = ? AND t.no = ?",
                [slug, no],
            ).fetchone() == (entry_id,)
        # Only the winners left an entry behind.
        assert conn.execute("SELECT count(*) FROM entries").fetchone()[0] == len(wins)
    finally:
        conn.close()
