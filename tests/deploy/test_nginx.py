"""The README's production set-up, for real: Debian's nginx with TLS in front of gunicorn.

nginx runs deploy/kuji.nginx.conf with its ports, certificate and paths substituted, as
this user, on a free port; gunicorn runs deploy/gunicorn.conf.py with two workers. Clients
connect from 127.0.0.2 and 127.0.0.3, so nginx sees two addresses and reports them to the
app in X-Forwarded-For, as it would two people's.
"""

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from app import create_app
from app.admin.passwords import hash_password
from app.new_campaign import create_campaign
from app.store import admins, get_db
from tests.factories import conditions
from tests.server import ROOT, free_port

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
EMAIL, PASSWORD = "owner@example.jp", "correct horse battery"
ALICE, BOB = "127.0.0.2", "127.0.0.3"
BOARD_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LOCKED = "Too many failed sign-ins"


def site_config(tmp, nginx_port: int, app_port: int) -> str:
    """deploy/kuji.nginx.conf for this test: its ports, certificate and folders."""
    lines = (ROOT / "deploy" / "kuji.nginx.conf").read_text().splitlines()
    site = "\n".join(line for line in lines if not line.startswith("#")) + "\n"
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, flags=re.S)  # no port 80
    site = re.sub(r"\n\s*listen \[::\]:443[^\n]*", "", site)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{nginx_port} ssl;")
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = re.sub(r"ssl_certificate [^;]+;", f"ssl_certificate {tmp / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key [^;]+;", f"ssl_certificate_key {tmp / 'key.pem'};", site)
    site = site.replace("/srv/kuji/static/", f"{ROOT / 'static'}/")
    assert "8000" not in site and "/srv/kuji" not in site and "letsencrypt" not in site
    temp = {name: tmp / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    return f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp / "access.log"};
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


@dataclass
class Browser:
    """A browser at one client address: HTTPS to nginx, cookies kept, English pages."""

    port: int
    address: str
    context: ssl.SSLContext
    cookies: dict = field(default_factory=lambda: {"lang": "en"})
    set_cookies: list = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPSConnection(
            "127.0.0.1", self.port, context=self.context, source_address=(self.address, 0)
        )
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"  # as browsers send
        try:
            conn.request(method, path, body, headers)
            reply = conn.getresponse()
            text = reply.read().decode()
        finally:
            conn.close()
        self.set_cookies = reply.headers.get_all("Set-Cookie") or []
        for cookie in self.set_cookies:
            name, value = cookie.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return reply.status, reply.headers, text

    def sign_in(self, password: str) -> tuple[int, str]:
        _, _, page = self.request("GET", "/admin/login")
        token = FORM_TOKEN.search(page).group(1)
        form = {"csrf_token": token, "email": EMAIL, "password": password}
        status, _, text = self.request("POST", "/admin/login", form)
        return status, text

    def claim(self, slug: str, tile: int) -> int:
        _, _, page = self.request("GET", f"/c/{slug}")
        token = BOARD_TOKEN.search(page).group(1)
        status, _, _ = self.request("POST", f"/c/{slug}/claim", {"csrf_token": token, "tile": tile})
        return status


