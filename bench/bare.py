"""The bare stack: Flask + Flask-WTF doing only the unavoidable work of Kuji's requests.

`make bench` times it beside Kuji, in the same run and the same process or gunicorn settings,
so Kuji's figures read as "× what the framework needs for the same work":
- GET /healthz: one `SELECT 1`;
- GET /c/<slug>: a session and a CSRF token in a form (how terminals are made);
- POST /c/<slug>/post: session + CSRF check, then a 303;
- POST /c/<slug>/claim: the same, one conditional UPDATE in BEGIN IMMEDIATE (the hold's
  sync setting, as Kuji's), a signed `kuji_<slug>` cookie, 303 (409 when taken);
- POST /c/<slug>/reveal: the cookie checked, the held tile marked uncovered in one
  conditional UPDATE (the hold's sync setting, as Kuji's reveal), 303 (409 when not held);
- POST /c/<slug>/confirm: the cookie checked, the uncovered tile confirmed and a destination
  row written in one durable transaction (the configured sync setting), 303.
Kuji confirms only a draw that was uncovered, so a pair is claim, reveal and confirm in both.
With `bookkeeping` (BARE_BOOKKEEPING=1), the claim and confirm also do the writes Kuji's
rules put in every one of them, each as one plain statement in the same transaction: the
client address's rate-limit hit counted in the database (limits shared by every worker and
host), its draws counted (one draw per address, not per cookie), the board's version bumped
(what polls compare), the coupon drawn from the remaining counts (one SELECT, one UPDATE),
and the draw written to the log that the fairness page publishes. Before each claim,
reveal and confirm it reads the board's row (404 for no such board or tile, 403 outside
its receipt period), and a claim first gives lapsed holds back (tile and coupon): Kuji
must do both to refuse out-of-period draws and to keep the breakdown exact. The confirm
counts its hit, takes only a hold that has not lapsed and gives the address its hold
back. That is "the same unavoidable work" for a claim.
The URLs and form fields are Kuji's, so the same wrk scripts drive both. Connections come
from Kuji's own `connect()` and `immediate()`, so the pragmas and sync rules are the same.
"""

import base64
import hashlib
import hmac
import os
import random
import sqlite3
from datetime import UTC, datetime, timedelta

from flask import Flask, abort, redirect, request, session
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf

from app.store.db import connect, immediate

SCHEMA = """
CREATE TABLE IF NOT EXISTS tiles (
    slug TEXT NOT NULL, no INTEGER NOT NULL, holder TEXT, state TEXT NOT NULL DEFAULT 'free',
    revealed INTEGER NOT NULL DEFAULT 0, held_until TEXT, tier INTEGER,
    PRIMARY KEY (slug, no), UNIQUE (slug, holder)
);
CREATE TABLE IF NOT EXISTS destinations (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL, no INTEGER NOT NULL, name TEXT NOT NULL,
    postal_code TEXT NOT NULL, address TEXT NOT NULL, phone TEXT NOT NULL, email TEXT NOT NULL,
    UNIQUE (slug, no), UNIQUE (slug, phone), UNIQUE (slug, email)
);
"""
BOOKS = """
CREATE TABLE IF NOT EXISTS boards (
    slug TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0,
    opens TEXT NOT NULL, closes TEXT NOT NULL, tiles INTEGER NOT NULL,
    hold_minutes INTEGER NOT NULL DEFAULT 15
);
-- Only booked holds have an end (the plain claim never sets one): the lapsed ones are found
-- without reading every held tile, as Kuji finds them.
CREATE INDEX IF NOT EXISTS tiles_lapsing ON tiles (slug, held_until)
    WHERE held_until IS NOT NULL;
CREATE TABLE IF NOT EXISTS tiers (
    slug TEXT NOT NULL, number INTEGER NOT NULL, free INTEGER NOT NULL,
    PRIMARY KEY (slug, number)
);
CREATE TABLE IF NOT EXISTS address_draws (
    slug TEXT NOT NULL, address TEXT NOT NULL, draws INTEGER NOT NULL, holds INTEGER NOT NULL,
    PRIMARY KEY (slug, address)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS rate_counts (
    key TEXT PRIMARY KEY, hits INTEGER NOT NULL, until TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS draw_log (
    slug TEXT NOT NULL, seq INTEGER NOT NULL, tier INTEGER NOT NULL, no INTEGER NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (slug, seq)
) WITHOUT ROWID;
"""
FORM = '<form method="post"><input type="hidden" name="csrf_token" value="{}"></form>'
# make bench serves the bare stack with Kuji's bookkeeping unless BENCH_BARE_BOOKKEEPING=0.
BOOKED_OVER_HTTP = os.environ.get("BENCH_BARE_BOOKKEEPING", "1") == "1"
CONTACT = ("name", "postal_code", "address", "phone", "email")
# Every bare board takes claims for the life of a benchmark (Kuji's bench campaigns do too).
OPENS, CLOSES = "2000-01-01T00:00:00+00:00", "2999-01-01T00:00:00+00:00"


