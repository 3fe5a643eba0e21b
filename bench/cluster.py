"""`make bench-cluster`: the figures of README "Several hosts", measured on one machine.

The hosts of the cluster test (tests/cluster: network namespaces on a bridge, each with a
CPU quota through cgroups; `lb` runs the deploy nginx site, `app1` and `app2` gunicorn,
`data` PostgreSQL and Redis) are loaded with wrk from the bridge, through the load balancer:

- scaling: claims and polls on one app host, then on two, at APP_CPU cores each, and on two
  at half of it. These polls carry a header that makes nginx pass them to the app uncached
  (a line this benchmark adds to the site), so they measure the app hosts;
- polls from nginx's cache, as deployed: the rate at the load balancer, and how many reach
  the app hosts per second per board page and language (nginx's access log);
- claims and claim+confirm pairs on one campaign; claims spread over SPREAD campaigns
  against one, with the app hosts' quota and with none: one campaign's row lock is a
  ceiling of its own, which more hosts do not raise;
- failover: the cluster test's terminals and pollers while app2 is killed and restarted.

Needs root (namespaces, cgroups): says why and stops otherwise. BENCH_SECONDS sets each
measurement's length (default 8), BENCH_APP_CPU the quota of an app host (default 0.4),
BENCH_WORKERS its gunicorn workers (default 2), BENCH_TILES the tiles of a claim campaign and
the terminals made (default 6000).
Prints a markdown report and writes it to bench/out/cluster.md.
"""

import os
import secrets
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from app import create_app
from app.store import get_db
from tests.cluster.harness import Cluster
from tests.cluster.load import Load, audit
from tests.cluster.services import (
    APP_PORT,
    APPS,
    LOAD_SETTINGS,
    reload_lb,
    start_app,
    start_database,
    start_lb,
    start_redis,
)
from tests.deploy.nginx_site import access_log
from tests.factories import make_campaign

from . import cluster_report, prepare, wrk
from .cluster_report import Measured

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
APP_CPU = float(os.environ.get("BENCH_APP_CPU", "0.4"))
# Small enough that two app hosts, lb, data and wrk itself fit on two cores.
LB_CPU, DATA_CPU = 0.5, 0.8
POLL_LB_CPU = 1.0  # cached polls are nginx's work alone: one nginx worker, one core
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))  # gunicorn sync workers per app host
CONNECTIONS, POLL_CONNECTIONS = 32, 128
THREADS = 4  # wrk threads for claims: one per campaign when they are spread
SPREAD = 4
# Tiles per claim campaign (spread ones: a SPREAD-th each) and terminals (each draws once
# per campaign, so all of them serve every campaign): more than a run claims at these
# quotas; a run that uses them up stops early and says so.
TILES = TERMINALS = int(os.environ.get("BENCH_TILES", "6000"))
WATCH, CHANGES, PAGES, LANGUAGES = "watch", 20, 3, ("ja", "en")
WATCH_TILES = 4500  # PAGES pages of BOARD_PAGE_SIZE (1,500)
BYPASS = "X-Kuji-Bench-Bypass: 1"
SECRET = secrets.token_hex(16)
FAILOVER_PRIZES = ((25, 800), (20, 200), (10, 200))
CLIENTS, POLLERS = 10, 3  # the cluster test's load, for failover


def bypassable(site: str) -> str:
    """The deploy site, and a request header that takes a poll past nginx's cache."""
    line = "        proxy_cache kuji_polls;\n"
    assert line in site, "the poll location changed shape"
    extra = (
        "        proxy_cache_bypass $http_x_kuji_bench_bypass;\n"
        "        proxy_no_cache $http_x_kuji_bench_bypass;\n"
    )
    return site.replace(line, line + extra)