class Stack:
    """nginx in front of gunicorn, with gunicorn's log (the app's request lines) at hand."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []

    def start(self, settings: dict) -> None:
        tmp = self.tmp
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.context = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
        app_port, self.port = free_port(), free_port()
        env = {**os.environ, **{f"FLASK_{k}": str(v) for k, v in settings.items()}}
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
        self.log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 (closed in stop)
        self._spawn([*gunicorn, "-b", f"127.0.0.1:{app_port}", "-w", "2"], env, self.log)
        (tmp / "nginx.conf").write_text(site_config(tmp, self.port, app_port))
        nginx = [NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf")]
        subprocess.run([*nginx, "-t"], check=True, capture_output=True)
        self._spawn(nginx, os.environ, subprocess.DEVNULL)
        self._wait()

    def _spawn(self, args, env, out) -> None:
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=out, stderr=out, start_new_session=True
        )
        self.procs.append(proc)

    def _wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.browser("127.0.0.1").request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("nginx and gunicorn did not start:\n" + self.read_log())

    def browser(self, address: str) -> Browser:
        return Browser(self.port, address, self.context)

    def read_log(self) -> str:
        self.log.flush()
        return (self.tmp / "gunicorn.log").read_text()

    def requests(self, path: str, address: str) -> list[tuple[str, str]]:
        """(pid, status) of each logged request for `path` from `address`."""
        # The line ends at the address, or goes on with what the request did (event=…).
        pattern = (
            rf"path={re.escape(path)} status=(\d+) ms=\S+ pid=(\d+)"
            rf" addr={re.escape(address)}(?: event=|$)"
        )
        return [(pid, status) for status, pid in re.findall(pattern, self.read_log(), re.M)]

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs it)")
    tmp = tmp_path_factory.mktemp("nginx")
    db_path = tmp / "kuji.sqlite"
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "live-test-secret"})
    now = datetime.now(UTC)
    with app.app_context():
        admins.create(get_db(), EMAIL, hash_password(PASSWORD), now)
        for slug in ("spring", "autumn"):
            create_campaign(
                conditions(
                    slug=slug, opens=now - timedelta(hours=1), closes=now + timedelta(days=1)
                ),
                now,
            )
    s = Stack(tmp)
    try:
        s.start(
            {
                "DATABASE": db_path,
                "SECRET_KEY": "live-test-secret",
                "CLAIM_LIMIT": "2 per minute",
                "ADMIN_LOGIN_THROTTLE": "1000 per minute",
            }
        )
        yield s
    finally:
        s.stop()


def until_both_workers(stack, path, address, send, most=20) -> list[int]:
    """Repeat `send` until both workers have answered `path` from `address`; return statuses.

    Two at a time: one after another, the same idle worker can take every request.
    """
    statuses = []
    with ThreadPoolExecutor(2) as pool:
        for _ in range(most):
            statuses += pool.map(lambda _: send(), range(2))
            if len({pid for pid, _ in stack.requests(path, address)}) == 2:
                return statuses
    pytest.fail(f"one worker answered every request for {path}: {statuses}")


def test_a_static_file_is_served_by_nginx_with_caching(stack):
    status, headers, css = stack.browser(ALICE).request("GET", "/static/css/kuji.css")
    assert status == 200 and "body" in css
    assert headers["Cache-Control"] == "max-age=3600" and headers["Expires"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert stack.requests("/static/css/kuji.css", ALICE) == []  # never reached gunicorn


def test_pages_carry_the_security_headers_and_secure_cookies(stack):
    alice = stack.browser(ALICE)
    status, headers, _ = alice.request("GET", "/c/spring")
    assert status == 200
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")  # HTTPS, via nginx
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    session = [c for c in alice.set_cookies if c.startswith("session=")]
    assert session and "; Secure" in session[0] and "; HttpOnly" in session[0]
    assert alice.claim("spring", 7) == 303
    terminal = [c for c in alice.set_cookies if c.startswith("kuji_spring=")]
    assert terminal and "; Secure" in terminal[0]
    # The app saw Alice's own address, not nginx's 127.0.0.1.
    assert stack.requests("/c/spring/claim", ALICE)


def test_the_sign_in_lock_holds_across_workers_and_spares_other_addresses(stack):
    for _ in range(5):
        assert stack.browser(ALICE).sign_in("wrong password")[0] == 401
    # Whichever worker answers, the right password is refused from Alice's address.
    replies = until_both_workers(
        stack, "/admin/login", ALICE, lambda: stack.browser(ALICE).sign_in(PASSWORD)
    )
    assert all(status == 429 and LOCKED in text for status, text in replies)
    # The administrator, from another address, still signs in.
    status, _ = stack.browser(BOB).sign_in(PASSWORD)
    assert status == 303


def test_two_addresses_are_limited_apart_on_claims(stack):
    alice = stack.browser(ALICE)
    # Two claims a minute per address (per worker: memory:// storage): Alice is soon slowed.
    # Which worker nginx hands each request to is its own affair, so the test does not
    # wait for both to have answered; it keeps asking until Alice is refused.
    statuses = []
    for _ in range(20):
        statuses.append(alice.claim("autumn", 1))
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429, (statuses, stack.read_log())
    refused_by = {pid for pid, s in stack.requests("/c/autumn/claim", ALICE) if s == "429"}
    # Bob, at another address, is not slowed by Alice's claims, on whichever worker.
    assert stack.browser(BOB).claim("autumn", 2) == 303, stack.read_log()
    assert refused_by, stack.read_log()
