"""Where a request's time goes, in-process: `python -m bench.profile`.

Four views of the slow paths (claim, no-change poll, poll after changes, board page):
1. whole requests through the WSGI app, with one feature switched off at a time;
2. the pieces alone (session cookie, CSRF check, queries, commit, tile markup, Jinja);
3. cProfile self-time summed by package;
4. what the suggested fixes would cost instead.
Times are µs per call, the best of several rounds; "wall" includes waiting for fsync, "CPU"
does not and is the steadier figure on a busy machine.
"""

import cProfile
import itertools
import pstats
import sys
import tempfile
import threading
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_wtf.csrf import validate_csrf
from itsdangerous import URLSafeSerializer

from app.public import board, tiles
from app.store import board as board_store
from app.store import campaigns, claims, get_db, rates
from app.store.accounting import Counted
from app.web.extensions import limiter

from . import prepare
from .inproc import (
    HX,
    LIFTED,
    SECRET,
    SEQ,
    Tiles,
    call,
    claimer,
    compare,
    confirmer,
    make_app,
    one_write,
    per_call,
    show,
    terminals,
)

BOARDS = {
    "board-100": 100,
    "board-10k": 10_000,
    "board-100k": 100_000,
    "poll": 10_000,
    "terminals": 4,
}
TERMINALS = 4200  # claims made below, each by a terminal of its own
CLAIMS = 100_000


def requests(db: Path, version: int):
    print("1. Whole requests through the WSGI app (no HTTP server), best of 5 interleaved rounds")
    app = make_app(db, **LIFTED)
    term = terminals(app, TERMINALS)
    tile = Tiles()
    cases = {"GET /healthz": (lambda: call(app, "GET", "/healthz"), 1000)}
    for label, path, n in (
        ("poll, no change (10k board), 204", f"/c/poll/tiles?v={version}", 1000),
        ("poll after 20 changes (10k board)", f"/c/poll/tiles?v={version - 20}", 200),
        ("page, 100 tiles", "/c/board-100", 200),
        ("page, 10,000 tiles", "/c/board-10k", 10),
        ("page, 100,000 tiles", "/c/board-100k", 2),
    ):
        headers = HX if "/tiles" in path else None  # htmx polls; a browser opens pages
        cases[label] = (lambda p=path, h=headers: call(app, "GET", p, h), n)
    # One app, a feature switched off around each timed batch: the limiter is one object
    # shared by every app in the process, so apps configured apart would all share the last
    # app's setting.
    claim = claimer(app, term, tile, "claims")
    for label, off in (
        ("claim, FULL (the default)", ()),
        ("claim, rate-limit headers off", ("headers",)),
        ("claim, rate limiter off", ("limiter",)),
        ("claim, CSRF check off", ("csrf",)),
        ("claim, transaction stubbed (the request around it)", ("hold",)),
        ("claim, transaction stubbed, limiter and CSRF off", ("hold", "limiter", "csrf")),
    ):
        cases[label] = (without(app, off, claim), 100)
    for sync in ("FULL", "NORMAL"):
        a = make_app(db, **LIFTED, SQLITE_SYNCHRONOUS=sync)
        cases[f"claim+confirm pair, {sync}"] = (confirmer(a, term, tile, "claims"), 60)
    best = compare("", cases)
    base = best["GET /healthz"][0]
    for name, (wall, cpu) in best.items():
        show(name, wall, cpu, None if name == "GET /healthz" else base)
    return app, term, tile


def without(app, features: tuple[str, ...], fn):
    """Return fn run with `features` switched off: headers, limiter, csrf or hold."""
    ids = itertools.count(10**9)
    real_hold = board.claims.hold

    def stub_hold(db, campaign, holder, now, no=None, merit=0, hits=(), **_):
        rates.settle(hits)  # as the real hold does: its transaction counted the rate limit
        return claims.Entry(next(ids), no, "held", None, now)

    def switch(off: bool) -> None:
        if "headers" in features:
            limiter._headers_enabled = not off
        if "limiter" in features:
            limiter.enabled = not off
        if "csrf" in features:
            app.config["WTF_CSRF_ENABLED"] = not off
        if "hold" in features:
            board.claims.hold = stub_hold if off else real_hold

    def run():
        switch(True)
        try:
            fn()
        finally:
            switch(False)

    return run


def changes(db, campaign):
    """The query a poll 20 changes behind runs."""
    return board_store.changes_since(
        db, campaign.id, campaign.version - 20, 1, 1500, newest=campaign.version
    )