def lay_out(path: str, boards: dict[str, int]) -> None:
    """Create the tables and `tiles` free tiles per slug."""
    db = connect(path)
    db.conn.executescript(SCHEMA + BOOKS)
    with immediate(db):
        for slug, tiles in boards.items():
            db.conn.executemany(
                "INSERT OR IGNORE INTO tiles (slug, no) VALUES (?, ?)",
                ((slug, no) for no in range(1, tiles + 1)),
            )
            db.conn.execute(
                "INSERT OR IGNORE INTO boards (slug, opens, closes, tiles) VALUES (?, ?, ?, ?)",
                [slug, OPENS, CLOSES, tiles],
            )
            # Three values, as Kuji's benchmark campaigns: 70 %, 20 % and 10 % of the tiles.
            for number, share in enumerate((70, 20, 10), 1):
                db.conn.execute(
                    "INSERT OR IGNORE INTO tiers (slug, number, free) VALUES (?, ?, ?)",
                    [slug, number, tiles * share // 100 + 1],
                )
    db.conn.close()


def count(d, key: str, at: str) -> None:
    """One rate-limit hit, as Kuji counts it: an upsert of the window's row."""
    d.conn.execute(
        "INSERT INTO rate_counts (key, hits, until) VALUES (?, 1, ?)"
        " ON CONFLICT (key) DO UPDATE SET hits = hits + 1",
        [key, at],
    )


CONFIRM = (
    "UPDATE tiles SET state = 'confirmed'"
    " WHERE slug = ? AND no = ? AND holder = ? AND state = 'held' AND revealed"
)
CONFIRM_LIVE = (
    "UPDATE tiles SET state = 'confirmed', held_until = NULL"
    " WHERE slug = ? AND no = ? AND holder = ? AND state = 'held' AND revealed"
    " AND held_until > ?"
)


class Taken(Exception):
    """The tile was held already: the booked claim's transaction is rolled back."""


def open_board(d, slug: str, no: int, moment: datetime) -> str:
    """Read the board's row: 404 for no such board or tile, 403 outside its period; return
    when a hold taken now ends (its minutes later, never after the close), as Kuji reads its
    campaign before a claim."""
    row = d.conn.execute(
        "SELECT opens, closes, tiles, hold_minutes FROM boards WHERE slug = ?", [slug]
    ).fetchone()
    if row is None:
        abort(404)
    opens, closes, tiles, minutes = row
    if not opens <= moment.isoformat() < closes:
        abort(403)
    if not 1 <= no <= tiles:
        abort(404)
    return min(moment + timedelta(minutes=minutes), datetime.fromisoformat(closes)).isoformat()


def lapse(d, slug: str, moment: datetime) -> None:
    """Give lapsed holds back: the tile to the board, its coupon to the remaining counts."""
    found = d.conn.execute(
        "SELECT no, tier FROM tiles WHERE slug = ? AND held_until <= ?",
        [slug, moment.isoformat()],
    ).fetchall()
    for no, tier in found:
        d.conn.execute(
            "UPDATE tiles SET holder = NULL, state = 'free', revealed = 0, held_until = NULL,"
            " tier = NULL WHERE slug = ? AND no = ?",
            [slug, no],
        )
        d.conn.execute(
            "UPDATE tiers SET free = free + 1 WHERE slug = ? AND number = ?", [slug, tier]
        )


def booked_claim(d, slug: str, no: int, holder: str) -> bool:
    """The claim with Kuji's books (see the module's docstring); False when it was taken."""
    moment = datetime.now(UTC)
    until = open_board(d, slug, no, moment)
    try:
        with immediate(d, durable=False):
            lapse(d, slug, moment)
            tier = book_claim(d, slug, no, moment)
            if not d.conn.execute(
                "UPDATE tiles SET holder = ?, state = 'held', held_until = ?, tier = ?"
                " WHERE slug = ? AND no = ? AND holder IS NULL",
                [holder, until, tier, slug, no],
            ).rowcount:
                raise Taken
    except Taken:
        return False
    return True


def book_claim(d, slug: str, no: int, moment: datetime) -> int:
    """The claim's bookkeeping inside its transaction; return the tier drawn."""
    at = moment.isoformat()
    address = request.remote_addr
    count(d, f"claim:{address}", at)
    d.conn.execute(
        "INSERT INTO address_draws (slug, address, draws, holds) VALUES (?, ?, 1, 1)"
        " ON CONFLICT (slug, address) DO UPDATE SET draws = draws + 1, holds = holds + 1",
        [slug, address],
    )
    seq = d.conn.execute(
        "UPDATE boards SET version = version + 1, seq = seq + 1 WHERE slug = ? RETURNING seq",
        [slug],
    ).fetchone()[0]
    tiers = d.conn.execute("SELECT number, free FROM tiers WHERE slug = ?", [slug]).fetchall()
    tier = random.choices([n for n, _ in tiers], [f for _, f in tiers])[0]  # noqa: S311
    d.conn.execute(
        "UPDATE tiers SET free = free - 1 WHERE slug = ? AND number = ? AND free > 0",
        [slug, tier],
    )
    d.conn.execute(
        "INSERT INTO draw_log (slug, seq, tier, no, at) VALUES (?, ?, ?, ?, ?)",
        [slug, seq, tier, no, at],
    )
    return tier


def book_confirm(d, slug: str) -> None:
    """The confirm's bookkeeping: its hit counted, the address's hold given back."""
    address = request.remote_addr
    count(d, f"confirm:{address}", datetime.now(UTC).isoformat())
    d.conn.execute(
        "UPDATE address_draws SET holds = holds - 1 WHERE slug = ? AND address = ?",
        [slug, address],
    )


def create_app(
    path: str | None = None,
    secret: str | None = None,
    synchronous: str | None = None,
    bookkeeping: bool | None = None,
) -> Flask:
    """Build the bare app; gunicorn calls it with BARE_* variables (`bench.bare:create_app()`)."""
    path = path or os.environ["BARE_DATABASE"]
    sync = synchronous or os.environ.get("BARE_SYNCHRONOUS", "FULL")
    if bookkeeping is None:
        bookkeeping = os.environ.get("BARE_BOOKKEEPING") == "1"
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret or os.environ["BARE_SECRET_KEY"],
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    CSRFProtect(app)
    key = hashlib.sha256(b"bare.terminal" + app.config["SECRET_KEY"].encode()).digest()
    conns = {}

    def db():
        # One connection per worker process, opened after gunicorn forks, as Kuji's.
        found = conns.get(os.getpid())
        if found is None:
            found = conns[os.getpid()] = connect(path, sync)
        return found

    def sign(payload: str) -> str:
        digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    @app.get("/healthz")
    def healthz():
        db().conn.execute("SELECT 1").fetchone()
        return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/c/<slug>")
    def form(slug):
        return FORM.format(generate_csrf())

    @app.post("/c/<slug>/post")
    def post(slug):
        return redirect(f"/c/{slug}", 303)

    @app.post("/c/<slug>/claim")
    def claim(slug):
        raw = request.form.get("tile", "")
        if not raw.isdigit():
            abort(400)
        holder = session["csrf_token"]
        if bookkeeping:
            taken = booked_claim(db(), slug, int(raw), holder)
        else:
            with immediate(db(), durable=False) as d:
                taken = d.conn.execute(
                    "UPDATE tiles SET holder = ?, state = 'held'"
                    " WHERE slug = ? AND no = ? AND holder IS NULL",
                    [holder, slug, int(raw)],
                ).rowcount
        if not taken:
            abort(409)
        payload = f"{raw}.{holder}"
        response = redirect(f"/c/{slug}/entry", 303)
        response.set_cookie(
            f"kuji_{slug}",
            f"{payload}.{sign(payload)}",
            path=f"/c/{slug}",
            httponly=True,
            samesite="Lax",
        )
        return response

    def held(slug) -> tuple[int, str]:
        # The claim's signed cookie names the tile and its holder.
        raw = request.cookies.get(f"kuji_{slug}", "")
        payload, _, signature = raw.rpartition(".")
        if not payload or not hmac.compare_digest(signature, sign(payload)):
            abort(409)
        no, _, holder = payload.partition(".")
        return int(no), holder

    @app.post("/c/<slug>/reveal")
    def reveal(slug):
        no, holder = held(slug)
        if bookkeeping:
            open_board(db(), slug, no, datetime.now(UTC))
        with immediate(db(), durable=False) as d:
            uncovered = d.conn.execute(
                "UPDATE tiles SET revealed = 1"
                " WHERE slug = ? AND no = ? AND holder = ? AND state = 'held'",
                [slug, no, holder],
            ).rowcount
        if not uncovered:
            abort(409)
        return redirect(f"/c/{slug}/entry", 303)

    @app.post("/c/<slug>/confirm")
    def confirm(slug):
        no, holder = held(slug)
        contact = [request.form.get(k, "").strip() for k in CONTACT]
        if not all(contact):
            abort(422)
        if bookkeeping:  # the board read, as the claim's; the hold must not have lapsed
            moment = datetime.now(UTC)
            open_board(db(), slug, no, moment)
            sql, args = CONFIRM_LIVE, [slug, no, holder, moment.isoformat()]
        else:
            sql, args = CONFIRM, [slug, no, holder]
        try:
            with immediate(db()) as d:
                if not d.conn.execute(sql, args).rowcount:
                    abort(409)
                d.conn.execute(
                    "INSERT INTO destinations (slug, no, name, postal_code, address, phone, email)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [slug, no, *contact],
                )
                if bookkeeping:
                    book_confirm(d, slug)
        except sqlite3.IntegrityError:
            abort(409)
        return redirect(f"/c/{slug}/entry", 303)

    return app
