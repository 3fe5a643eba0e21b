"""The draw engine's steps inside a write transaction: open check, tile, tier, log, return.

Every mode draws through these steps, so the checks and the fairness log cannot be
forgotten by one of them. The caller holds the write lock (store.db.immediate).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery import period
from app.lottery.draw import EmptyPool, Tier, pick_tier
from app.lottery.fairness import uniform_for_draw

from . import accounting
from .db import changed, stamp
from .errors import Closed, Taken

# A strategy names the tile a draw occupies: (db, campaign id, tile asked for) -> tile no.
STRATEGIES: dict[str, Callable[[Database, int, int | None], int]] = {}


def strategy(name: str):
    """Register a tile-choosing strategy under `name`."""

    def register(func):
        STRATEGIES[name] = func
        return func

    return register


def get_strategy(name: str) -> Callable[[Database, int, int | None], int]:
    """Return the strategy called `name`; an unknown name is a clear error."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise ValueError(f"unknown draw strategy {name!r}; known: {sorted(STRATEGIES)}") from None


@strategy("pick")
def _pick(db: Database, campaign_id: int, no: int | None) -> int:
    """The board: the respondent chose the tile."""
    if no is None:
        raise ValueError("the pick strategy needs a tile number")
    return no


@strategy("next")
def _next(db: Database, campaign_id: int, no: int | None) -> int:
    """A speed lottery: the lowest free tile, which says nothing about its coupon."""
    if no is not None:
        raise ValueError("the next strategy chooses the tile itself")
    row = db.execute(
        "SELECT no FROM tiles WHERE campaign_id = ? AND state = 'free' ORDER BY no LIMIT 1",
        [campaign_id],
    ).fetchone()
    if row is None:
        raise Taken
    return row[0]


@dataclass(frozen=True)
class Opened:
    """A campaign's state as a draw found it, with the version this draw stamps."""

    version: int
    seed: bytes
    tilt: int
    draw_no: int | None = None  # the draw number reserved for this draw, if one was
    seq: int | None = None  # the log place reserved for that draw


def open_for_draw(db: Database, campaign_id: int, now: datetime, draw: bool = False) -> Opened:
    """Bump the campaign's version and check it takes draws now; raise Closed if not.

    draw=True also reserves the next draw number and log place for one draw, in the same
    statement: a hold then touches the campaign row once. A rollback gives them back.
    """
    step = int(draw)
    row = db.execute(
        "UPDATE campaigns SET version = version + 1, draws = draws + ?, events = events + ?"
        " WHERE id = ?"
        " RETURNING version, published_at, opens, closes, ended_at, seed, tilt, draws, events",
        [step, step, campaign_id],
    ).fetchone()
    changed(db, campaign_id)
    version, published, opens, closes, ended, seed, tilt, draws, events = row
    found = period.phase(stamp(now), opens, closes, published=bool(published), ended=bool(ended))
    if found != period.OPEN:
        raise Closed(found)
    if draw:
        return Opened(version, bytes.fromhex(seed), tilt, draw_no=draws, seq=events)
    return Opened(version, bytes.fromhex(seed), tilt)


def tiers(db: Database, campaign_id: int) -> list[tuple[Tier, int | None]]:
    """Return the campaign's tiers with their prize ids, free counts as they stand."""
    rows = db.execute(
        "SELECT number, rank, free, prize_id FROM tiers WHERE campaign_id = ?", [campaign_id]
    )
    return [(Tier(number, rank, free), prize_id) for number, rank, free, prize_id in rows]


def next_draw_no(db: Database, campaign_id: int, draws: int = 1) -> int:
    """Reserve `draws` draw numbers; return the first."""
    last = db.execute(
        "UPDATE campaigns SET draws = draws + ? WHERE id = ? RETURNING draws",
        [draws, campaign_id],
    ).fetchone()[0]
    return last - draws + 1


