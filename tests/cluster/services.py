"""The services of the cluster test, each started in its host's namespace by the test."""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app import create_app
from tests.deploy.nginx_site import certificate, hosts_config
from tests.deploy.test_nginx import NGINX
from tests.redis_server import REDIS
from tests.server import ROOT

from .harness import Cluster

PG_BIN = Path("/usr/lib/postgresql/15/bin")
APP_PORT, LB_PORT, REDIS_PORT, PG_PORT = 8000, 8443, 6379, 5432
APPS = ("app1", "app2")
# Every terminal of a load comes from the one client host, the bridge: one address, so the
# per-address limits would refuse the load itself.
LOAD_SETTINGS = {
    "CLAIM_LIMIT": "100000 per minute",
    "CONFIRM_LIMIT": "100000 per minute",
    "CONFIRM_HOLDER_LIMIT": "100000 per minute",
    "HOLDS_PER_ADDRESS": "null",
    "REDRAWS_PER_ADDRESS": "null",
}


def wait_port(address: str, port: int, seconds: float = 30, proc=None, log="") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection((address, port), timeout=0.5).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                break
            time.sleep(0.1)
    raise RuntimeError(f"nothing answers on {address}:{port}\n{log[-3000:]}")


def start_redis(c: Cluster) -> str:
    folder = c.folder / "redis"
    folder.mkdir()
    address = c.address("data")
    proc = c.spawn(
        "redis", "data",
        [REDIS, "--port", str(REDIS_PORT), "--bind", address, "--dir", str(folder),
         "--save", "", "--appendonly", "no", "--protected-mode", "no"],
    )  # fmt: skip
    wait_port(address, REDIS_PORT, proc=proc, log=c.log("redis"))
    return f"redis://{address}:{REDIS_PORT}/0"


def postgres_supported() -> bool:
    """Tell whether this checkout can run on PostgreSQL (psycopg installed, pg binaries)."""
    return importlib.util.find_spec("psycopg") is not None and (PG_BIN / "postgres").exists()


def wait_postgres(c: Cluster, socket_dir: Path, proc, seconds: float = 60) -> None:
    """Wait until the server takes connections: it opens its port before it has finished
    starting, and a connection in between is refused ("the database system is starting up")."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ready = subprocess.run(
            [PG_BIN / "pg_isready", "-q", "-h", socket_dir, "-p", str(PG_PORT)], check=False
        )
        if ready.returncode == 0:
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL did not get ready\n{c.log('postgres')[-3000:]}")


def start_postgres(c: Cluster) -> str:
    """A throw-away PostgreSQL cluster in `data`, trusting the test subnet; return its URL."""
    # pytest's folders are root's alone; the server's user needs a way in to its own.
    base = Path(tempfile.mkdtemp(prefix="kuji-cluster-pg-"))
    c.made.append(("dir", str(base)))
    os.chmod(base, 0o755)  # noqa: S103 (only the data folder inside is the server's)
    data = base / "data"
    data.mkdir()
    shutil.chown(data, "postgres", "postgres")
    subprocess.run(
        ["runuser", "-u", "postgres", "--", PG_BIN / "initdb", "-D", data, "-A", "trust",
         "-U", "postgres", "--locale=C", "-E", "UTF8"],
        check=True, capture_output=True,
    )  # fmt: skip
    with open(data / "pg_hba.conf", "a") as hba:
        hba.write(f"host all all {c.net}.0/24 trust\n")
    address = c.address("data")
    proc = c.spawn(
        "postgres", "data",
        ["runuser", "-u", "postgres", "--", str(PG_BIN / "postgres"), "-D", str(data),
         "-p", str(PG_PORT), "-k", str(data), "-c", f"listen_addresses={address}",
         "-c", "max_connections=200"],
    )  # fmt: skip
    wait_port(address, PG_PORT, proc=proc, log=c.log("postgres"))
    wait_postgres(c, data, proc)
    made = subprocess.run(
        ["runuser", "-u", "postgres", "--", PG_BIN / "createdb", "-h", data, "-p", str(PG_PORT),
         "kuji"],
        capture_output=True, text=True,
    )  # fmt: skip
    if made.returncode:
        raise RuntimeError(f"createdb failed: {made.stderr}\n{c.log('postgres')[-3000:]}")
    return f"postgresql://postgres@{address}:{PG_PORT}/kuji"


def start_database(c: Cluster) -> str:
    """PostgreSQL in `data` where this checkout runs on it, else one SQLite file that the
    app hosts share (namespaces share the file system); return the DATABASE setting."""
    if postgres_supported():
        database = start_postgres(c)
        try:
            create_app({"DATABASE": database, "SECRET_KEY": "x"})
            return database
        except Exception as exc:  # this checkout does not run on PostgreSQL yet
            print(f"\ncluster: PostgreSQL not usable by the app ({exc!r}); SQLite instead")
    return str(c.folder / "kuji.sqlite")


def start_app(c: Cluster, host: str, settings: dict, workers: int = 2):
    """gunicorn with deploy/gunicorn.conf.py on `host`, bound to its own address."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update({f"FLASK_{k}": str(v) for k, v in settings.items()})
    address = c.address(host)
    proc = c.spawn(
        host, host,
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
         "-b", f"{address}:{APP_PORT}", "-w", str(workers)],
        env=env, cwd=ROOT,
    )  # fmt: skip
    wait_port(address, APP_PORT, proc=proc, log=c.log(host))
    return proc


def start_lb(c: Cluster, apps=APPS, workers: int = 1, tweak=None) -> str:
    """nginx running deploy/kuji-hosts.nginx.conf in `lb`, in front of `apps`.

    `tweak`, when given, rewrites the site's text (a benchmark's own additions)."""
    folder = c.folder / "nginx"
    folder.mkdir()
    (folder / "cache").mkdir()
    address = c.address("lb")
    certificate(folder, address)
    conf = _lb_config(c, apps, workers, tweak)
    proc = c.spawn("nginx", "lb", [NGINX, "-p", str(folder), "-c", str(conf)])
    wait_port(address, LB_PORT, proc=proc, log=c.log("nginx") + _text(folder / "error.log"))
    return f"https://{address}:{LB_PORT}"


def reload_lb(c: Cluster, apps=APPS, workers: int = 1, tweak=None) -> None:
    """Point the running nginx at `apps` instead (SIGHUP: new workers, none cut off)."""
    errors = len(_text(c.folder / "nginx" / "error.log"))
    _lb_config(c, apps, workers, tweak)
    c.procs["nginx"].send_signal(signal.SIGHUP)
    time.sleep(1)  # the new workers start; the old ones finish what they have
    refused = _text(c.folder / "nginx" / "error.log")[errors:]
    if "[emerg]" in refused:
        raise RuntimeError(f"nginx kept its old configuration:\n{refused}")


def _lb_config(c: Cluster, apps, workers: int, tweak) -> Path:
    folder = c.folder / "nginx"
    upstreams = [f"{c.address(h)}:{APP_PORT}" for h in apps]
    site = hosts_config(folder, f"{c.address('lb')}:{LB_PORT}", upstreams, workers)
    conf = folder / "nginx.conf"
    conf.write_text(tweak(site) if tweak else site)
    return conf


def _text(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""
