"""Helpers for torture tests against a real gunicorn: browsers without a browser, DB checks."""

import http.client
import http.cookiejar
import re
import sqlite3
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.factories import make_campaign
from tests.server import EXPORT_HEADER, ROOT, export  # noqa: F401 (re-exported)

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
FREE = re.compile(r'<button class="tile" id="t(\d+)"')
GONE = re.compile(r'<span class="tile gone" id="t(\d+)"')
VERSION = re.compile(r"tiles\?v=(\d+)")
# What a client sees when the server dies under it: refused, reset, cut short, timed out.
DOWN = (OSError, http.client.HTTPException)


@dataclass(frozen=True)
class Reply:
    status: int
    body: str
    headers: object

    def free_tiles(self) -> list[int]:
        return [int(n) for n in FREE.findall(self.body)]

    def token(self) -> str | None:
        found = TOKEN.search(self.body)
        return (found.group(1) or found.group(2)) if found else None


class _Keep(urllib.request.HTTPErrorProcessor):
    """Hand every answer back as it came: no redirects followed, no 4xx/5xx raised."""

    def http_response(self, request, response):
        return response

    https_response = http_response


class Browser:
    """One terminal on a live server: its own cookie jar, reading tokens as a browser would."""

    def __init__(self, base: str, slug: str, timeout: float = 30):
        self.base = base
        self.slug = slug
        self.timeout = timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _Keep
        )
        self.csrf: str | None = None

    def request(self, method: str, path: str, data=None, headers=None) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        # Always http://127.0.0.1: the scheme check of S310 does not apply.
        # The tests read English sentences; tests/i18n proves the Japanese default.
        headers = {"Accept-Language": "en", **(headers or {})}
        req = urllib.request.Request(  # noqa: S310
            self.base + path, data=body, method=method, headers=headers
        )
        with self.opener.open(req, timeout=self.timeout) as r:
            reply = Reply(r.status, r.read().decode("utf-8", "replace"), r.headers)
        token = reply.token()
        if token:
            self.csrf = token
        return reply

    def get(self, path: str = "", **kw) -> Reply:
        return self.request("GET", f"/c/{self.slug}{path}", **kw)

    def post(self, path: str, data: dict | None = None, token: bool = True, **kw) -> Reply:
        data = dict(data or {})
        if token:
            data.setdefault("csrf_token", self.csrf)
        return self.request("POST", f"/c/{self.slug}{path}", data=data, **kw)

    def claim(self, no, **kw) -> Reply:
        return self.post("/claim", {"tile": str(no)}, **kw)

    def reveal(self) -> Reply:
        """Uncover the draw, as scratching, spinning or pressing Reveal does."""
        return self.post("/reveal")

    def confirm(self, **fields) -> Reply:
        """Uncover the draw (a refused reveal is answered as is), then confirm it."""
        uncovered = self.reveal()
        if uncovered.status not in (200, 303):
            return uncovered
        return self.post("/confirm", fields)

    def twin(self) -> "Browser":
        """Return another tab of this browser: a copy of its cookies and token, as they are now."""
        other = Browser(self.base, self.slug, self.timeout)
        for cookie in self.jar:
            other.jar.set_cookie(cookie)
        other.csrf = self.csrf
        return other

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def open_campaign(app, slug: str, **kwargs):
    """Create a campaign that is open now on the real clock the live server uses."""
    moment = datetime.now(UTC)
    kwargs.setdefault("opens", moment - timedelta(hours=1))
    kwargs.setdefault("closes", moment + timedelta(days=1))
    return make_campaign(app, slug=slug, **kwargs)


def query(db_path: Path | str, sql: str, params=()) -> list[tuple]:
    """Run one read-only query on its own connection (a SQLite file or a PostgreSQL URL)."""
    from app.store.db import connect, is_postgres

    if is_postgres(str(db_path)):
        db = connect(str(db_path))
        try:
            return [tuple(r) for r in db.execute(sql, list(params)).fetchall()]
        finally:
            db.close()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def assert_one_ticket_per_entry(db_path: Path) -> None:
    """No tile is held by two entries, and no entry holds two tiles."""
    rows = query(db_path, "SELECT entry_id, count(*) FROM tiles GROUP BY entry_id")
    assert all(n == 1 for entry_id, n in rows if entry_id is not None)
    # Every ticket's entry names that very ticket back.
    mismatched = query(
        db_path,
        "SELECT t.campaign_id, t.no, e.id FROM tiles t JOIN entries e ON e.id = t.entry_id"
        " WHERE e.campaign_id != t.campaign_id OR e.tile_no != t.no",
    )
    assert mismatched == []
    if not str(db_path).startswith("postgresql://"):
        assert query(db_path, "PRAGMA integrity_check") == [("ok",)]


def assert_fair(db_path: Path, slug: str) -> dict:
    """The campaign has ended, no tier has a sheet left, and its fairness log verifies."""
    from app.lottery.fairness import verify
    from app.store import campaigns
    from app.store.db import connect
    from app.store.fairness import document

    db = connect(str(db_path), "NORMAL")
    try:
        campaign = campaigns.by_slug(db, slug)
        doc = document(db, campaign, datetime.now(UTC))
    finally:
        db.conn.close()
    assert doc["ended"] and doc["seed"], "the campaign has not ended"
    report = verify(doc)
    assert report.ok, report.problems
    assert query(db_path, "SELECT sum(free) FROM tiers") == [(0,)]
    return doc


def details(n: int, mailbox: str = "t") -> dict[str, str]:
    """Respondent n's destination form: name, address, phone and e-mail unique to n."""
    return {
        "name": f"Respondent {n}",
        "postal_code": "104-0061",
        "address": f"{n}-1-1 Ginza, Chuo-ku, Tokyo",
        "phone": f"090{n:08d}",
        "email": f"{mailbox}{n}@example.jp",
    }
