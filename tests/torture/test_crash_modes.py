"""Crash the speed lottery and the batch draw with SIGKILL; nothing promised is lost."""

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

from app import create_app
from tests.live_wsgi import LiveClock
from tests.server import ROOT, make_server

from .live import (
    DOWN,
    Browser,
    assert_fair,
    assert_one_ticket_per_entry,
    details,
    export,
    open_campaign,
    query,
)

pytestmark = pytest.mark.slow

# 600 sheets: two kills mid-draw, cut-off holds lapsing and drawn again, the last sheet
# drawn. Twice as many repeated the same steps for another half-minute of two cores.
PRIZES = ((25, 350), (20, 100), (10, 50))
LOSING = 100
SHEETS = sum(n for _, n in PRIZES) + LOSING
LABELS = {f"{v} % off": n for v, n in PRIZES}
CLIENTS = 16
DEADLINE = 300


class SpeedRun:
    """Respondents pressing Draw and confirming, while the server is killed under them."""

    def __init__(self, url: str):
        self.url = url
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.numbers = iter(range(10**9))
        self.draws = 0
        self.all_held = 0  # draws refused because every sheet left is held
        self.acknowledged: set[str] = set()
        self.lost = 0
        self.odd: list = []

    def client(self) -> None:
        while not self.stop.is_set():
            with self.lock:
                n = next(self.numbers)
            try:
                self.respondent(n)
            except DOWN:
                time.sleep(0.1)
            except Exception as exc:  # reported at the end
                self.odd.append(("respondent", n, repr(exc)))

    def respondent(self, n: int) -> None:
        browser = Browser(self.url, "speed")
        page = browser.get()
        if page.status != 200 or not browser.csrf:
            return
        if "has closed" in page.body:
            self.stop.set()
            return
        reply = browser.post("/draw")
        if reply.status == 409:  # every coupon is held right now; lapsed holds come back
            with self.lock:
                self.all_held += 1
            time.sleep(0.3)
            return
        if reply.status == 403:
            return
        if reply.status != 303:
            self.odd.append(("draw", reply.status, reply.body[:200]))
            return
        with self.lock:
            self.draws += 1
        browser.reveal()
        ticket = browser.get("/entry")
        if "no prize this time" in ticket.body.lower():
            with self.lock:
                self.lost += 1
            return
        form = details(n, "s")
        email = form["email"]
        reply = browser.confirm(**form)
        if reply.status == 303:
            with self.lock:
                self.acknowledged.add(email)
        elif reply.status >= 500:
            self.odd.append(("confirm", reply.status, reply.body[:200]))


@pytest.mark.both_engines
def test_speed_lottery_survives_sigkill_with_an_exact_breakdown(database, tmp_path):
    rng = random.Random()
    db_path = database
    clock = LiveClock(tmp_path / "clock")
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    open_campaign(app, "speed", prizes=PRIZES, losing=LOSING, mode="speed", hold_minutes=1)
    server = make_server(
        db_path,
        workers=4,
        clock=clock.path,
        CLAIM_LIMIT="100000 per minute",
        CONFIRM_LIMIT="100000 per minute",
        HOLDS_PER_ADDRESS="null",
        REDRAWS_PER_ADDRESS="null",
        SQLITE_SYNCHRONOUS="FULL",
    )
    run = SpeedRun(server.url)
    server.start()
    started = time.monotonic()
    threads = [threading.Thread(target=run.client) for _ in range(CLIENTS)]
    try:
        for t in threads:
            t.start()
        for point in (100, 300):
            while run.draws < point and not run.stop.is_set():
                time.sleep(0.01)
            server.kill()
            time.sleep(rng.uniform(0.1, 0.8))
            server.start()
        # The draws the kills cut off hold their sheets for a minute. When no draw has gone
        # through for two seconds and the server says every sheet left is held, only those
        # holds stand in the way: move the server's time on a minute instead of waiting.
        seen, moves = (run.draws, run.all_held), 0
        while not run.stop.wait(2) and time.monotonic() - started < DEADLINE:
            now_seen = (run.draws, run.all_held)
            if now_seen[0] == seen[0] and now_seen[1] > seen[1]:
                clock.advance(minutes=1, seconds=1)
                moves += 1
            seen = now_seen
    finally:
        run.stop.set()
        for t in threads:
            t.join(60)
        server.stop()
    figures = f"{run.draws} draws, the clock moved on a minute {moves} times"
    assert run.stop.is_set() and run.odd == [], (figures, run.odd)
    assert_one_ticket_per_entry(db_path)
    states = dict(query(db_path, "SELECT state, count(*) FROM tiles GROUP BY state"))
    assert states == {"confirmed": SHEETS - LOSING, "lost": LOSING}, figures
    rows = export(db_path, "speed")
    emails = {row["email"] for row in rows}
    assert run.acknowledged <= emails  # every acknowledged confirmation was kept
    assert Counter(row["coupon"] for row in rows) == LABELS  # exactly the breakdown
    assert len(emails) == len(rows) == SHEETS - LOSING
    assert sorted(int(r["issue_no"]) for r in rows) == sorted(
        no for (no,) in query(db_path, "SELECT no FROM tiles WHERE state = 'confirmed'")
    )
    assert_fair(db_path, "speed")


