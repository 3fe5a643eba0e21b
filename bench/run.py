"""`make bench`: load Kuji under gunicorn with wrk and write bench/out/results.md.

Everything runs in a throw-away temp dir: the database, the terminals file, the Lua scripts.
wrk shares the two cores with the server, and other work on the machine moves absolute
figures a lot, so each measurement is preceded by a short GET /healthz run on the same server
with the same connections, and reported as a ratio to it.
BENCH_SECONDS sets the length of each measurement (default 8), BENCH_TERMINALS the number of
terminals made for the claim runs (default 16384), BENCH_ONLY a comma-separated subset of
the groups `versus,draws,pages,polls,claims` (default all of them) while iterating,
BENCH_CONNECTIONS the wrk connection counts (default 64,256), BENCH_TILES the tiles of each
claim run's board (default 100000).
DATABASE=postgresql://… (an empty database) adds the claim runs on PostgreSQL, next to
SQLite's in the same run; BENCH_POSTGRES=1 (`make bench-pg`) does the same on a throw-away
PostgreSQL cluster started for the run on this machine (tests/pgcluster.py, durable: the
server's defaults) and deleted after it.

The bare stack (bench/bare.py: Flask + Flask-WTF doing only the unavoidable work) is served
by the same gunicorn settings beside Kuji, and measured right after Kuji's /healthz, claims
and pairs, with the same connections and scripts: the report divides Kuji by it. Its claims
and confirms keep the same books as Kuji's (bench/bare.py); BENCH_BARE_BOOKKEEPING=0 times
the one-UPDATE claim instead.
"""

import os
import secrets
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.server import Server, make_server

from . import bare, draws, prepare, report, versus, wrk

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
BASE_SECONDS = max(2.0, SECONDS / 4)  # the /healthz run just before each measurement
ALONE_SECONDS = max(3.0, SECONDS / 2)  # one connection: the render time of a board page
CONNECTIONS = tuple(int(c) for c in os.environ.get("BENCH_CONNECTIONS", "64,256").split(","))
SECRET = secrets.token_hex(16)
PAGES = {100: "board-100", 10_000: "board-10k", 100_000: "board-100k"}
# "terminals" is a tiny board whose page hands out sessions and CSRF tokens quickly.
BOARDS = {**{slug: tiles for tiles, slug in PAGES.items()}, "poll": 10_000, "terminals": 4}
SYNCS = ("FULL", "NORMAL")
POSTGRES = os.environ.get("DATABASE", "")
POSTGRES = POSTGRES if POSTGRES.startswith(("postgresql://", "postgres://")) else ""
THROWAWAY = os.environ.get("BENCH_POSTGRES", "") not in ("", "0")
CLAIM_SHEETS = int(os.environ.get("BENCH_TILES", "100000"))  # tiles of each claim run's board
CHANGES = 20
# A terminal draws once per campaign: each claim run gets its own campaign, and needs as many
# terminals as it makes claims; a run that uses them all up stops early and says so.
TERMINALS = int(os.environ.get("BENCH_TERMINALS", "16384"))
# Claims must never be refused by the per-IP limit: every wrk connection comes from 127.0.0.1.
SETTINGS = {
    "CLAIM_LIMIT": "1000000 per minute",
    "CONFIRM_LIMIT": "1000000 per minute",
    "HOLDS_PER_ADDRESS": "null",
    "REDRAWS_PER_ADDRESS": "null",
}
HX = "HX-Request: true"
GROUPS = ("versus", "draws", "pages", "polls", "claims")
ONLY = [g for g in os.environ.get("BENCH_ONLY", ",".join(GROUPS)).split(",") if g]
if set(ONLY) - set(GROUPS):
    raise SystemExit(f"BENCH_ONLY takes a subset of {','.join(GROUPS)}, not {ONLY}")


