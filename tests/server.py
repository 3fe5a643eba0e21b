"""Start Kuji for real: gunicorn in its own process group on a free 127.0.0.1 port."""

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    port: int
    db_path: Path
    env: dict
    args: list
    proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90) -> None:
        """Start gunicorn and wait until /healthz answers (a loaded 2-core CI box takes ~30 s)."""
        self.proc = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def make_server(
    db_path: Path, workers: int = 2, threads: int = 1, clock: Path | None = None, **settings
) -> Server:
    """Describe a gunicorn server over db_path; settings become FLASK_* variables.

    With `clock` (a file), the server's time is tests.live_wsgi.LiveClock(clock): the test
    moves it on instead of waiting.
    """
    port = free_port()
    env = {**os.environ, "FLASK_DATABASE": str(db_path), "FLASK_SECRET_KEY": "live-test-secret"}
    if clock is not None:
        env["KUJI_TEST_CLOCK"] = str(clock)
    # Links in mail point at this very server, unless a test says otherwise.
    env.setdefault("FLASK_PUBLIC_URL", f"http://127.0.0.1:{port}")
    env.update({f"FLASK_{k}": str(v) for k, v in settings.items()})
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "-w",
        str(workers),
        "--threads",
        str(threads),
        "-b",
        f"127.0.0.1:{port}",
        "tests.live_wsgi:app" if clock is not None else "wsgi:app",
    ]
    return Server(f"http://127.0.0.1:{port}", port, db_path, env, args)


@contextmanager
def serve(db_path: Path, **kwargs):
    """Run a server for the length of a with-block."""
    server = make_server(db_path, **kwargs)
    server.start()
    try:
        yield server
    finally:
        server.stop()


EXPORT_HEADER = [
    "issue_no",
    "name",
    "postal_code",
    "address",
    "phone",
    "email",
    "coupon",
    "confirmed_at",
]


def export(db_path: Path, slug: str) -> list[dict]:
    """Run `flask campaign export SLUG` as an operator would script it; return the rows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    env.update(FLASK_DATABASE=str(db_path), FLASK_SECRET_KEY="x")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "campaign", "export", slug],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    reader = csv.DictReader(io.StringIO(done.stdout))
    # An invitation campaign's export also names each row's candidate.
    assert reader.fieldnames in (EXPORT_HEADER, [*EXPORT_HEADER, "candidate_id"])
    return list(reader)
