"""The markdown report of `make bench-cluster` (bench/cluster.py), to paste into the README."""

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from tests.cluster.services import APPS

from . import wrk


@dataclass
class Measured:
    """One wrk run, and the CPU time each host used and was allowed during it."""

    name: str
    scenario: str  # claim, pair or polls (bench/lua)
    setup: str  # "2 × 0.4": app hosts × cores each
    hosts: int  # app hosts behind nginx
    result: wrk.Result
    cpu: dict  # host -> CPU seconds used during the run
    allowed: dict  # host -> cores (None: no quota)
    wall: float  # seconds, wrk's start and end included

    def share(self, host: str) -> float | None:
        """The host's CPU use as a share of its quota over the run, or None with none."""
        cores = self.allowed.get(host)
        return self.cpu[host] / (cores * self.wall) if cores else None

    def app_cpu(self) -> float:
        return sum(self.cpu[h] for h in APPS)

    def app_share(self) -> float | None:
        """The app hosts' CPU use as a share of their quotas, or None without quotas."""
        cores = [self.allowed[h] for h in APPS[: self.hosts]]
        return None if None in cores else self.app_cpu() / (sum(cores) * self.wall)


def rate(m) -> float:
    """Claims answered 303, claim+confirm pairs, or polls answered, per second."""
    r = m.result
    if m.scenario == "claim":
        return r.codes.get("303", 0) / r.seconds
    if m.scenario == "pair":
        return r.units_per_s
    return r.rps


def errors(m) -> int:
    """Answers other than the expected ones, and requests cut off or timed out."""
    r = m.result
    if m.scenario == "polls":
        wrong = r.http_errors
    else:
        wrong = sum(n for code, n in r.codes.items() if not code.endswith("303"))
    return wrong + r.socket_errors + r.timeouts


def per_cpu(m) -> str:
    """Requests (or pairs) per CPU-second of the app hosts."""
    used = m.app_cpu()
    done = rate(m) * m.result.seconds
    return f"{done / used:,.0f}" if used else "—"


def pct(share) -> str:
    return "no quota" if share is None else f"{share:.0%}"


