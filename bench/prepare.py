"""Build the throw-away instance: campaigns made in-process, terminals made over HTTP."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import create_app
from app.store import campaigns, claims, get_db
from tests.factories import make_campaign

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SESSION = re.compile(r"session=([^;]+)")


def prizes(sheets: int) -> tuple[tuple[int, int], ...]:
    """Split `sheets` tiles over three prizes (25 %, 20 %, 10 % off), no losing tiles."""
    a, b = sheets // 4, sheets // 4
    return ((25, a), (20, b), (10, sheets - a - b))


def create_campaigns(db_path: Path, secret: str, boards: dict[str, int]) -> None:
    """Create one open campaign per slug, with that many tiles, on the real clock."""
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    now = datetime.now(UTC)
    for slug, sheets in boards.items():
        make_campaign(
            app,
            slug=slug,
            prizes=prizes(sheets),
            opens=now - timedelta(hours=1),
            closes=now + timedelta(days=1),
        )


def claim_tiles(db_path: Path, secret: str, slug: str, count: int) -> int:
    """Hold tiles 1..count for as many holders, one change each; return the version after."""
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    with app.app_context():
        db = get_db()
        for no in range(1, count + 1):
            campaign = campaigns.by_slug(db, slug)
            claims.hold(db, campaign, f"bench:{no}", datetime.now(UTC), no=no)
        return campaigns.by_slug(db, slug).version


def fetch(
    port: int, path: str, headers: dict | None = None, host: str = "127.0.0.1"
) -> tuple[int, list, bytes]:
    """GET a path; return status, headers and body."""
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.getheaders(), r.read()
    finally:
        conn.close()


def raw_size(port: int, path: str, headers: dict | None = None) -> tuple[int, int, int]:
    """Return status, header bytes and body bytes of one answer, as they cross the wire."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        lines = [f"HTTP/1.1 {r.status} {r.reason}", *(f"{k}: {v}" for k, v in r.getheaders())]
        return r.status, sum(len(line) + 2 for line in lines) + 2, len(body)
    finally:
        conn.close()


def new_terminal(port: int, slug: str, host: str = "127.0.0.1") -> tuple[str, str]:
    """Open the board as a new browser would; return its session cookie and CSRF token."""
    status, head, body = fetch(port, f"/c/{slug}", host=host)
    cookie = next(SESSION.search(v) for k, v in head if k.lower() == "set-cookie")
    token = TOKEN.search(body.decode())
    if status != 200 or cookie is None or token is None:
        raise RuntimeError(f"/c/{slug} gave no session cookie or CSRF token ({status})")
    return cookie.group(1), token.group(1)


def make_terminals(
    port: int, slug: str, count: int, hosts: tuple[str, ...] = ("127.0.0.1",)
) -> list[tuple[str, str]]:
    """Open the board `count` times as new browsers, spread over `hosts`; return their
    cookies and tokens."""
    with ThreadPoolExecutor(16) as pool:
        found = list(
            pool.map(lambda n: new_terminal(port, slug, hosts[n % len(hosts)]), range(count))
        )
    if len({cookie for cookie, _ in found}) != count:
        raise RuntimeError("two terminals got the same session cookie")
    return found


def deal(terminals: list[tuple[str, str]], threads: int, folder: Path) -> Path:
    """Write one file per wrk thread, "cookie<TAB>token" per line; return the name prefix."""
    prefix = folder / f"terminals-{threads}"
    for i in range(threads):
        mine = terminals[i::threads]
        Path(f"{prefix}.{i}").write_text("".join(f"{c}\t{t}\n" for c, t in mine))
    return prefix