@dataclass
class Bench:
    """The run's state: where things live, the live server, and every result so far."""

    work: Path
    db: Path
    terminals: list = field(default_factory=list)  # (session cookie, CSRF token) pairs
    server: Server | None = None
    bare_db: Path | None = None
    bare_server: Server | None = None  # the bare stack, idle while Kuji is measured
    bare_terminals: list = field(default_factory=list)
    sync: str = "FULL"
    version: int = 0  # of the "poll" board (10,000 tiles) after CHANGES claims
    version_100k: int = 0  # of the 100,000-tile board after CHANGES claims
    results: dict = field(default_factory=dict)  # (sync, name, connections) -> wrk.Result
    bare: dict = field(default_factory=dict)  # the same key -> wrk.Result of the bare stack
    versus: list = field(default_factory=list)  # versus.Row: in-process CPU µs, both apps
    baselines: dict = field(default_factory=dict)  # the same key -> /healthz just before
    render: dict = field(default_factory=dict)  # tiles -> median ms at one connection
    sizes: dict = field(default_factory=dict)  # name -> (status, header bytes, body bytes)
    draw_costs: draws.Draws | None = None  # hold() timed in-process on 100 and 100,000 sheets
    postgres: str = ""  # the PostgreSQL URL of the "PG" claim runs, if any
    claim_tiles: int = CLAIM_SHEETS
    postgres_note: str = ""  # which PostgreSQL that is, for the report

    def start(self, sync: str) -> None:
        """Start gunicorn (-k sync -w 2) with production settings and this SQLite sync mode,
        or on PostgreSQL when `sync` is "PG"."""
        self.stop()
        self.sync = sync
        db, synchronous = (self.postgres, "FULL") if sync == "PG" else (self.db, sync)
        self.server = make_server(
            db, workers=2, threads=1, SECRET_KEY=SECRET, SQLITE_SYNCHRONOUS=synchronous, **SETTINGS
        )
        self.server.start()
        self.bare_server = make_server(self.bare_db, workers=2, threads=1)
        self.bare_server.args[-1] = "bench.bare:create_app()"
        self.bare_server.env.update(
            BARE_DATABASE=str(self.bare_db),
            BARE_SECRET_KEY=SECRET,
            BARE_SYNCHRONOUS=synchronous,
            BARE_BOOKKEEPING="1" if bare.BOOKED_OVER_HTTP else "0",
        )
        self.bare_server.start()
        self.warm_up()

    def stop(self) -> None:
        for server in (self.server, self.bare_server):
            if server:
                server.stop()
        self.server = self.bare_server = None

    def warm_up(self) -> None:
        """Compile templates and open each worker's connection before measuring."""
        polls = (self.poll_path(0), self.poll_path(CHANGES), self.poll_path(CHANGES, big=True))
        for path in ("/healthz", *(f"/c/{slug}" for slug in BOARDS), *polls):
            for _ in range(4):
                prepare.fetch(self.server.port, path, {"HX-Request": "true"})
        for _ in range(4):
            prepare.fetch(self.bare_server.port, "/healthz")

    def settle(self) -> None:
        """Restart the server if it is still working off requests from the last run.

        A sync worker still serves requests queued by connections wrk has closed, so a run of
        100,000-tile pages can leave tens of seconds of work that would slow the next run.
        """
        for _ in range(3):
            started = time.monotonic()
            try:
                with urllib.request.urlopen(self.server.url + "/healthz", timeout=1):  # noqa: S310
                    pass
            except OSError:
                break
            if time.monotonic() - started < 0.05:
                return
            time.sleep(0.2)
        print("  (server still busy from the last run: restarting it)", flush=True)
        self.start(self.sync)

    def poll_path(self, changes: int, big: bool = False) -> str:
        if big:
            return f"/c/{PAGES[100_000]}/tiles?v={self.version_100k - changes}"
        return f"/c/poll/tiles?v={self.version - changes}"

    def run(self, c: int, scenario: str, path: str, seconds: float, **kw) -> wrk.Result:
        self.settle()
        r = wrk.run(self.server.url + path, scenario, c, seconds, self.work, **kw)
        r.load = os.getloadavg()[0]
        return r

    def measure(
        self, name: str, c: int, scenario="get", path="/healthz", baseline=True, **kw
    ) -> wrk.Result:
        """Run /healthz then one measurement at `c` connections; print and keep both."""
        key = (self.sync, name, c)
        if baseline:
            self.baselines[key] = self.run(c, "get", "/healthz", BASE_SECONDS)
        seconds = kw.pop("seconds", SECONDS)
        r = self.results[key] = self.run(c, scenario, path, seconds, **kw)
        rate = f"{r.units_per_s:7.0f} pairs/s" if scenario == "pair" else f"{r.rps:7.0f} req/s"
        base = self.baselines.get(key)
        ratio = f"{report.rate(name, r) / base.rps:5.2f}× of {base.rps:5.0f}" if base else " " * 15
        print(
            f"  {self.sync:6} {name:34} c={c:<3} {rate} {ratio}  p50 {r.p50:7.1f} ms"
            f"  p99 {r.p99:7.1f} ms  {r.bytes_per_response:9.0f} B  load {r.load:4.1f}"
            f"  {r.codes or ''}{'  (used up its terminals)' if r.exhausted else ''}",
            flush=True,
        )
        return r

    def claims(self, scenario: str, c: int) -> wrk.Result:
        """Claim (or claim and confirm) on a fresh 100,000-tile board of this run's own,
        in Kuji then in the bare stack."""
        threads = c if scenario == "pair" else 2  # pair.lua needs one connection per thread
        name = "claim" if scenario == "claim" else "claim+confirm"
        slug = claim_board(self.sync, scenario, c)
        dealt = prepare.deal(self.terminals, threads, self.work)
        r = self.measure(
            name, c, scenario, "/", threads=threads, args=(dealt, slug, 1, CLAIM_SHEETS, threads)
        )
        dealt = prepare.deal(self.bare_terminals, threads, self.work / "bare")
        self.against(
            name, c, scenario, threads=threads, args=(dealt, slug, 1, CLAIM_SHEETS, threads)
        )
        return r

    def against(self, name: str, c: int, scenario="get", path="/healthz", **kw) -> wrk.Result:
        """Run the bare stack's request of the same name, just after Kuji's."""
        seconds = kw.pop("seconds", SECONDS)
        r = wrk.run(self.bare_server.url + path, scenario, c, seconds, self.work, **kw)
        r.load = os.getloadavg()[0]
        self.bare[(self.sync, name, c)] = r
        rate = f"{r.units_per_s:7.0f} pairs/s" if scenario == "pair" else f"{r.rps:7.0f} req/s"
        kuji = self.results.get((self.sync, name, c))
        ratio = (
            f"Kuji ÷ bare {report.rate(name, r) / report.rate(name, kuji):5.2f}×"
            if kuji and report.rate(name, kuji)
            else ""
        )
        print(
            f"  {self.sync:6} {'bare ' + name:34} c={c:<3} {rate} {ratio}  p50 {r.p50:7.1f} ms"
            f"  p99 {r.p99:7.1f} ms  load {r.load:4.1f}  {r.codes or ''}",
            flush=True,
        )
        return r


