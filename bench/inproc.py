"""Calling Kuji in-process as gunicorn would, and timing it: the tools bench.profile uses."""

import io
import os
import time
from pathlib import Path

from app import create_app
from app.web.extensions import limiter

from . import prepare

SECRET = "profile-secret"  # noqa: S105 (a throw-away instance)
HX = {"HX-Request": "true"}
SEQ = iter(range(10**9))  # phone numbers and e-mail addresses never repeat in a process
# Where the request log lines go, as a server sends them to its log file: not the terminal.
LOG = open(os.devnull, "w")  # noqa: SIM115 (open for the life of the process)
# Every request here comes from one address: lift the per-address limits, as bench.run does
# (there as JSON in FLASK_* variables, here as the values themselves). The draws are still
# counted per address in the claim's transaction: only the ceiling is lifted.
LIFTED = {
    "CLAIM_LIMIT": "1000000 per minute",
    "CONFIRM_LIMIT": "1000000 per minute",
    "HOLDS_PER_ADDRESS": None,
    "REDRAWS_PER_ADDRESS": None,
}


class Tiles:
    """Hands out claim tiles no one used before."""

    def __init__(self):
        self.next = 1

    def __call__(self) -> int:
        self.next += 1
        return self.next - 1


def call(app, method: str, path: str, headers=None, body: bytes = b"") -> tuple[str, bytes, list]:
    """Call the WSGI app as gunicorn would; return status, body and headers."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": LOG,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    for k, v in (headers or {}).items():
        environ["HTTP_" + k.upper().replace("-", "_")] = v
    seen = []
    result = app(environ, lambda status, head, exc=None: seen.append((status, head)))
    data = b"".join(result)
    getattr(result, "close", lambda: None)()
    return seen[0][0], data, seen[0][1]


def per_call(fn, n: int, rounds: int = 3) -> tuple[float, float]:
    """Return (wall µs, CPU µs) per call of fn(), the best of `rounds` rounds of n calls."""
    walls, cpus = [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        for _ in range(n):
            fn()
        walls.append((time.perf_counter() - w) * 1e6 / n)
        cpus.append((time.process_time() - c) * 1e6 / n)
    return min(walls), min(cpus)


def make_app(db: Path, **config):
    app = create_app({"DATABASE": str(db), "SECRET_KEY": SECRET, **config})
    with app.app_context():
        limiter.reset()
    return app


def terminals(app, count: int):
    """Open the tiny board `count` times as new browsers; yield (session cookie, CSRF token).

    A terminal draws once per campaign, so every claim below takes a new one.
    """
    made = []
    for _ in range(count):
        _, html, head = call(app, "GET", "/c/terminals")
        cookie = next(prepare.SESSION.search(v).group(1) for k, v in head if k == "Set-Cookie")
        made.append((cookie, prepare.TOKEN.search(html.decode()).group(1)))
    return iter(made)


def claimer(app, terms, tile: Tiles, slug: str):
    def claim():
        cookie, token = next(terms)
        body = f"csrf_token={token}&tile={tile()}".encode()
        status, _, _ = call(app, "POST", f"/c/{slug}/claim", {"Cookie": f"session={cookie}"}, body)
        assert status.startswith("303"), status

    return claim


def confirmer(app, terms, tile: Tiles, slug: str):
    """Claim, uncover the draw (both apps confirm only what was uncovered), then confirm."""

    def pair():
        cookie, token = next(terms)
        body = f"csrf_token={token}&tile={tile()}".encode()
        _, _, head = call(app, "POST", f"/c/{slug}/claim", {"Cookie": f"session={cookie}"}, body)
        held = next(v.split(";")[0] for k, v in head if k == "Set-Cookie")
        status, _, _ = call(
            app,
            "POST",
            f"/c/{slug}/reveal",
            {"Cookie": f"session={cookie}; {held}"},
            f"csrf_token={token}".encode(),
        )
        assert status.startswith("303"), status
        n = next(SEQ)
        body = (
            f"csrf_token={token}&name=P+{n}&postal_code=104-0061&address={n}+Street"
            f"&phone=0901{n:07d}"
            f"&email=p{n}%40example.jp"
        ).encode()
        status, _, _ = call(
            app, "POST", f"/c/{slug}/confirm", {"Cookie": f"session={cookie}; {held}"}, body
        )
        assert status.startswith("303"), status

    return pair


def one_write(db) -> None:
    db.conn.execute("CREATE TABLE IF NOT EXISTS bench_scratch (n INTEGER)")
    db.conn.execute("BEGIN IMMEDIATE")
    db.conn.execute("INSERT INTO bench_scratch VALUES (?)", [next(SEQ)])
    db.conn.execute("COMMIT")


def show(label: str, wall: float, cpu: float, base: float | None = None) -> None:
    extra = f"  ({wall / base:5.1f}× healthz)" if base else ""
    print(f"  {label:58} {wall:9.0f} wall {cpu:9.0f} CPU µs{extra}", flush=True)


def compare(label: str, cases: dict, rounds: int = 5) -> dict:
    """Time each case in turn, round after round, so a busy machine slows them all alike."""
    best = {name: (float("inf"), float("inf")) for name in cases}
    for _ in range(rounds):
        for name, (fn, n) in cases.items():
            wall, cpu = per_call(fn, n, rounds=1)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    print(label)
    return best
