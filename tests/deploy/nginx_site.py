"""deploy/kuji-hosts.nginx.conf made runnable here: its ports, hosts, certificate and folders."""

import os
import re
import subprocess
import time
from pathlib import Path

from tests.server import ROOT

SITE = ROOT / "deploy" / "kuji-hosts.nginx.conf"
# "|" apart: $upstream_addr lists every host tried, with ", " between them. $kuji_lang is
# the language a poll is answered (and cached) in, so polls can be counted per language.
LOG_FORMAT = "'$upstream_cache_status|$upstream_addr|$status|$kuji_lang|$request_uri'"


def certificate(tmp: Path, address: str = "127.0.0.1") -> None:
    """A self-signed certificate for `address` in tmp/cert.pem and tmp/key.pem."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={address}", "-addext", f"subjectAltName=IP:{address}",
         "-keyout", tmp / "key.pem", "-out", tmp / "cert.pem"],
        check=True, capture_output=True,
    )  # fmt: skip


def hosts_config(tmp: Path, listen: str, upstreams: list[str], workers: int = 1) -> str:
    """The whole nginx.conf: the deploy site with `listen` (address:port) and `upstreams`."""
    lines = SITE.read_text().splitlines()
    site = "\n".join(line for line in lines if not line.lstrip().startswith("#")) + "\n"
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, flags=re.S)  # no port 80
    site = re.sub(r"\n\s*listen \[::\]:443[^\n]*", "", site)
    site = site.replace("listen 443 ssl http2;", f"listen {listen} ssl;")
    servers = "".join(f"    server {u} max_fails=1 fail_timeout=5s;\n" for u in upstreams)
    site, found = re.subn(r"(    server 10\.0\.0\.\d+:8000[^\n]*\n)+", servers, site)
    assert found == 1, "the upstream block changed shape"
    site = re.sub(r"ssl_certificate [^;]+;", f"ssl_certificate {tmp / 'cert.pem'};", site)
    site = re.sub(r"ssl_certificate_key [^;]+;", f"ssl_certificate_key {tmp / 'key.pem'};", site)
    site = site.replace("/srv/kuji/static/", f"{ROOT / 'static'}/")
    site = site.replace("/var/cache/nginx/kuji", str(tmp / "cache"))
    assert "10.0.0." not in site and "/srv/kuji" not in site and "letsencrypt" not in site
    temp = {name: tmp / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    return f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes {workers};
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    log_format kuji {LOG_FORMAT};
    access_log {tmp / "access.log"} kuji;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
{site}
}}
"""


def access_log(tmp: Path, start: int = 0) -> list[tuple[str, str, str, str, str]]:
    """Cache status, upstreams, status, language and URI of each request logged after
    byte `start` of the access log."""
    with open(tmp / "access.log", "rb") as log:
        log.seek(start)
        text = log.read().decode(errors="replace")
    return [tuple(line.split("|", 4)) for line in text.splitlines()]


def logged(tmp: Path, uri: str, count: int, timeout: float = 5) -> list[tuple]:
    """The access log's lines for `uri`, once there are `count` of them: nginx writes a line
    after the answer's last byte has gone, so a client can read the log before it is there."""
    deadline = time.monotonic() + timeout
    while True:
        lines = [line for line in access_log(tmp) if line[-1] == uri]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.05)


def upstream_hits(tmp: Path, prefix: str) -> list[str]:
    """Cache statuses of the logged requests under `prefix` that reached an app host."""
    return [
        status
        for status, upstream, _, _, uri in access_log(tmp)
        if uri.startswith(prefix) and upstream != "-"
    ]