@contextmanager
def postgres():
    """Yield (URL, description) of the run's PostgreSQL: DATABASE's, a throw-away cluster
    started here (BENCH_POSTGRES=1), or ("", "") for a run on SQLite alone."""
    if POSTGRES:
        yield POSTGRES, f"the database DATABASE names ({server_version(POSTGRES)})"
        return
    if not THROWAWAY:
        yield "", ""
        return
    from tests import pgcluster

    if not pgcluster.available():
        raise SystemExit(f"BENCH_POSTGRES=1 needs PostgreSQL's server in {pgcluster.BIN}")
    print("Starting a throw-away PostgreSQL cluster (durable defaults)", flush=True)
    cluster = pgcluster.Cluster(durable=True)
    try:
        url = cluster.create()
        yield (
            url,
            (
                f"a throw-away cluster on the same cores ({server_version(url)}, Debian's"
                " binaries; the server's defaults, fsync on, commits wait for the disk except"
                " where Kuji skips the sync on SQLite too)"
            ),
        )
    finally:
        cluster.stop()


def server_version(url: str) -> str:
    """Return "PostgreSQL 15.x" for the server at `url`."""
    from app.store.db import connect

    db = connect(url)
    try:
        return "PostgreSQL " + db.execute("SHOW server_version").fetchone()[0].split()[0]
    finally:
        db.close()


def claim_board(sync: str, scenario: str, c: int) -> str:
    return f"{scenario}-{sync.lower()}-{c}"


