"""Does a draw cost the same from 100 sheets as from 100,000? `python -m bench.draws`.

Times `claims.hold()` in-process, as a claim or a Draw button runs it, on a 100-sheet and a
100,000-sheet campaign of each mode: the board (`pick`, a tile chosen at random) and the
speed lottery (`next`). Every timed draw is given back untimed (`claims.cancel`), so each
pool stays at its size, and a new holder makes every draw. The sizes take turns in short
blocks, so a busy machine slows them alike; each figure is the median of many draws.
"""

import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app import create_app
from app.store import campaigns, claims, get_db
from tests.factories import make_campaign

from .prepare import prizes

SIZES = (100, 100_000)
MODES = ("board", "speed")
LIMIT = 1.2  # the target: a draw from the big pool costs at most 1.2× one from the small


@dataclass
class Draws:
    """Median µs per hold() by (mode, sheets), and the big-to-small ratio per mode."""

    median: dict
    count: int

    def ratio(self, mode: str) -> float:
        return self.median[(mode, SIZES[-1])] / self.median[(mode, SIZES[0])]

    def met(self) -> bool:
        return all(self.ratio(mode) <= LIMIT for mode in MODES)


def measure(db_path: Path, secret: str, blocks: int = 40, per_block: int = 50) -> Draws:
    """Time blocks × per_block draws on each campaign; return the medians."""
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": secret})
    now = datetime.now(UTC)
    for mode in MODES:
        for sheets in SIZES:
            make_campaign(
                app,
                slug=f"draw-{mode}-{sheets}",
                prizes=prizes(sheets),
                mode=mode,
                opens=now - timedelta(hours=1),
                closes=now + timedelta(days=1),
            )
    pick = random.Random(7)  # noqa: S311 (which tile a benchmark clicks)
    times = {(mode, sheets): [] for mode in MODES for sheets in SIZES}
    holders = iter(range(10**9))
    with app.app_context():
        db = get_db()
        found = {key: campaigns.by_slug(db, f"draw-{key[0]}-{key[1]}") for key in times}

        def draw(key) -> float:
            mode, sheets = key
            c = found[key]
            no = pick.randint(1, sheets) if mode == "board" else None
            moment = datetime.now(UTC)
            started = time.perf_counter()
            entry = claims.hold(db, c, f"bench:{next(holders)}", moment, no=no)
            took = time.perf_counter() - started
            claims.cancel(db, c, entry.id, moment)
            return took

        for key in times:  # warm up: caches, prepared statements
            for _ in range(per_block):
                draw(key)
        for _ in range(blocks):
            for key, found_times in times.items():
                found_times.extend(draw(key) for _ in range(per_block))
    median = {key: statistics.median(t) * 1e6 for key, t in times.items()}
    return Draws(median, blocks * per_block)


def lines(d: Draws) -> list[str]:
    """Return the markdown table of a run."""
    small, big = SIZES
    out = [
        f"| mode | {small:,} sheets µs | {big:,} sheets µs | ratio | ≤ {LIMIT}× |",
        "|---|--:|--:|--:|:-:|",
    ]
    for mode in MODES:
        r = d.ratio(mode)
        out.append(
            f"| {mode} | {d.median[(mode, small)]:,.0f} | {d.median[(mode, big)]:,.0f} |"
            f" {r:.2f}× | {'yes' if r <= LIMIT else '**no**'} |"
        )
    return out


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kuji-draws-") as tmp:
        d = measure(Path(tmp) / "kuji.sqlite", "draws-secret")
    print(f"claims.hold(), median of {d.count:,} draws each (each given back, untimed)")
    print("\n".join(lines(d)))
    return 0 if d.met() else 1


if __name__ == "__main__":
    sys.exit(main())
