"""gunicorn against granian, the same apps and database: `python -m bench.servers`.

granian is not one of Kuji's dependencies; install it into the venv first
(`.venv/bin/pip install granian==2.8.7`). Kuji and the bare stack (bench/bare.py) each run
under gunicorn `-k sync -w 2` and under granian `--interface wsgi --workers 2
--blocking-threads 1`, all four idle while one is measured; rounds take turns
(BENCH_ROUNDS, default 2; BENCH_SECONDS each, default 5; BENCH_TERMINALS per app, default
16384) and the best rate of each is kept.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.server import Server, free_port, make_server

from . import bare, prepare, wrk
from .run import SECRET, SETTINGS

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
CONNECTIONS = 64
TILES = 30_000
TERMINALS = int(os.environ.get("BENCH_TERMINALS", "16384"))
KINDS = ("claim", "pair")  # bench/lua/claim.lua, pair.lua (pairs per second)
SERVERS = ("gunicorn", "granian")
APPS = {"kuji": "wsgi:app", "bare": "bench.bare:create_app()"}


def granian(like: Server, target: str) -> Server:
    """Describe a granian server with `like`'s environment, serving `target`."""
    port = free_port()
    args = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "2"]
    args += ["--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(port)]
    if target.endswith("()"):
        args += ["--factory", target[:-2]]
    else:
        args.append(target)
    return Server(f"http://127.0.0.1:{port}", port, like.db_path, like.env, args)


def servers(db: Path, bare_db: Path) -> dict:
    """Return {(server, app): Server} for both servers and both apps, not started."""
    found = {}
    for app, target in APPS.items():
        g = make_server(db, workers=2, threads=1, SECRET_KEY=SECRET, **SETTINGS)
        g.env.update(BARE_DATABASE=str(bare_db), BARE_SECRET_KEY=SECRET)
        g.args[-1] = target
        found[("gunicorn", app)] = g
        found[("granian", app)] = granian(g, target)
    return found


def main() -> int:
    if subprocess.run([sys.executable, "-c", "import granian"]).returncode != 0:
        print("granian is missing: .venv/bin/pip install granian==2.8.7")
        return 1
    wrk.ensure_wrk()
    best: dict = {}
    with tempfile.TemporaryDirectory(prefix="kuji-servers-") as tmp:
        work = Path(tmp)
        db, bare_db = work / "kuji.sqlite", work / "bare.sqlite"
        # A terminal draws once per campaign: every claim or pair run gets a board of its own.
        runs = [(t, s, a, k) for t in range(ROUNDS) for s in SERVERS for a in APPS for k in KINDS]
        boards = {run: f"run-{n}" for n, run in enumerate(runs)}
        prepare.create_campaigns(
            db, SECRET, {"terminals": 4, **dict.fromkeys(boards.values(), TILES)}
        )
        bare.lay_out(str(bare_db), dict.fromkeys(boards.values(), TILES))
        running = servers(db, bare_db)
        try:
            for server in running.values():
                server.start()
            terms = {
                app: prepare.make_terminals(running[("gunicorn", app)].port, "terminals", TERMINALS)
                for app in APPS
            }
            for turn in range(ROUNDS):
                for (name, app), server in running.items():
                    r = wrk.run(server.url + "/healthz", "get", CONNECTIONS, SECONDS, work)
                    keep(best, (name, app, "healthz"), r.rps, 0)
                    for kind in KINDS:
                        threads = CONNECTIONS if kind == "pair" else 2
                        dealt = prepare.deal(terms[app], threads, work)
                        slug = boards[(turn, name, app, kind)]
                        args = (dealt, slug, 1, TILES, threads)
                        url = server.url + "/"
                        r = wrk.run(
                            url, kind, CONNECTIONS, SECONDS, work, threads=threads, args=args
                        )
                        bad = sum(n for code, n in r.codes.items() if not code.endswith("303"))
                        keep(
                            best, (name, app, kind), r.units_per_s if kind == "pair" else r.rps, bad
                        )
        finally:
            for server in running.values():
                server.stop()
    print()
    print(
        "| request | gunicorn: Kuji /s | bare /s | Kuji ÷ bare | granian: Kuji /s | bare /s"
        " | Kuji ÷ bare | Kuji, granian ÷ gunicorn |"
    )
    print("|---|--:|--:|--:|--:|--:|--:|--:|")
    for req in ("healthz", *KINDS):
        g_k, g_b = best[("gunicorn", "kuji", req)], best[("gunicorn", "bare", req)]
        r_k, r_b = best[("granian", "kuji", req)], best[("granian", "bare", req)]
        print(
            f"| {req} | {g_k:,.0f} | {g_b:,.0f} | {ratio(g_b, g_k)} | {r_k:,.0f} | {r_b:,.0f} |"
            f" {ratio(r_b, r_k)} | {ratio(r_k, g_k)} |"
        )
    return 0


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def keep(best: dict, key, rate: float, errors: int) -> None:
    """Keep the best rate of `key` and print this one."""
    best[key] = max(best.get(key, 0.0), rate)
    name, app, kind = key
    print(f"  {name:8} {app:4} {kind:7} {rate:7.0f}/s  errors {errors}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