class Bench:
    def __init__(self, c: Cluster, url: str, work: Path):
        self.c, self.url, self.work = c, url, work
        self.upstreams = APPS
        self.terminals: list = []
        self.boards: dict[str, int] = {}  # slug -> tiles
        self.runs: dict[str, Measured] = {}
        self.version = 0
        self.reached = Counter()  # (page, language) -> cached-run polls that reached an app
        self.log_from = 0  # where the last run's lines begin in nginx's access log

    def hosts(self, n: int, app_cpu: float | None, lb=LB_CPU, data=DATA_CPU) -> str:
        """Put `n` app hosts behind nginx, each with `app_cpu` cores; return the setup."""
        for host in APPS:
            self.c.set_quota(host, app_cpu)
        self.c.set_quota("lb", lb)
        self.c.set_quota("data", data)
        if self.upstreams != APPS[:n]:
            self.upstreams = APPS[:n]
            reload_lb(self.c, self.upstreams, tweak=bypassable)
        return f"{n} × {app_cpu:g}" if app_cpu else f"{n} × no quota"

    def settle(self, seconds: float = 20) -> None:
        """Wait until the hosts have worked off what the last run left queued.

        A sync worker still answers requests that wrk has given up on, and would slow
        the next run down."""
        busy = (*APPS, "data")
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            before = sum(self.c.cpu_seconds(h) for h in busy)
            time.sleep(0.5)
            if sum(self.c.cpu_seconds(h) for h in busy) - before < 0.05:
                return
        print("  (the hosts were still busy from the last run)", flush=True)

    def wrk(self, name: str, setup: str, scenario: str, **kw) -> Measured:
        """Run wrk against nginx; keep and print the result with each host's CPU time."""
        self.settle()
        self.log_from = (self.c.folder / "nginx" / "access.log").stat().st_size
        before = {h: self.c.cpu_seconds(h) for h in self.c.quotas}
        started = time.monotonic()
        r = wrk.run(self.url + "/", scenario, seconds=kw.pop("seconds", SECONDS), **kw)
        wall = time.monotonic() - started
        cpu = {h: self.c.cpu_seconds(h) - before[h] for h in before}
        hosts = len(self.upstreams)
        m = Measured(name, scenario, setup, hosts, r, cpu, dict(self.c.quotas), wall)
        self.runs[name] = m
        shares = "  ".join(
            f"{h} {m.share(h):4.0%}" if m.share(h) is not None else f"{h} {cpu[h]:4.1f}s"
            for h in cpu
        )
        print(
            f"  {name:26} {setup:14} {cluster_report.rate(m):8.0f}/s  p99 {r.p99:7.1f} ms"
            f"  errors {cluster_report.errors(m)}  {shares}"
            f"{'  (used up its terminals)' if r.exhausted else ''}",
            flush=True,
        )
        return m

    def claims(self, name: str, setup: str, slugs: list[str], seconds=SECONDS) -> Measured:
        dealt = prepare.deal(self.terminals, THREADS, self.work)
        args = (dealt, ",".join(slugs), 1, self.boards[slugs[0]], THREADS)
        return self.wrk(
            name, setup, "claim", connections=CONNECTIONS, workdir=self.work, threads=THREADS,
            headers=(f"Referer: {self.url}/",), args=args, seconds=seconds,
        )  # fmt: skip

    def pairs(self, name: str, setup: str, slug: str) -> Measured:
        dealt = prepare.deal(self.terminals, CONNECTIONS, self.work)
        return self.wrk(
            name, setup, "pair", connections=CONNECTIONS, workdir=self.work,
            threads=CONNECTIONS, headers=(f"Referer: {self.url}/",),
            args=(dealt, slug, 1, TILES, CONNECTIONS),
        )  # fmt: skip

    def polls(self, name: str, setup: str, cached: bool, seconds=SECONDS) -> Measured:
        """Polls of PAGES pages in each language; uncached, all find nothing new (204),
        cached, one in four is a version CHANGES behind (a 200 with the changes)."""
        paths = [f"/c/{WATCH}/tiles?v={self.version}&page={p}" for p in range(1, PAGES + 1)]
        if cached:
            paths.append(f"/c/{WATCH}/tiles?v={self.version - CHANGES}&page=1")
        return self.wrk(
            name, setup, "polls", connections=POLL_CONNECTIONS, workdir=self.work, threads=2,
            headers=() if cached else (BYPASS,),
            args=(",".join(paths), ",".join(LANGUAGES)), seconds=seconds,
        )  # fmt: skip


