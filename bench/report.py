"""Turn a run's results into README-ready markdown, with each target marked met or not."""

import os
import platform
import re
import subprocess
from datetime import UTC, datetime

from . import bare, draws, versus
from .wrk import Result

CHANGES = 20


def markdown(bench, elapsed: float, load_before, load_after, seconds: float) -> str:
    """Return the whole results.md text."""
    lines = ["# Kuji benchmark", "", *machine(elapsed, load_before, load_after, seconds), ""]
    if bench.versus or bench.bare:
        lines += ["## Kuji against the bare stack (Flask + Flask-WTF, the same work)", ""]
        lines += bare_tables(bench)
        lines += [""]
    lines += ["## Requests (SQLite `synchronous=FULL`, the default)", ""]
    lines += table(bench, "FULL")
    if bench.render:
        lines += ["", "## Full board page: time per tile (one connection, nothing else from wrk)"]
        lines += ["", *render_table(bench)]
    lines += ["", "## Claims: `synchronous=FULL` against `NORMAL`", ""]
    lines += sync_table(bench)
    if any(k[0] == "PG" for k in bench.results):
        lines += ["", "## Claims on PostgreSQL next to SQLite (same run)", ""]
        lines += [
            f"PostgreSQL: {bench.postgres_note}. The same gunicorn settings, terminals and"
            " scripts as SQLite's runs, on a board of"
            f" {bench.claim_tiles:,} tiles of its own per run; claim+confirm in pairs/s.",
            "",
        ]
        lines += engine_table(bench)
    if bench.draw_costs:
        lines += ["", "## Draws: 100 against 100,000 sheets (in-process, no HTTP)", ""]
        lines += [
            f"`claims.hold()`, median µs of {bench.draw_costs.count:,} draws per cell,"
            " each draw given back untimed so the pool keeps its size:",
            "",
            *draws.lines(bench.draw_costs),
        ]
    lines += ["", "## Targets", ""]
    lines += targets(bench)
    lines += ["", *notes(bench.claim_tiles)]
    return "\n".join(lines) + "\n"


def machine(elapsed, load_before, load_after, seconds) -> list[str]:
    with open("/proc/cpuinfo") as f:
        models = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
    cpu = models[0] if models else platform.processor() or "unknown"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return [
        f"- Machine: {nproc} cores (`nproc`), {cpu}; Python {platform.python_version()}",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; whole run {elapsed:.0f} s,"
        f" {seconds:g} s per measurement",
        f"- Command: `{command()}` (`.venv/bin/python -m bench.run`)",
        "- Server: gunicorn `-k sync -w 2 --no-control-socket` on 127.0.0.1, production settings"
        " except `CLAIM_LIMIT` and `CONFIRM_LIMIT=1000000 per minute`"
        " (every connection comes from one address)",
        f"- Load generator: {version.split(' Copyright')[0]}, 2 threads"
        " (claim+confirm: one thread per connection), on the same 2 cores",
        f"- Load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f}:"
        " anything else running on the machine skews the figures",
    ]


def command() -> str:
    """Return the make command that gives this run's settings (the URL's password left out)."""
    settings = [
        f"{name}={os.environ[name]}"
        for name in (
            "BENCH_ONLY",
            "BENCH_SECONDS",
            "BENCH_TERMINALS",
            "BENCH_CONNECTIONS",
            "BENCH_TILES",
        )
        if os.environ.get(name)
    ]
    if os.environ.get("BENCH_POSTGRES", "") not in ("", "0"):
        return " ".join(["make bench-pg", *settings])
    database = os.environ.get("DATABASE", "")
    if database.startswith(("postgresql://", "postgres://")):
        settings.append("DATABASE=" + re.sub(r"//([^:@/]*):[^@/]*@", r"//\1:…@", database))
    return " ".join(["make bench", *settings])


# Kuji's request: (the bare request it is divided by, its in-process row in bench.versus)
BOOKED = bare.BOOKED_OVER_HTTP
AGAINST = {
    "healthz": ("healthz", "healthz"),
    "claim": ("claim", "claim, bare with the same bookkeeping" if BOOKED else "claim"),
    "claim+confirm": (
        "claim+confirm",
        "pair, bare with the same bookkeeping" if BOOKED else "claim+confirm pair",
    ),
    "poll, no change": ("healthz", "poll, no change"),
}
TARGETS = {"healthz": 1.5, "claim": 1.5, "claim+confirm": 1.6, "poll, no change": 0.2}


def over_http(bench, sync="FULL") -> dict:
    """Return {(Kuji's name, conns): Kuji's cost ÷ the bare stack's} from the wrk runs."""
    found = {}
    for (s, name, c), r in bench.results.items():
        against = AGAINST.get(name)
        base = bench.bare.get((s, against[0], c)) if against else None
        if s == sync and base and rate(name, r):
            found[(name, c)] = rate(against[0], base) / rate(name, r)
    return found


