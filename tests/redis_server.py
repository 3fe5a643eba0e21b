"""A throw-away redis-server on a free port, in a temporary folder, that keeps nothing."""

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.server import free_port

REDIS = shutil.which("redis-server") or (
    "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
)


class RedisServer:
    def __init__(self, folder: Path, bind: str = "127.0.0.1", port: int | None = None):
        self.folder, self.bind, self.port = folder, bind, port or free_port()
        self.url = f"redis://{bind}:{self.port}/0"
        self.proc = None

    def start(self, wrap: list[str] | None = None) -> "RedisServer":
        args = [
            REDIS, "--port", str(self.port), "--bind", self.bind, "--dir", str(self.folder),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no",
            "--logfile", str(self.folder / "redis.log"),
        ]  # fmt: skip
        self.proc = subprocess.Popen([*(wrap or []), *args], start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"redis-server did not start: {self.folder / 'redis.log'}")

    def ping(self) -> bool:
        try:
            with socket.create_connection((self.bind, self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
