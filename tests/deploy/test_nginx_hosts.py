"""deploy/kuji-hosts.nginx.conf for real: two app hosts behind Debian's nginx, polls cached.

Two gunicorns (the app hosts) share one database file and a throw-away Redis; nginx runs the
deploy site on a free port as this user. The access log tells which requests reached an app
host, whatever the quiet poll layer (which logs nothing) answered.
"""

import http.client
import os
import re
import signal
import ssl
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from app import create_app
from app.new_campaign import create_campaign
from bench.cluster import BYPASS, bypassable
from tests.factories import conditions
from tests.server import ROOT, free_port

from .nginx_site import access_log, certificate, hosts_config, logged, upstream_hits
from .test_nginx import NGINX

pytestmark = pytest.mark.slow
SECRET = "hosts-test-secret"
POLL = {"HX-Request": "true"}


class Https:
    """One keep-alive HTTPS connection to nginx."""

    def __init__(self, port, context, cookies="", address=None):
        self.conn = http.client.HTTPSConnection(
            "127.0.0.1",
            port,
            context=context,
            timeout=10,
            source_address=(address, 0) if address else None,
        )
        self.cookies = cookies

    def get(self, path, headers=None):
        self.conn.request("GET", path, headers={"Cookie": self.cookies, **(headers or {})})
        reply = self.conn.getresponse()
        self._keep(reply)
        return reply.status, reply.headers, reply.read().decode()

    def _keep(self, reply):
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            self.cookies += "; " + cookie.split(";", 1)[0]

    def post(self, path, form):
        body = urlencode(form)
        headers = {
            "Cookie": self.cookies,
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://127.0.0.1:{self.conn.port}{path}",
        }
        self.conn.request("POST", path, body, headers)
        reply = self.conn.getresponse()
        self._keep(reply)
        return reply.status, reply.read().decode()


class Nginx:
    def __init__(self, tmp, upstreams, tweak=lambda site: site):
        self.tmp = tmp
        certificate(tmp)
        self.context = ssl.create_default_context(cafile=str(tmp / "cert.pem"))
        self.port = free_port()
        (tmp / "cache").mkdir()
        conf = tmp / "nginx.conf"
        conf.write_text(tweak(hosts_config(tmp, f"127.0.0.1:{self.port}", upstreams)))
        nginx = [NGINX, "-p", str(tmp), "-c", str(conf)]
        subprocess.run([*nginx, "-t"], check=True, capture_output=True)
        self.proc = subprocess.Popen(nginx, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().get("/static/css/kuji.css")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError((tmp / "error.log").read_text())

    def client(self, cookies="", address=None):
        return Https(self.port, self.context, cookies, address)

    def stop(self):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(10)


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_server):
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs it)")
    tmp = tmp_path_factory.mktemp("hosts")
    db_path = tmp / "kuji.sqlite"
    create_app({"DATABASE": str(db_path), "SECRET_KEY": SECRET})
    now = datetime.now(UTC)
    with create_app({"DATABASE": str(db_path), "SECRET_KEY": SECRET}).app_context():
        create_campaign(
            conditions(
                slug="spring", opens=now - timedelta(hours=1), closes=now + timedelta(days=1)
            ),
            now,
        )
    env = {
        **os.environ,
        "FLASK_DATABASE": str(db_path),
        "FLASK_SECRET_KEY": SECRET,
        "FLASK_REDIS_URL": redis_server.url,
    }
    hosts, ports = [], [free_port(), free_port()]
    log = open(tmp / "gunicorn.log", "w")  # noqa: SIM115 (closed below)
    nginx = None
    try:
        for port in ports:
            args = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
            hosts.append(
                subprocess.Popen(
                    [*args, "-b", f"127.0.0.1:{port}", "-w", "1"],
                    cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True,
                )
            )  # fmt: skip
        nginx = Nginx(tmp, [f"127.0.0.1:{p}" for p in ports])
        deadline = time.monotonic() + 30
        while nginx.client().get("/healthz")[0] != 200:
            assert time.monotonic() < deadline, (tmp / "gunicorn.log").read_text()
            time.sleep(0.2)
        yield nginx
    finally:
        if nginx:
            nginx.stop()
        for proc in hosts:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(10)
        log.close()


def version_of(html: str) -> int:
    return int(re.search(r"tiles\?v=(\d+)", html).group(1))


def hammer(site, path, seconds, threads=6, cookies="lang=en") -> list[int]:
    """Poll `path` from `threads` keep-alive connections for `seconds`; return the statuses."""
    statuses, stop = [], time.monotonic() + seconds

    def run():
        client = site.client(cookies)
        while time.monotonic() < stop:
            statuses.append(client.get(path, POLL)[0])

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return statuses


def test_polls_are_answered_from_the_cache(site):
    _, _, page = site.client("lang=en").get("/c/spring")
    v = version_of(page)
    path = f"/c/spring/tiles?v={v}"
    started = time.monotonic()
    statuses = hammer(site, path, seconds=3)
    seconds = time.monotonic() - started
    reached = upstream_hits(site.tmp, path)
    assert set(statuses) == {204}
    # One request a second per key (and perhaps one more at each edge of the run).
    assert len(reached) <= seconds + 2, (len(reached), len(statuses))
    assert len(statuses) >= 10 * len(reached)