def pieces(app, db: Path, term, tile: Tiles) -> None:
    print("2. The pieces alone")
    cookie, token = next(term)
    with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
        serializer = app.session_interface.get_signing_serializer(app)
        show("session cookie: verify and decode", *per_call(lambda: serializer.loads(cookie), 5000))
        validate_csrf(token)
        show("CSRF token: validate_csrf()", *per_call(lambda: validate_csrf(token), 5000))
        signer = URLSafeSerializer(SECRET, salt="kuji.terminal.1")
        show(
            "terminal cookie: sign", *per_call(lambda: signer.dumps({"e": 1, "h": "x" * 22}), 5000)
        )
        db_ = get_db()
        show("campaigns.by_slug()", *per_call(lambda: campaigns.by_slug(db_, "poll"), 5000))
        poll = campaigns.by_slug(db_, "poll")
        moment = datetime.now(UTC)
        show(
            "claims.expire_due() with nothing due",
            *per_call(lambda: claims.expire_due(db_, poll, moment), 5000),
        )
        show(
            "changes_since(), 20 changes",
            *per_call(lambda: changes(db_, poll), 2000),
        )
        for slug in ("poll", "board-100k"):
            c = campaigns.by_slug(db_, slug)
            show(
                f"free_tiles(), {c.tile_count:,} tiles",
                *per_call(lambda c=c: board_store.free_tiles(db_, c.id), 5),
            )
            free = board_store.free_tiles(db_, c.id)
            show(
                f"tiles.board() markup, {c.tile_count:,} tiles",
                *per_call(lambda c=c, f=free: tiles.board(c.tile_count, f), 5),
            )
        claiming = campaigns.by_slug(db_, "claims")
        # As the app runs it: the draw counted per address, the rate-limit hit counted first.
        address = Counted("127.0.0.1", None, None, timedelta(minutes=60))
        limit = rates.windows(LIFTED["CLAIM_LIMIT"])
        show(
            "claims.hold() as the app runs it",
            *per_call(
                lambda: claims.hold(
                    db_,
                    claiming,
                    f"p{next(SEQ)}",
                    datetime.now(UTC),
                    tile(),
                    counted=address,
                    hits=[rates.Hit("claim", "127.0.0.1", limit)],
                ),
                300,
            ),
        )
        for sync in ("FULL", "NORMAL"):
            # The price of the disk sync alone: a one-row write transaction, outside the app.
            db_.conn.execute(f"PRAGMA synchronous={sync}")
            show(
                f"one-row write transaction, synchronous={sync}",
                *per_call(lambda: one_write(db_), 300),
            )
        db_.conn.execute(f"PRAGMA synchronous={app.config['SQLITE_SYNCHRONOUS']}")
        c = campaigns.by_slug(db_, "board-100")
        t = app.jinja_env.get_template("public/board.html")
        ctx = dict(campaign=c, phase="open", message=None, tiles="", remaining=100)
        show(
            "Jinja board.html with no tiles (csrf_token, url_for)",
            *per_call(lambda: t.render(**ctx), 2000),
        )


AREAS = (
    ("/app/", "app (Kuji's own code)"),
    ("flask_limiter", "flask-limiter"),
    ("/limits/", "flask-limiter"),
    ("flask_wtf", "flask-wtf (CSRF)"),
    ("wtforms", "flask-wtf (CSRF)"),
    ("itsdangerous", "itsdangerous (cookies, tokens)"),
    ("hashlib", "itsdangerous (cookies, tokens)"),
    ("hmac", "itsdangerous (cookies, tokens)"),
    ("jinja2", "jinja2"),
    ("markupsafe", "jinja2"),
    ("sqlite_utils", "sqlite-utils"),
    ("werkzeug", "werkzeug"),
    ("flask/", "flask"),
    ("htmx_flask", "htmx-flask"),
)


def area(key) -> str:
    filename, _, name = key
    if "sqlite3.Connection" in name or "sqlite3.Cursor" in name:
        return "sqlite (C: queries, commit, fsync)"
    for needle, label in AREAS:
        if needle in filename:
            return label
    return "other (stdlib, builtins)"


def by_area(label: str, fn, n: int) -> None:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(n):
        fn()
    profile.disable()
    stats = pstats.Stats(profile).stats
    totals = defaultdict(float)
    for key, (_, _, tottime, _, _) in stats.items():
        totals[area(key)] += tottime
    total = sum(totals.values())
    print(f"  {label}: {total * 1e6 / n:,.0f} µs per request under cProfile")
    for name, t in sorted(totals.items(), key=lambda kv: -kv[1]):
        if t / total >= 0.02:
            print(f"    {t / total:5.0%}  {name}")


def what_ifs(app, version: int) -> None:
    print("4. What the suggested fixes would cost instead")
    with app.app_context():
        db_ = get_db()
        show(
            "PRAGMA data_version (is the cached campaign row stale?)",
            *per_call(lambda: db_.execute("PRAGMA data_version").fetchone(), 5000),
        )
        show(
            "threading.Timer(0.01).start(), as limits' MemoryStorage does",
            *per_call(lambda: threading.Timer(0.01, lambda: None).start(), 300),
        )
        big = campaigns.by_slug(db_, "board-100k")
        db_.execute("CREATE INDEX what_if_free ON tiles (campaign_id, state, no)")
        show(
            "free_tiles(), 100,000 tiles, covering index (campaign_id, state, no)",
            *per_call(lambda: board_store.free_tiles(db_, big.id), 5),
        )
        db_.execute("DROP INDEX what_if_free")
        markup = {n: tiles.free(n) for n in range(1, big.tile_count + 1)}
        free = board_store.free_tiles(db_, big.id)
        show(
            "tile markup joined from cached strings, 100,000 tiles",
            *per_call(lambda: "".join(markup[n] for n in free), 5),
        )


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kuji-profile-") as tmp:
        db = Path(tmp) / "kuji.sqlite"
        prepare.create_campaigns(db, SECRET, {**BOARDS, "claims": CLAIMS})
        version = prepare.claim_tiles(db, SECRET, "poll", 20)
        app, term, tile = requests(db, version)
        pieces(app, db, term, tile)
        print("3. cProfile self-time by package (FULL)")
        by_area("claim", claimer(app, term, tile, "claims"), 300)
        by_area("poll, no change", lambda: call(app, "GET", f"/c/poll/tiles?v={version}", HX), 2000)
        by_area(
            "poll after 20 changes",
            lambda: call(app, "GET", f"/c/poll/tiles?v={version - 20}", HX),
            300,
        )
        by_area("page, 10,000 tiles", lambda: call(app, "GET", "/c/board-10k"), 10)
        what_ifs(app, version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