def create_campaigns(database: str) -> dict[str, int]:
    """Every campaign of the run, before the app hosts start; return their tile counts."""
    boards = {"terminals": 4, WATCH: WATCH_TILES, "warm": TILES // SPREAD}
    boards |= dict.fromkeys(("one-1", "one-2", "half", "pairs", "free-one", "free-pairs"), TILES)
    spread = [f"spread-{i}" for i in range(SPREAD)] + [f"free-{i}" for i in range(SPREAD)]
    boards |= dict.fromkeys(spread, TILES // SPREAD)
    prepare.create_campaigns(database, SECRET, boards)
    app = create_app({"DATABASE": database, "SECRET_KEY": SECRET})
    now = datetime.now(UTC)
    make_campaign(
        app, slug="failover", prizes=FAILOVER_PRIZES, hold_minutes=1,
        opens=now - timedelta(hours=1), closes=now + timedelta(days=1),
    )  # fmt: skip
    return boards


def measure(b: Bench) -> None:
    """Every measurement but failover, in the order of the report."""
    setup = b.hosts(1, APP_CPU)
    b.claims("claims, 1 host", setup, ["one-1"])
    b.polls("polls, 1 host", setup, cached=False)
    setup = b.hosts(2, APP_CPU)
    b.claims("claims, 2 hosts", setup, ["one-2"])
    b.polls("polls, 2 hosts", setup, cached=False)
    b.claims("claims, spread", setup, [f"spread-{i}" for i in range(SPREAD)])
    b.pairs("pairs", setup, "pairs")
    half = b.hosts(2, APP_CPU / 2)
    b.claims("claims, 2 halves", half, ["half"])
    b.polls("polls, 2 halves", half, cached=False)
    setup = b.hosts(2, APP_CPU, lb=POLL_LB_CPU)
    b.polls("polls, cached", setup, cached=True)
    b.reached = reached(b.c.folder / "nginx", b.log_from)
    free = b.hosts(2, None, lb=None, data=None)
    b.claims("claims, one, no quota", free, ["free-one"])
    b.pairs("pairs, no quota", free, "free-pairs")
    b.claims("claims, spread, no quota", free, [f"free-{i}" for i in range(SPREAD)])


def reached(folder: Path, start: int) -> Counter:
    """Polls logged after byte `start` that went to an app host, per (page, language)."""
    found, why = Counter(), Counter()
    for cache, upstream, _, lang, uri in access_log(folder, start):
        parts = urlsplit(uri)
        # BYPASS: a late answer to the uncached polls before, logged when it came.
        if upstream != "-" and cache != "BYPASS" and parts.path == f"/c/{WATCH}/tiles":
            found[parse_qs(parts.query).get("page", ["1"])[0], lang] += 1
            why[cache] += 1
    # MISS and EXPIRED are the one request per key; more means answers slower than
    # proxy_cache_lock_timeout, after which nginx lets the waiting requests through.
    print(f"  polls that reached an app host, by cache status: {dict(why)}", flush=True)
    return found


def failover(b: Bench, settings: dict, database: str) -> dict:
    """The cluster test's load through nginx while app2 is killed, then started again."""
    b.hosts(2, APP_CPU)
    os.environ["SSL_CERT_FILE"] = str(b.c.folder / "nginx" / "cert.pem")
    load = Load(b.url, "failover", sum(n for _, n in FAILOVER_PRIZES))
    figures = {}
    try:
        load.run(CLIENTS, POLLERS)
        deadline = time.monotonic() + 120
        while len(load.acknowledged) < 20 and time.monotonic() < deadline and not load.odd:
            time.sleep(0.1)
        b.c.kill("app2")
        killed = time.monotonic()
        figures["at kill"] = len(load.acknowledged)
        time.sleep(3)
        start_app(b.c, "app2", settings, WORKERS)
        figures["down"] = time.monotonic() - killed
        time.sleep(SECONDS)
    finally:
        load.end()
    app = create_app({"DATABASE": database, "SECRET_KEY": SECRET})
    with app.app_context():
        found = audit(get_db(), "failover", load.acknowledged)
    figures.update(
        acknowledged=len(load.acknowledged),
        lost=len(found.lost),
        double=found.double,
        # "home 502", "claim 502", ...; "terminal OSError": cut off mid-request.
        failed=Counter(what.split()[0].replace("terminal", "cut off") for _, what in load.failed),
        late=sum(1 for t, _ in load.failed if not 0 <= t - killed < 3),
        odd=load.odd[:3],
    )
    print(f"  failover: {figures}", flush=True)
    return figures


def run(c: Cluster) -> tuple[Bench, dict]:
    """Start the services, make the campaigns and terminals, measure; return the results."""
    work = c.folder / "wrk"
    work.mkdir()
    settings = {**LOAD_SETTINGS, "SECRET_KEY": SECRET, "REDIS_URL": start_redis(c)}
    database = settings["DATABASE"] = start_database(c)
    print(f"Creating campaigns on {database.split('@')[-1]}", flush=True)
    boards = create_campaigns(database)
    version = prepare.claim_tiles(database, SECRET, WATCH, CHANGES)
    url = start_lb(c, tweak=bypassable)
    for host in APPS:
        start_app(c, host, settings, WORKERS)
    b = Bench(c, url, work)
    b.version, b.boards = version, boards
    print(f"Making {TERMINALS:,} terminals on the app hosts", flush=True)
    b.terminals = prepare.make_terminals(
        APP_PORT, "terminals", TERMINALS, tuple(c.address(h) for h in APPS)
    )
    print(f"Measuring, {SECONDS:g} s each (after a short warm-up)", flush=True)
    b.claims("warm-up", b.hosts(2, APP_CPU), ["warm"], seconds=2)
    b.polls("warm-up polls", b.hosts(2, APP_CPU), cached=False, seconds=2)
    measure(b)
    print("Failover: app2 killed under load and started again", flush=True)
    return b, failover(b, settings, database)


def main() -> int:
    why = Cluster.available()
    if why:
        print(f"make bench-cluster skipped: {why}.")
        return 0
    wrk.ensure_wrk()
    started, load_before = time.monotonic(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="kuji-bench-cluster-") as tmp:
        folder = Path(tmp)
        os.chmod(folder, 0o755)  # noqa: S103 (PostgreSQL runs as its own user)
        with Cluster(folder, dict.fromkeys(("lb", *APPS, "data"))) as c:
            try:
                b, kill = run(c)
            except BaseException:
                for name in ("app1", "app2", "nginx", "postgres", "redis"):
                    print(f"--- {name}, last lines\n" + "\n".join(c.log(name).splitlines()[-8:]))
                raise
    elapsed = time.monotonic() - started
    shape = SimpleNamespace(**{k: v for k, v in globals().items() if k.isupper()})
    text = cluster_report.markdown(b, kill, elapsed, load_before, os.getloadavg(), shape)
    out = Path(__file__).resolve().parent / "out"
    out.mkdir(exist_ok=True)
    (out / "cluster.md").write_text(text)
    print()
    print(text)
    print(f"Written to {out / 'cluster.md'} in {elapsed:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