def test_each_language_is_cached_apart_and_a_claim_reaches_the_next_poll(site):
    buyer = site.client("lang=en")
    _, _, page = buyer.get("/c/spring")
    v = version_of(page)
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    path = f"/c/spring/tiles?v={v}"
    assert site.client("lang=ja").get(path, POLL)[0] == 204
    assert buyer.post("/c/spring/claim", {"csrf_token": token, "tile": "9"})[0] == 303
    # The cached "nothing new" for v lapses after a second, counted by nginx in whole
    # seconds: up to two.
    time.sleep(2.1)
    status, headers, html = site.client("lang=en").get(path, POLL)
    assert status == 200 and 'class="tile gone" id="t9"' in html and "tiles left" in html
    assert "Set-Cookie" not in headers
    status, _, html = site.client("lang=ja").get(path, POLL)
    assert status == 200 and "tiles left" not in html and 'id="t9"' in html
    # A Japanese browser without the switch shares the Japanese answer; an English one not.
    for accept, lang in (("ja,en;q=0.8", "ja"), ("en-US,en;q=0.9", "en"), ("fr,en;q=0.7", "en")):
        client = site.client()
        status, headers, html = client.get(path, {**POLL, "Accept-Language": accept})
        assert status == 200 and ("tiles left" in html) == (lang == "en"), accept
    statuses = hammer(site, path, seconds=2, threads=4, cookies="lang=ja")
    assert set(statuses) == {200}
    assert len(upstream_hits(site.tmp, path)) <= 2 + 2 + 2 + 3  # per language, per second


def test_the_access_log_names_the_language_a_poll_is_cached_in(site):
    """make bench-cluster counts the polls reaching the app hosts per page and language."""
    path = "/c/spring/tiles?v=0&page=1"
    site.client("lang=ja").get(path, POLL)
    site.client().get(path, {**POLL, "Accept-Language": "fr,en;q=0.7"})
    assert [lang for *_, lang, _uri in logged(site.tmp, path, 2)] == ["ja", "en"]


def test_the_benchmark_header_takes_polls_past_the_cache_and_nothing_else_does(site, tmp_path):
    """make bench-cluster's scaling runs measure the app hosts' polls through nginx."""
    conf = (site.tmp / "nginx.conf").read_text()
    upstreams = re.findall(r"server (127\.0\.0\.1:\d+) max_fails", conf)
    bench = Nginx(tmp_path, upstreams, tweak=bypassable)
    try:
        client = bench.client("lang=en")
        _, _, page = client.get("/c/spring")
        path = f"/c/spring/tiles?v={version_of(page)}"
        name, value = BYPASS.split(": ")
        bypassed = [client.get(path, {**POLL, name: value})[0] for _ in range(4)]
        cached = [client.get(path, POLL)[0] for _ in range(4)]
    finally:
        bench.stop()
    assert bypassed == cached == [204] * 4
    statuses = [status for status, *_, uri in access_log(tmp_path) if uri == path]
    assert statuses[:4] == ["BYPASS"] * 4  # each reached an app host, and none was kept
    assert statuses[4] == "MISS" and statuses[5:].count("HIT") >= 2, statuses


def test_a_poll_that_reaches_the_app_carries_the_client_address(site):
    """The poll location sets its own headers, so it must set the forwarding ones too."""
    status, headers, _ = site.client("lang=en", address="127.0.0.5").get(
        "/c/spring/tiles?v=987654", POLL
    )
    assert status == 200 and headers["HX-Refresh"] == "true"
    log = (site.tmp / "gunicorn.log").read_text()
    assert re.search(r"path=/c/spring/tiles status=200 .*addr=127\.0\.0\.5$", log, re.M), log


class Upstream(BaseHTTPRequestHandler):
    """An app host whose poll answers set a cookie, are private, or neither."""

    hits: dict = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        kind = self.path.split("/")[2]
        Upstream.hits[kind] = Upstream.hits.get(kind, 0) + 1
        self.send_response(200)
        if kind == "cookie":
            self.send_header("Set-Cookie", "session=someone; HttpOnly")
        if kind == "private":
            self.send_header("Cache-Control", "private")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_an_answer_that_sets_a_cookie_or_is_private_is_never_cached(tmp_path):
    if NGINX is None:
        pytest.skip("nginx is not installed (make test installs it)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    nginx = Nginx(tmp_path, [f"127.0.0.1:{server.server_address[1]}"])
    try:
        client = nginx.client()
        for kind in ("cookie", "private", "plain"):
            for _ in range(10):
                status, headers, _ = client.get(f"/c/{kind}/tiles?v=1", POLL)
                assert status == 200
                if kind == "cookie":
                    assert headers["Set-Cookie"].startswith("session=")
    finally:
        nginx.stop()
        server.shutdown()
    assert Upstream.hits == {"cookie": 10, "private": 10, "plain": 1}
