"""Several hosts on one machine: network namespaces on a bridge, each with a CPU quota.

`lb`, `app1`, `app2` and `data` are network namespaces joined by veth pairs to one bridge
in a private subnet that exists only inside this run; the test itself talks to them from
the bridge's own address. Each process joins its host's cgroup (CPU quota and accounting)
before `ip netns exec`, which remounts /sys. Everything is removed on the way out, failed
or not. Needs root (CI has it); `Cluster.available()` says why not where it is missing.
"""

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

HOSTS = {"lb": 2, "app1": 11, "app2": 12, "data": 10}
V1 = Path("/sys/fs/cgroup/cpu")
V1_ACCT = Path("/sys/fs/cgroup/cpuacct")
V2 = Path("/sys/fs/cgroup")
PERIOD_US = 100_000


def _ip(*args, check=True):
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True)


class Cluster:
    def __init__(self, folder: Path, quotas: dict[str, float]):
        self.folder = folder
        self.quotas = quotas
        n = os.getpid() % 100_000
        self.tag = f"kj{n}"
        # A /24 of our own in 10.213.0.0/16, one per run, so two runs never share one.
        self.net = f"10.213.{20 + os.getpid() % 200}"
        self.procs: dict[str, subprocess.Popen] = {}
        self.made: list[tuple[str, str]] = []

    @staticmethod
    def available() -> str | None:
        """Return why namespaces and cgroups cannot be used here, or None."""
        if os.geteuid() != 0:
            return "network namespaces and cgroups need root (sudo)"
        if shutil.which("ip") is None:
            return "iproute2's ip is missing (make test-cluster installs it)"
        if not (V1 / "cpu.cfs_quota_us").exists() and not (V2 / "cgroup.controllers").exists():
            return "no cgroup cpu controller is mounted"
        probe = f"kjprobe{os.getpid() % 100_000}"
        if _ip("netns", "add", probe, check=False).returncode != 0:
            return "ip netns add is not allowed here"
        _ip("netns", "del", probe, check=False)
        return None

    def address(self, host: str) -> str:
        return f"{self.net}.{HOSTS[host]}"

    def ns(self, host: str) -> str:
        return f"{self.tag}-{host}"

    # Setting up and tearing down

    def __enter__(self) -> "Cluster":
        atexit.register(self.down)
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.down()

    def up(self) -> None:
        bridge = f"{self.tag}br"
        _ip("link", "add", bridge, "type", "bridge")
        self.made.append(("link", bridge))
        _ip("addr", "add", f"{self.net}.1/24", "dev", bridge)
        _ip("link", "set", bridge, "up")
        for i, host in enumerate(HOSTS):
            ns, outside, inside = self.ns(host), f"{self.tag}h{i}", f"{self.tag}n{i}"
            _ip("netns", "add", ns)
            self.made.append(("netns", ns))
            _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            self.made.append(("link", outside))
            _ip("link", "set", inside, "netns", ns)
            _ip("link", "set", outside, "master", bridge)
            _ip("link", "set", outside, "up")
            _ip("-n", ns, "addr", "add", f"{self.address(host)}/24", "dev", inside)
            _ip("-n", ns, "link", "set", inside, "up")
            _ip("-n", ns, "link", "set", "lo", "up")
            self._cgroup(host)

    def _cgroup(self, host: str) -> None:
        name = self.ns(host)
        roots = (V1, V1_ACCT) if (V1 / "cpu.cfs_quota_us").exists() else (V2,)
        for root in roots:
            (root / name).mkdir()
            self.made.append(("cgroup", str(root / name)))
        self.set_quota(host, self.quotas.get(host, 1.0))

    def set_quota(self, host: str, cpus: float | None) -> None:
        """Give `host` at most `cpus` cores (None: no limit), at once, running or not."""
        self.quotas[host] = cpus
        quota = -1 if cpus is None else int(cpus * PERIOD_US)
        name = self.ns(host)
        if (V1 / "cpu.cfs_quota_us").exists():
            (V1 / name / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (V1 / name / "cpu.cfs_quota_us").write_text(str(quota))
        else:
            (V2 / name / "cpu.max").write_text(f"{'max' if quota < 0 else quota} {PERIOD_US}")

    def _cgroup_files(self, host: str) -> list[Path]:
        name = self.ns(host)
        if (V1 / "cpu.cfs_quota_us").exists():
            return [V1 / name / "cgroup.procs", V1_ACCT / name / "cgroup.procs"]
        return [V2 / name / "cgroup.procs"]

    def cpu_seconds(self, host: str) -> float:
        """CPU time the host's processes have used, in seconds."""
        name = self.ns(host)
        if (V1_ACCT / name / "cpuacct.usage").exists():
            return int((V1_ACCT / name / "cpuacct.usage").read_text()) / 1e9
        for line in (V2 / name / "cpu.stat").read_text().splitlines():
            key, value = line.split()
            if key == "usage_usec":
                return int(value) / 1e6
        return 0.0

    def down(self) -> None:
        """Stop every process, then remove the namespaces, links and cgroups made."""
        for proc in list(self.procs.values()):
            self._kill(proc, signal.SIGKILL)
        self.procs.clear()
        for kind, name in reversed(self.made):
            if kind == "netns":
                _ip("netns", "del", name, check=False)
            elif kind == "link":
                _ip("link", "del", name, check=False)
            elif kind == "dir":
                shutil.rmtree(name, ignore_errors=True)
            elif kind == "cgroup":
                for _ in range(50):  # a killed process leaves its cgroup a moment later
                    try:
                        os.rmdir(name)
                        break
                    except FileNotFoundError:
                        break
                    except OSError:
                        time.sleep(0.1)
        self.made.clear()

    # Processes

    def spawn(self, name: str, host: str, args: list[str], env=None, cwd=None) -> subprocess.Popen:
        """Start `args` on `host` (its namespace and cgroup), logging to folder/name.log."""
        joins = " && ".join(f"echo $$ > {f}" for f in self._cgroup_files(host))
        script = f'{joins} && exec ip netns exec {self.ns(host)} "$@"'
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        proc = subprocess.Popen(
            ["sh", "-c", script, "sh", *args],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs[name] = proc
        return proc

    def kill(self, name: str, sig=signal.SIGKILL) -> None:
        proc = self.procs.pop(name)
        self._kill(proc, sig)

    @staticmethod
    def _kill(proc: subprocess.Popen, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""