def _register(url: str, n: int) -> int:
    browser = Browser(url, "batch")
    if browser.get().status != 200 or not browser.csrf:
        return 0
    reply = browser.post(
        "/apply",
        {
            "name": f"P{n}",
            "postal_code": "104-0061",
            "address": "Tokyo",
            "phone": f"090{n:08d}",
            "email": f"b{n}@example.jp",
        },
    )
    return reply.status


def _flask(db_path, *args) -> subprocess.Popen:
    env = {**os.environ, "FLASK_DATABASE": str(db_path), "FLASK_SECRET_KEY": "x"}
    env.update(LANG="en_US.UTF-8", LANGUAGE="", LC_ALL="", LC_MESSAGES="")  # English output
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.both_engines
def test_a_batch_draw_killed_mid_way_runs_exactly_once_later(database):
    db_path = database
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    open_campaign(app, "batch", prizes=PRIZES, losing=LOSING, mode="speed", draw="batch")
    server = make_server(
        db_path,
        workers=2,
        CLAIM_LIMIT="100000 per minute",
        CONFIRM_LIMIT="100000 per minute",
        HOLDS_PER_ADDRESS="null",
        REDRAWS_PER_ADDRESS="null",
    )
    server.start()
    accepted = []
    lock = threading.Lock()
    numbers = iter(range(SHEETS * 2))

    def client():
        for n in iter(lambda: next(numbers, None), None):
            while True:  # the server is down for a moment: this person tries again
                try:
                    status = _register(server.url, n)
                    break
                except DOWN:
                    time.sleep(0.1)
            if status == 303:
                with lock:
                    accepted.append(f"b{n}@example.jp")
            elif status >= 500:
                raise AssertionError(status)

    threads = [threading.Thread(target=client) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        time.sleep(2)
        server.kill()  # mid-registration
        server.start()
        for t in threads:
            t.join(120)
    finally:
        server.stop()
    asked = query(db_path, "SELECT count(*) FROM requests")[0][0]
    assert asked == SHEETS  # registration stopped at the number of sheets
    assert set(accepted) <= {e for (e,) in query(db_path, "SELECT email FROM requests")}
    # Full: the request for the last sheet ran the draw already, or it is due now.
    drawn = query(db_path, "SELECT batch_drawn_at IS NOT NULL FROM campaigns")[0][0]
    if not drawn:
        proc = _flask(db_path, "campaign", "draw", "batch")
        time.sleep(random.uniform(0.3, 1.5))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        proc = _flask(db_path, "campaign", "draw", "batch")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode in (0, 1), err
        assert "drawn" in out + err
    again = _flask(db_path, "campaign", "draw", "batch")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 1 and "drawn already" in err
    assert_one_ticket_per_entry(db_path)
    rows = export(db_path, "batch")
    assert Counter(row["coupon"] for row in rows) == LABELS
    assert query(db_path, "SELECT count(*) FROM entries WHERE state = 'lost'") == [(LOSING,)]
    doc = assert_fair(db_path, "batch")
    assert len(doc["log"]) == SHEETS