def times(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "—"


def markdown(b, kill: dict, elapsed: float, before, after, c) -> str:
    """The whole report: setup, scaling, cached polls, one campaign, failover; `c` holds
    the run's settings (bench/cluster.py's constants)."""
    runs = b.runs
    day = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "## Several hosts on one machine (`make bench-cluster`)",
        "",
        f"{day}; {os.cpu_count()} cores; load average {before[0]:.1f} before,"
        f" {after[0]:.1f} after; {elapsed:.0f} s in all. Hosts are network namespaces with"
        f" CPU quotas: an app host {c.APP_CPU:g} cores ({c.WORKERS} gunicorn sync workers),"
        f" `lb` {c.LB_CPU:g} ({c.POLL_LB_CPU:g} for cached polls), `data` {c.DATA_CPU:g}"
        f" (PostgreSQL and Redis). wrk loads nginx over TLS from the bridge:"
        f" {c.CONNECTIONS} connections for claims, {c.POLL_CONNECTIONS} for polls,"
        f" {c.SECONDS:g} s a run.",
        "",
        "### Scaling at a fixed CPU quota per app host",
        "",
        "| load | app hosts × cores | per second | p99 ms | errors | per app CPU-second"
        " | app hosts' CPU | `lb` CPU | `data` CPU |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    scaling = ("claims, 1 host", "claims, 2 hosts", "claims, 2 halves")
    scaling += ("polls, 1 host", "polls, 2 hosts", "polls, 2 halves")
    for name in scaling:
        m = runs[name]
        load = "claims" if m.scenario == "claim" else "polls, nothing new, uncached"
        out.append(
            f"| {load} | {m.setup} | {rate(m):,.0f} | {m.result.p99:,.0f} | {errors(m)}"
            f" | {per_cpu(m)} | {pct(m.app_share())} of quota | {pct(m.share('lb'))}"
            f" | {pct(m.share('data'))} |"
        )
    high = {h: max(runs[n].share(h) for n in scaling) for h in ("lb", "data")}
    low = min(runs[n].app_share() for n in scaling)
    out += [
        "",
        f"- Two hosts ÷ one: claims {times(rate(runs[scaling[1]]), rate(runs[scaling[0]]))},"
        f" polls {times(rate(runs[scaling[4]]), rate(runs[scaling[3]]))} (aim: at least 1.8×).",
        f"- Two hosts at half the quota ÷ one at the whole: claims"
        f" {times(rate(runs[scaling[2]]), rate(runs[scaling[0]]))}, polls"
        f" {times(rate(runs[scaling[5]]), rate(runs[scaling[3]]))} (aim: at least 0.9×).",
        f"- `lb` and `data` at most {high['lb']:.0%} and {high['data']:.0%} of their quotas"
        f" ({'below' if max(high.values()) < 0.7 else 'NOT below'} 70 %: the app hosts"
        f" {'were' if max(high.values()) < 0.7 else 'may not have been'} the limit).",
    ]
    if low < 0.8:
        out.append(
            f"- The app hosts used as little as {low:.0%} of their quotas: other work on the"
            " machine (or waiting on `data`), not the quotas, set these rates: compare them on"
            " an idle machine."
        )
    out += [
        "",
        "### Polls at the load balancer (nginx's 1-second cache, as deployed)",
        "",
    ]
    m = runs["polls, cached"]
    seen = b.reached
    keys = c.PAGES * len(c.LANGUAGES)
    top = max(seen.values(), default=0) / m.wall
    mean = sum(seen.values()) / keys / m.wall
    per_lb = f"{rate(m) * m.result.seconds / m.cpu['lb']:,.0f}" if m.cpu["lb"] else "—"
    out += [
        "| polls/s at `lb` | p50 ms | p99 ms | errors | `lb` CPU | polls per `lb` CPU-second"
        " | reaching the app hosts, per second per page and language (highest, mean) |",
        "|--:|--:|--:|--:|--:|--:|--:|",
        f"| {rate(m):,.0f} | {m.result.p50:.1f} | {m.result.p99:.1f} | {errors(m)}"
        f" | {pct(m.share('lb'))} | {per_lb}"
        f" | {top:.1f}, {mean:.1f} ({c.PAGES} pages × {len(c.LANGUAGES)} languages) |",
        "",
        f"One poll in {c.PAGES + 1} is a version {c.CHANGES} changes behind (a 200 with the"
        " changes), the others find nothing new (204).",
        "",
        "### Claims on one campaign",
        "",
        "| | app hosts × cores | per second | p99 ms | errors |",
        "|---|---|--:|--:|--:|",
    ]
    for name, what in (
        ("claims, 2 hosts", "claims"),
        ("pairs", "claim + confirm pairs"),
        ("claims, one, no quota", "claims"),
        ("pairs, no quota", "claim + confirm pairs"),
    ):
        m = runs[name]
        out.append(f"| {what} | {m.setup} | {rate(m):,.0f} | {m.result.p99:,.0f} | {errors(m)} |")
    out += [
        "",
        "Without quotas the hosts share the whole machine with wrk: those rows are what one"
        " campaign gets from it.",
        "",
        f"One campaign's claims take turns on its row lock; spread over {c.SPREAD} campaigns"
        " they do not. Where both rates agree, the lock is not what limits:",
        "",
        f"| app hosts × cores | claims/s, one campaign | over {c.SPREAD} campaigns"
        " | spread ÷ one |",
        "|---|--:|--:|--:|",
    ]
    for one, spread in (
        ("claims, 2 hosts", "claims, spread"),
        ("claims, one, no quota", "claims, spread, no quota"),
    ):
        a, s = runs[one], runs[spread]
        out.append(f"| {a.setup} | {rate(a):,.0f} | {rate(s):,.0f} | {times(rate(s), rate(a))} |")
    failed = ", ".join(f"{n} {what}" for what, n in sorted(kill["failed"].items())) or "none"
    out += [
        "",
        "### Failover: app2 killed with SIGKILL under load, then started again",
        "",
        "| confirmations acknowledged | lost | issued twice | requests that failed"
        " | failed later than 3 s after the kill | app2 away |",
        "|--:|--:|--:|--:|--:|--:|",
        f"| {kill['acknowledged']:,} ({kill['at kill']} before the kill) | {kill['lost']}"
        f" | {kill['double']} | {sum(kill['failed'].values())} ({failed})"
        f" | {kill['late']} | {kill['down']:.0f} s |",
        "",
    ]
    if kill["odd"]:
        out += [f"Unexpected answers during failover: {kill['odd']}", ""]
    return "\n".join(out)