def bare_tables(bench) -> list[str]:
    out = []
    if bench.versus:
        out += [
            "In-process, CPU µs per request (best of 15 rounds, the two apps taking turns;"
            " Kuji's request log written to /dev/null):",
            "",
            *versus.lines(bench.versus),
            "",
        ]
    if not bench.bare:
        return out
    inproc = {r.name: r.ratio for r in bench.versus}
    out += [
        "Over HTTP (gunicorn `-k sync -w 2` for both, wrk on the same cores; cost ratio ="
        " the bare stack's rate ÷ Kuji's; claim+confirm in pairs/s"
        + ("; the bare claims keep Kuji's books):" if BOOKED else "):"),
        "",
        "| request | conns | bare /s | Kuji /s | Kuji ÷ bare | in-process | target | met |",
        "|---|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for (name, c), cost in over_http(bench).items():
        against, own = AGAINST[name]
        base, r = bench.bare[("FULL", against, c)], bench.results[("FULL", name, c)]
        label = name if against == name else f"{name} (÷ bare {against})"
        ip = inproc.get(own)
        out.append(
            f"| {label} | {c} | {rate(against, base):,.0f} | {rate(name, r):,.0f} |"
            f" {cost:.2f}× | {f'{ip:.2f}×' if ip else '—'} | ≤ {TARGETS[name]}× |"
            f" {'yes' if cost <= TARGETS[name] * 1.1 else '**no**'} |"
        )
    for (s, name, c), r in bench.bare.items():
        if name == "post" and s == "FULL":
            out.append(
                f"| bare POST with session + CSRF → 303 | {c} | {r.rps:,.0f} | — | — | — | — | |"
            )
    return out


def rate(name: str, r: Result) -> float:
    """Return pairs per second for claim+confirm, requests per second otherwise."""
    return r.units_per_s if name == "claim+confirm" else r.rps


def ratio(bench, key) -> float:
    """Return a measurement's rate over that of the /healthz run just before it."""
    base = bench.baselines.get(key)
    return rate(key[1], bench.results[key]) / base.rps if base else 1.0


def errors(name: str, r: Result) -> str:
    """Count failures: socket errors, timeouts, HTTP >= 400, and non-303 claims/confirms."""
    bad = r.socket_errors + r.timeouts
    if name.startswith("claim"):
        bad += sum(n for code, n in r.codes.items() if not code.endswith("303"))
    else:
        bad += r.http_errors
    return f"{bad:,}" + (" (used up its terminals early)" if r.exhausted else "")


def table(bench, sync: str) -> list[str]:
    out = [
        "| measurement | conns | rate /s | /healthz before | × /healthz | p50 ms | p99 ms"
        " | bytes/answer | errors | load |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for key, r in bench.results.items():
        s, name, c = key
        if s != sync or c == 1:
            continue
        base = bench.baselines.get(key)
        label = f"{name} (pairs/s)" if name == "claim+confirm" else name
        out.append(
            f"| {label} | {c} | {rate(name, r):,.0f} | {f'{base.rps:,.0f}' if base else '—'} |"
            f" {ratio(bench, key):.2f} | {r.p50:,.1f} | {r.p99:,.1f} |"
            f" {r.bytes_per_response:,.0f} | {errors(name, r)} | {r.load:.1f} |"
        )
    return out


def slopes(bench) -> list[tuple[str, float]]:
    """Return the extra time per extra tile between consecutive board sizes, in µs."""
    sizes = sorted(bench.render)
    return [
        (f"{a:,} → {b:,}", (bench.render[b] - bench.render[a]) * 1000 / (b - a))
        for a, b in zip(sizes, sizes[1:], strict=False)
    ]


def render_table(bench) -> list[str]:
    out = ["| tiles | page bytes | median ms | µs per tile |", "|--:|--:|--:|--:|"]
    for tiles, ms in sorted(bench.render.items()):
        _, head, body = bench.sizes[f"page {tiles:,} tiles"]
        out.append(f"| {tiles:,} | {head + body:,} | {ms:,.1f} | {ms * 1000 / tiles:,.2f} |")
    out += ["", "Extra time per extra tile (the fixed cost of a request cancels out):", ""]
    out += [f"- {span}: {us:.2f} µs per tile" for span, us in slopes(bench)]
    return out


def engine_table(bench) -> list[str]:
    """Claims/s and claim+confirm pairs/s on SQLite (FULL, NORMAL) and PostgreSQL."""
    lines = [
        "| measurement | conns | SQLite FULL /s | SQLite NORMAL /s | PostgreSQL /s | PG p99 ms |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for name in ("claim", "claim+confirm"):
        for c in sorted({c for (s, n, c) in bench.results if s == "PG" and n == name}):
            got = [bench.results.get((s, name, c)) for s in ("FULL", "NORMAL", "PG")]
            if got[2] is None:
                continue
            rates = [f"{rate(name, r):.0f}" if r else "" for r in got]
            lines.append(f"| {name} | {c} | {' | '.join(rates)} | {got[2].p99:.1f} |")
    return lines


def sync_table(bench) -> list[str]:
    out = [
        "| measurement | conns | FULL /s | FULL × | FULL p99 ms | NORMAL /s | NORMAL × |"
        " NORMAL p99 ms |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name in ("claim", "claim+confirm"):
        for c in sorted({c for (_, n, c) in bench.results if n == name}):
            full, normal = (("FULL", name, c), ("NORMAL", name, c))
            if not (full in bench.results and normal in bench.results):
                continue
            f, n = bench.results[full], bench.results[normal]
            out.append(
                f"| {name}{' (pairs)' if name != 'claim' else ''} | {c} |"
                f" {rate(name, f):,.0f} | {ratio(bench, full):.2f} | {f.p99:,.1f} |"
                f" {rate(name, n):,.0f} | {ratio(bench, normal):.2f} | {n.p99:,.1f} |"
            )
    return out


def targets(bench) -> list[str]:
    out = ["| target | measured | met |", "|---|---|:-:|"]

    def row(target, measured: str, ok: bool):
        out.append(f"| {target} | {measured} | {'yes' if ok else '**no**'} |")

    for r in bench.versus:
        if r.met is not None:
            row(
                f"{r.name} ≤ {r.target}× the bare {r.against} (in-process CPU)",
                f"{r.ratio:.2f}× ({r.kuji[1]:,.0f} ÷ {r.bare[1]:,.0f} µs)",
                r.met,
            )
    for (name, c), cost in over_http(bench).items():
        row(
            f"{name} ≤ {TARGETS[name]}× the bare {AGAINST[name][0]} over HTTP (+10 %), {c} conns",
            f"{cost:.2f}×",
            cost <= TARGETS[name] * 1.1,
        )
    limit = 200 + 100 * CHANGES
    for board in ("", ", 100k board"):
        if f"poll after {CHANGES} changes{board}" not in bench.sizes:
            continue
        _, head, body = bench.sizes[f"poll after {CHANGES} changes{board}"]
        row(
            f"poll after {CHANGES} changes{board} ≤ {limit:,} bytes (200 + 100 per change)",
            f"{head + body:,} bytes ({head} headers + {body:,} body)",
            head + body <= limit,
        )
    for sync in ("FULL", "NORMAL"):
        r = bench.results.get((sync, "claim", 256))
        if r:
            row(f"claim p99 at 256 < 150 ms ({sync})", f"{r.p99:,.1f} ms", r.p99 < 150)
    d = bench.draw_costs
    if d:
        for mode in draws.MODES:
            row(
                f"a draw from 100,000 sheets ≤ {draws.LIMIT}× one from 100 ({mode})",
                f"{d.ratio(mode):.2f}×",
                d.ratio(mode) <= draws.LIMIT,
            )
    spans = slopes(bench)
    if len(spans) == 2:
        (_, a), (_, b) = spans
        row(
            "time per tile constant ±30 % (100 → 100,000 tiles)",
            f"{a:.2f} then {b:.2f} µs per extra tile ({b / a - 1:+.0%})",
            abs(b / a - 1) <= 0.3,
        )
    page = bench.render.get(10_000)
    if page is not None:
        loaded = bench.results.get(("FULL", "page 10,000 tiles", 64))
        extra = f"; p50 {loaded.p50:,.0f} ms at 64 connections" if loaded else ""
        row("10,000-tile page under 250 ms", f"{page:,.1f} ms alone{extra}", page < 250)
    return out


def notes(claim_tiles: int) -> list[str]:
    return [
        "Notes:",
        "",
        "- `× /healthz` divides by the rate of a GET /healthz run made just before, with the"
        " same connections on the same server; for claim+confirm the rate is pairs per second.",
        "- bytes/answer is what wrk read per response: status line, headers and body.",
        "- load: the machine's 1-minute load average just after the measurement; wrk and the"
        " server alone account for about 2 when the server is saturated.",
        "- Polls send `HX-Request: true` as htmx does. The no-change poll and the poll after"
        " 20 changes use a 10,000-tile board; the `100k board` poll uses the 100,000-tile one.",
        "- claim: every request comes from a terminal of its own (a `session` cookie and CSRF"
        " token made beforehand by GETting a board page, as a browser would) and picks a tile"
        f" no request picked before, on a fresh {claim_tiles:,}-tile board per run; a success"
        " is a 303, anything else is an error.",
        "- claim+confirm: each connection is one terminal at a time; it claims, then confirms"
        " with the `kuji_<slug>` cookie from that claim and a name, address, phone and e-mail"
        " unique to it. One unit is a claim answered 303 followed by a confirm answered 303;"
        " p50/p99 are per request (claims and confirms together).",
        "- wrk keeps every connection busy (a closed loop), so latency ≈ connections ÷ rate:"
        " a p99 under 150 ms at 256 connections needs about 1,700 answers per second.",
        "- Sync gunicorn workers close the connection after each answer, so wrk reconnects for"
        " every request.",
    ]
