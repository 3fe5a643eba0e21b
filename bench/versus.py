"""Kuji against the bare stack, in-process: `python -m bench.versus`.

The same requests through each WSGI app (no HTTP server), CPU µs per request (process time,
which other work on the machine moves less than wall time), the best of 15 short rounds that
take turns, so a busy spell slows both alike (5 longer rounds moved the ratios by a third
from run to run on a shared machine, 15 short ones by about a tenth). Kuji runs with its
production settings and its request log lines written to /dev/null, as a server writes them
to a file.
"""

import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import bare, prepare
from .inproc import LIFTED, SECRET, Tiles, call, claimer, compare, confirmer, make_app, terminals

ROUNDS = 15
CLAIMS = 10_000
# row: (Kuji's request, its target as a multiple of the bare figure, the bare request it is
# divided by). "booked": the bare stack with the same bookkeeping (bench/bare.py).
CASES = {
    "healthz": ("healthz", 1.5, "healthz"),
    "POST with session + CSRF → 303": (None, None, "post"),
    "claim": ("claim", None, "claim"),
    "claim, bare with the same bookkeeping": ("claim", 1.5, "booked claim"),
    "claim+confirm pair": ("claim+confirm pair", None, "claim+confirm pair"),
    "pair, bare with the same bookkeeping": ("claim+confirm pair", 1.6, "booked pair"),
    "poll, no change": ("poll, no change", 0.2, "healthz"),
}
CALLS = {
    "healthz": 700,
    "post": 170,
    "claim": 70,
    "claim+confirm pair": 35,
    "booked claim": 70,
    "booked pair": 35,
    "poll, no change": 700,
}


@dataclass
class Row:
    """One request: CPU and wall µs for Kuji (None when Kuji has no such request) and bare."""

    name: str
    kuji: tuple[float, float] | None
    bare: tuple[float, float]
    target: float | None
    against: str  # the bare request Kuji's figure is divided by

    @property
    def ratio(self) -> float | None:
        return self.kuji[1] / self.bare[1] if self.kuji else None

    @property
    def met(self) -> bool | None:
        return None if self.target is None or self.ratio is None else self.ratio <= self.target


def measure(work: Path, rounds: int = ROUNDS) -> list[Row]:
    """Time both apps on fresh databases in `work`; return one Row per request."""
    kuji_db, bare_db = work / "versus-kuji.sqlite", work / "versus-bare.sqlite"
    books_db = work / "versus-booked.sqlite"
    prepare.create_campaigns(kuji_db, SECRET, {"terminals": 4, "poll": 1_000, "claims": CLAIMS})
    version = prepare.claim_tiles(kuji_db, SECRET, "poll", 0)
    bare.lay_out(str(bare_db), {"claims": CLAIMS})
    bare.lay_out(str(books_db), {"claims": CLAIMS})
    kuji = make_app(kuji_db, **LIFTED)
    lean = bare.create_app(str(bare_db), SECRET, "FULL")
    booked = bare.create_app(str(books_db), SECRET, "FULL", bookkeeping=True)
    # Terminals for every claim timed, plus the warm-up's.
    needed = (CALLS["claim"] + CALLS["claim+confirm pair"]) * rounds + 20
    kuji_terms, bare_terms = terminals(kuji, needed), terminals(lean, needed)
    books_terms, books_tile = terminals(booked, needed), Tiles()
    cookie, token = next(bare_terms)
    form = f"csrf_token={token}".encode()
    kuji_tile, bare_tile = Tiles(), Tiles()

    def get(app, path, headers=None, want="200"):
        def run():
            status, _, _ = call(app, "GET", path, headers)
            assert status.startswith(want), (path, status)

        return run

    def post():
        status, _, _ = call(lean, "POST", "/c/x/post", {"Cookie": f"session={cookie}"}, form)
        assert status.startswith("303"), status

    fns = {
        ("kuji", "healthz"): get(kuji, "/healthz"),
        ("bare", "healthz"): get(lean, "/healthz"),
        ("bare", "post"): post,
        ("kuji", "claim"): claimer(kuji, kuji_terms, kuji_tile, "claims"),
        ("bare", "claim"): claimer(lean, bare_terms, bare_tile, "claims"),
        ("kuji", "claim+confirm pair"): confirmer(kuji, kuji_terms, kuji_tile, "claims"),
        ("bare", "claim+confirm pair"): confirmer(lean, bare_terms, bare_tile, "claims"),
        ("bare", "booked claim"): claimer(booked, books_terms, books_tile, "claims"),
        ("bare", "booked pair"): confirmer(booked, books_terms, books_tile, "claims"),
        ("kuji", "poll, no change"): get(
            kuji, f"/c/poll/tiles?v={version}", {"HX-Request": "true"}, "204"
        ),
    }
    for fn in fns.values():  # warm up: templates compiled, connections opened
        for _ in range(2):
            fn()
    best = compare("", {key: (fn, CALLS[key[1]]) for key, fn in fns.items()}, rounds=rounds)
    rows = []
    for name, (own, target, against) in CASES.items():
        rows.append(Row(name, best.get(("kuji", own)), best[("bare", against)], target, against))
    return rows


def lines(rows: list[Row]) -> list[str]:
    """Return the markdown table of a measure()."""
    out = [
        "| request | bare CPU µs | Kuji CPU µs | Kuji ÷ bare | target | met |",
        "|---|--:|--:|--:|--:|:-:|",
    ]
    for r in rows:
        bare_label = f"{r.bare[1]:,.0f}" + (
            f" ({r.against})" if r.against == "healthz" and r.name != "healthz" else ""
        )
        kuji = f"{r.kuji[1]:,.0f}" if r.kuji else "—"
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        target = f"≤ {r.target}×" if r.target else "—"
        met = {None: "", True: "yes", False: "**no**"}[r.met]
        out.append(f"| {r.name} | {bare_label} | {kuji} | {ratio} | {target} | {met} |")
    return out


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kuji-versus-") as tmp:
        rows = measure(Path(tmp))
    print("\n".join(lines(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
