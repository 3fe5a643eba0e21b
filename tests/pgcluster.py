"""A throw-away PostgreSQL cluster for the tests: one per test process, a database per test.

Debian's binaries (the `postgresql` package, which `make test` installs). As root, initdb
and the server refuse to run, so they run as the `postgres` user on a data directory it
owns. The cluster listens on 127.0.0.1 and a free port; it never syncs to disk (a test
database need not survive a power cut) and is deleted when the process ends. The
benchmark's cluster (durable=True) keeps PostgreSQL's own defaults instead: every commit
that asks for it waits for the disk, as SQLite's FULL does.
"""

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("KUJI_PG_BIN", "/usr/lib/postgresql/15/bin"))
_names = itertools.count(1)


def available() -> bool:
    """Tell whether the PostgreSQL server binaries are installed."""
    return (BIN / "pg_ctl").exists() and (BIN / "initdb").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL server in a temporary directory, stopped and deleted by stop()."""

    def __init__(self, durable: bool = False):
        # The parent must be readable by `postgres`; mkdtemp makes it 0700 and ours.
        self.root = Path(tempfile.mkdtemp(prefix="kuji-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.port = free_port()
        self.as_server: list[str] = []
        if os.getuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            self.as_server = ["runuser", "-u", "postgres", "--"]
        self._run(
            "initdb", "-D", self.data, "-A", "trust", "-U", "postgres",
            "--locale=C", "-E", "UTF8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=300"
        if not durable:
            options += " -c fsync=off -c full_page_writes=off -c shared_buffers=32MB"
        self._run("pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", options, "-w", "start")
        self.templates: dict[str, str] = {}

    def _run(self, tool: str, *args) -> None:
        cmd = [*self.as_server, str(BIN / tool), *map(str, args)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode:
            log = self.root / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}{tail}")

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def sql(self, statement: str) -> None:
        """Run one statement in the maintenance database (CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(statement)

    def create(self, template: str | None = None) -> str:
        """Create an empty database (or a copy of `template`); return its URL."""
        name = f"kuji_{os.getpid()}_{next(_names)}"
        copy = f" TEMPLATE {template}" if template else ""
        for attempt in range(50):
            try:
                self.sql(f"CREATE DATABASE {name}{copy}")
                break
            except Exception as exc:  # the template still has a closing connection
                if "being accessed by other users" not in str(exc) or attempt == 49:
                    raise
                time.sleep(0.1)
        return self.url(name)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