def main() -> int:
    wrk.ensure_wrk()
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    started = time.monotonic()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kuji-bench-") as tmp, postgres() as (url, note):
        bench = Bench(work=Path(tmp), db=Path(tmp) / "kuji.sqlite", postgres=url)
        bench.postgres_note = note
        bench.bare_db = Path(tmp) / "bare.sqlite"
        (Path(tmp) / "bare").mkdir()
        if "versus" in ONLY:
            # In-process too: CPU µs per request, Kuji and the bare stack taking turns.
            print("Timing Kuji against the bare stack in-process (CPU µs, best of 15)", flush=True)
            bench.versus = versus.measure(Path(tmp))
            print("\n".join(versus.lines(bench.versus)), flush=True)
        if "draws" in ONLY:
            # In-process and before the server starts, so nothing else competes with it.
            print("Timing draws from 100 and 100,000 sheets (claims.hold())", flush=True)
            bench.draw_costs = draws.measure(Path(tmp) / "draws.sqlite", SECRET)
            print("\n".join(draws.lines(bench.draw_costs)), flush=True)
        print(f"Creating campaigns in {bench.db}", flush=True)
        runs = [claim_board(s, k, c) for s in SYNCS for k in ("claim", "pair") for c in CONNECTIONS]
        runs = runs if "claims" in ONLY else []
        boards = {**BOARDS, **dict.fromkeys(runs, CLAIM_SHEETS)}
        prepare.create_campaigns(bench.db, SECRET, boards)
        pg_runs = []
        if bench.postgres and "claims" in ONLY:
            print("Creating the claim campaigns on PostgreSQL", flush=True)
            pg_runs = [claim_board("PG", k, c) for k in ("claim", "pair") for c in CONNECTIONS]
            prepare.create_campaigns(bench.postgres, SECRET, dict.fromkeys(pg_runs, CLAIM_SHEETS))
        # The bare stack stays on SQLite; on PostgreSQL runs it is the SQLite FULL yardstick.
        bare.lay_out(str(bench.bare_db), dict.fromkeys(runs + pg_runs, CLAIM_SHEETS))
        bench.version = prepare.claim_tiles(bench.db, SECRET, "poll", CHANGES)
        bench.version_100k = prepare.claim_tiles(bench.db, SECRET, PAGES[100_000], CHANGES)
        try:
            run_all(bench)
        finally:
            bench.stop()
    elapsed = time.monotonic() - started
    text = report.markdown(bench, elapsed, load_before, os.getloadavg(), SECONDS)
    (out / "results.md").write_text(text)
    print()
    print(text)
    print(f"Written to {out / 'results.md'} in {elapsed:.0f} s")
    return 0


def run_all(bench: Bench) -> None:
    bench.start("FULL")
    port = bench.server.port
    if "claims" in ONLY:
        print(f"Making {TERMINALS:,} terminals (GET /c/terminals each)", flush=True)
        bench.terminals = prepare.make_terminals(port, "terminals", TERMINALS)
        bench.bare_terminals = prepare.make_terminals(bench.bare_server.port, "any", TERMINALS)
    polls = {
        "poll, no change": bench.poll_path(0),
        f"poll after {CHANGES} changes": bench.poll_path(CHANGES),
        f"poll after {CHANGES} changes, 100k board": bench.poll_path(CHANGES, big=True),
    }
    bench.sizes = {
        **{
            name: prepare.raw_size(port, path, {"HX-Request": "true"})
            for name, path in polls.items()
        },
        **{
            f"page {tiles:,} tiles": prepare.raw_size(port, f"/c/{s}") for tiles, s in PAGES.items()
        },
    }
    check_sizes(bench.sizes)

    print(f"Measuring: {SECONDS:g} s each, after {BASE_SECONDS:g} s of /healthz", flush=True)
    for tiles, slug in PAGES.items() if "pages" in ONLY else ():
        r = bench.measure(
            f"page {tiles:,} tiles",
            1,
            path=f"/c/{slug}",
            baseline=False,
            threads=1,
            seconds=ALONE_SECONDS,
        )
        bench.render[tiles] = r.p50
    for c in CONNECTIONS:
        bench.measure("healthz", c, baseline=False)
        bench.against("healthz", c)
        if "claims" in ONLY:  # the floor of a form post; it needs the terminals
            dealt = prepare.deal(bench.bare_terminals[:4096], 2, bench.work / "bare")
            bench.against("post", c, "post", "/", args=(dealt, "any"))
        for name, path in polls.items() if "polls" in ONLY else ():
            bench.measure(name, c, path=path, headers=(HX,))
        for tiles, slug in PAGES.items() if "pages" in ONLY else ():
            bench.measure(f"page {tiles:,} tiles", c, path=f"/c/{slug}")
        if "claims" in ONLY:
            bench.claims("claim", c)
            bench.claims("pair", c)

    for sync in ("NORMAL", "PG") if "claims" in ONLY else ():
        if sync == "PG" and not bench.postgres:
            continue
        bench.start(sync)
        for c in CONNECTIONS:
            bench.claims("claim", c)
            bench.claims("pair", c)


def check_sizes(sizes: dict) -> None:
    """Stop early if an endpoint does not answer as the benchmark assumes."""
    for name, (status, head, body) in sizes.items():
        want = 204 if name == "poll, no change" else 200
        if status != want:
            raise RuntimeError(f"{name}: expected {want}, got {status}")
        print(f"  {name}: {status}, {head} B headers + {body:,} B body", flush=True)


if __name__ == "__main__":
    sys.exit(main())