def draw_tier(db: Database, campaign_id: int, opened: Opened, merit: int) -> tuple[int, int, int]:
    """Draw a tier from what remains; return (draw no., tier, prize id or None).

    Uses the draw number open_for_draw(draw=True) reserved, else reserves one.
    """
    found = tiers(db, campaign_id)
    s = opened.draw_no if opened.draw_no is not None else next_draw_no(db, campaign_id)
    try:
        number = pick_tier(
            [t for t, _ in found], opened.tilt, merit, uniform_for_draw(opened.seed, s)
        )
    except EmptyPool:
        raise Taken from None  # every coupon is held or issued: the tile cannot be free
    taken = db.execute(
        "UPDATE tiers SET free = free - 1 WHERE campaign_id = ? AND number = ? AND free > 0",
        [campaign_id, number],
    ).rowcount
    if taken != 1:
        raise AssertionError("a drawn tier had no free tile")
    prize_id = next(pid for t, pid in found if t.number == number)
    return s, number, prize_id


def log(
    db: Database,
    campaign_id: int,
    event: str,
    tier: int,
    tile_no: int,
    entry_id: int,
    now: datetime,
    draw_no: int | None = None,
    merit: int | None = None,
    seq: int | None = None,
) -> None:
    """Append one draw or return to the campaign's public log, at `seq` if reserved."""
    if seq is None:
        seq = db.execute(
            "UPDATE campaigns SET events = events + 1 WHERE id = ? RETURNING events",
            [campaign_id],
        ).fetchone()[0]
    db.execute(
        "INSERT INTO draw_log (campaign_id, seq, draw_no, event, tier, merit, tile_no,"
        " entry_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [campaign_id, seq, draw_no, event, tier, merit, tile_no, entry_id, stamp(now)],
    )


def return_holds(
    db: Database,
    campaign_id: int,
    now: datetime,
    *,
    due_by: datetime | None = None,
    entry_id: int | None = None,
    state: str = "expired",
) -> list[int]:
    """Give held tiles back to the board and their coupons back to the pool.

    Returns the tile numbers freed: every hold (due_by None), those lapsed by `due_by`, or
    the one of `entry_id`. The entries end as `state`.
    """
    query = "SELECT no, entry_id, tier FROM tiles WHERE campaign_id = ? AND state = 'held'"
    params: list = [campaign_id]
    if due_by is not None:
        query += " AND held_until <= ?"
        params.append(stamp(due_by))
    if entry_id is not None:
        query += " AND entry_id = ?"
        params.append(entry_id)
    rows = db.execute(query + " ORDER BY held_until, no", params).fetchall()
    if not rows:
        return []
    version = db.execute(
        "UPDATE campaigns SET version = version + 1 WHERE id = ? RETURNING version",
        [campaign_id],
    ).fetchone()[0]
    changed(db, campaign_id)
    freed = []
    for no, held_by, tier in rows:
        # Free the tile only if it is still this hold: a confirm that committed since the
        # read above keeps its tile (PostgreSQL re-checks the condition on the newest row).
        if not db.execute(
            "UPDATE tiles SET state = 'free', entry_id = NULL, held_until = NULL,"
            " prize_id = NULL, tier = NULL, version = ?"
            " WHERE campaign_id = ? AND no = ? AND state = 'held' AND entry_id = ?"
            " RETURNING no",
            [version, campaign_id, no, held_by],
        ).fetchone():
            continue
        freed.append(no)
        db.execute(
            "UPDATE tiers SET free = free + 1 WHERE campaign_id = ? AND number = ?",
            [campaign_id, tier],
        )
        db.execute(
            "UPDATE entries SET state = ?, ended_at = ? WHERE id = ?",
            [state, stamp(now), held_by],
        )
        # A hold given back (cancelled or lapsed) lets its address draw again: a redraw.
        accounting.end_hold(db, held_by, now, redraw=True)
        log(db, campaign_id, "return", tier, no, held_by, now)
    return freed


def end_if_done(db: Database, campaign_id: int, now: datetime) -> None:
    """End the campaign once every tile is confirmed or lost."""
    if db.execute("SELECT free FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]:
        return
    if db.execute(
        "SELECT 1 FROM tiles WHERE campaign_id = ? AND state = 'held' ORDER BY held_until LIMIT 1",
        [campaign_id],
    ).fetchone():
        return
    db.execute(
        "UPDATE campaigns SET ended_at = ?, version = version + 1"
        " WHERE id = ? AND ended_at IS NULL",
        [stamp(now), campaign_id],
    )
    changed(db, campaign_id)
