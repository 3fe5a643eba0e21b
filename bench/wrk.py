"""Drive a server with wrk: install it when missing, run a Lua scenario, read its JSON line."""

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).resolve().parent / "lua"


def ensure_wrk() -> str:
    """Return the path of wrk, installing Debian's package first when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("wrk is missing: installing Debian's package", flush=True)
    if subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"]).returncode != 0:
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True)
        subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is still missing after apt-get install wrk")
    return found


@dataclass
class Result:
    """One wrk run: rates in requests per second, latencies in milliseconds."""

    requests: int
    seconds: float
    bytes: int
    units: int
    p50: float
    p90: float
    p99: float
    mean: float
    max: float
    socket_errors: int
    timeouts: int
    http_errors: int
    exhausted: int  # threads that used up their terminals or tiles before the time was up
    codes: dict[str, int]
    load: float = 0.0  # the machine's 1-minute load average just after the run

    @property
    def counted(self) -> int:
        """Answers the script checked (claims, confirms), or every answer for plain GETs."""
        return sum(self.codes.values()) if self.codes else self.requests

    @property
    def rps(self) -> float:
        return self.counted / self.seconds

    @property
    def units_per_s(self) -> float:
        return self.units / self.seconds

    @property
    def bytes_per_response(self) -> float:
        return self.bytes / self.requests if self.requests else 0.0


def script(scenario: str, workdir: Path) -> Path:
    """Write the shared Lua, the scenario and the timing wrappers into one file for wrk."""
    names = ("common.lua", "terminals.lua", f"{scenario}.lua", "timing.lua")
    parts = [(LUA / name).read_text() for name in names]
    path = workdir / f"{scenario}.lua"
    path.write_text("\n".join(parts))
    return path


def run(
    url: str,
    scenario: str,
    connections: int,
    seconds: float,
    workdir: Path,
    threads: int = 2,
    headers: tuple[str, ...] = (),
    args: tuple = (),
    timeout: int = 30,
) -> Result:
    """Run one wrk measurement and return what its done() printed."""
    cmd = [
        ensure_wrk(),
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(seconds))}s",
        "--timeout",
        f"{timeout}s",
        "-s",
        str(script(scenario, workdir)),
    ]
    for header in headers:
        cmd += ["-H", header]
    cmd.append(url)
    if args:
        cmd += ["--", *map(str, args)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout + 30)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")
    data = json.loads(line[len("BENCH ") :])
    # Threads that ran out of work stopped early; wrk still divides by the whole duration.
    span = data["span_us"] if data["exhausted"] and data["span_us"] > 0 else data["duration_us"]
    return Result(
        requests=data["requests"],
        seconds=span / 1e6,
        bytes=data["bytes"],
        units=data["units"],
        p50=data["p50_us"] / 1000,
        p90=data["p90_us"] / 1000,
        p99=data["p99_us"] / 1000,
        mean=data["mean_us"] / 1000,
        max=data["max_us"] / 1000,
        socket_errors=data["connect"] + data["read"] + data["write"],
        timeouts=data["timeout"],
        http_errors=data["status"],
        exhausted=data["exhausted"],
        codes=data["codes"],
    )
