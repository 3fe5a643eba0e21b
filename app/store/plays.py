"""Mini-game plays: one per holder per campaign, their moves, and the monitor's figures."""

import json
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from app.lottery.values import mean_per_unit

from .constraints import violated
from .db import IntegrityError, immediate, stamp, stamp_param, unstamp

MAX_MOVES = 100  # no game needs more; a runaway client cannot grow a play without end
BAND = 100  # score bands of 100 points: 0-99, 100-199, … 900-1000
BANDS = 10


class AlreadyPlayed(Exception):
    """This holder has started this campaign's game before: one play each."""


class MoveRefused(Exception):
    """The play is finished, or another move took this place first."""


@dataclass(frozen=True)
class Move:
    seq: int
    kind: str
    data: dict
    at: datetime


@dataclass(frozen=True)
class Play:
    id: int
    campaign_id: int
    holder: str
    game: str
    challenge: dict
    started_at: datetime
    finished_at: datetime | None
    score: int | None
    moves: tuple[Move, ...] = field(default=())

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def start(db: Database, campaign_id: int, holder: str, game: str, challenge: dict, now: datetime):
    """Record that `holder` started `game` with `challenge`; raise AlreadyPlayed if they had.

    Starting is what counts: an abandoned play stays this holder's one play.
    """
    with immediate(db):
        try:
            db.execute(
                "INSERT INTO plays (campaign_id, holder, game, challenge, started_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [campaign_id, holder, game, json.dumps(challenge), stamp(now)],
            )
        except IntegrityError as exc:  # raised out: PostgreSQL has ended the transaction
            if violated(exc) != "plays_campaign_id_holder_key":
                raise
            raise AlreadyPlayed from None
    return play_of(db, campaign_id, holder)


def record(db: Database, play_id: int, seq: int, kind: str, data: dict, now: datetime) -> Move:
    """Add move number `seq` to an unfinished play, stamped `now`; raise MoveRefused if not.

    The caller read `seq` moves before deciding this one; if another request recorded a
    move since, the primary key refuses this one rather than letting both count.
    """
    if not 0 <= seq < MAX_MOVES:
        raise MoveRefused
    with immediate(db, durable=False):
        try:
            added = db.execute(
                "INSERT INTO play_moves (play_id, seq, kind, data, at)"  # noqa: S608
                f" SELECT id, ?, ?, ?, {stamp_param(db)} FROM plays"
                " WHERE id = ? AND finished_at IS NULL",
                [seq, kind, json.dumps(data), stamp(now), play_id],
            ).rowcount
        except IntegrityError as exc:
            if violated(exc) != "play_moves_pkey":
                raise
            raise MoveRefused from None
    if not added:
        raise MoveRefused
    return Move(seq, kind, data, now)


def finish(db: Database, play_id: int, score: int, now: datetime) -> bool:
    """Record the final score; return False if the play was finished already."""
    with immediate(db):
        return (
            db.execute(
                "UPDATE plays SET score = ?, finished_at = ? WHERE id = ? AND finished_at IS NULL",
                [max(0, min(1000, int(score))), stamp(now), play_id],
            ).rowcount
            == 1
        )


def play_of(db: Database, campaign_id: int, holder: str) -> Play | None:
    """Return this holder's play of the campaign's game, with its moves, or None."""
    row = db.execute(
        "SELECT id, campaign_id, holder, game, challenge, started_at, finished_at, score"
        " FROM plays WHERE campaign_id = ? AND holder = ?",
        [campaign_id, holder],
    ).fetchone()
    if row is None:
        return None
    moves = tuple(
        Move(seq, kind, json.loads(data), unstamp(at))
        for seq, kind, data, at in db.execute(
            "SELECT seq, kind, data, at FROM play_moves WHERE play_id = ? ORDER BY seq", [row[0]]
        )
    )
    pid, cid, who, game, challenge, started, finished, score = row
    return Play(
        pid,
        cid,
        who,
        game,
        json.loads(challenge),
        unstamp(started),
        unstamp(finished) if finished else None,
        score,
        moves,
    )


def score_of(db: Database, campaign_id: int, holder: str) -> int | None:
    """Return the holder's finished score, or None when they have not finished a play."""
    row = db.execute(
        "SELECT score FROM plays WHERE campaign_id = ? AND holder = ?", [campaign_id, holder]
    ).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    plays: int = 0  # finished plays with a score in low..high
    drawn: int = 0  # of those, how many holders drew
    # The mean value a draw gave, per unit (lottery.values.mean_per_unit); {} without draws.
    means: dict[str, float] = field(default_factory=dict)


def scores(db: Database, campaign_id: int) -> dict:
    """Return the score distribution: ten bands of 100 points, and the unfinished plays."""
    counts = dict(
        db.execute(
            "SELECT CASE WHEN score > 999 THEN 999 ELSE score END / ? AS band, count(*)"
            " FROM plays"
            " WHERE campaign_id = ? AND score IS NOT NULL GROUP BY band",
            [BAND, campaign_id],
        ).fetchall()
    )
    unfinished = db.execute(
        "SELECT count(*) FROM plays WHERE campaign_id = ? AND score IS NULL", [campaign_id]
    ).fetchone()[0]
    bands = [Band(*_edges(b), plays=counts.get(b, 0)) for b in range(BANDS)]
    return {
        "bands": bands,
        "finished": sum(b.plays for b in bands),
        "unfinished": unfinished,
    }


def value_by_band(db: Database, campaign_id: int) -> list[Band]:
    """Return, for each score band, how many players drew and the mean value they drew,
    unit by unit: yen, points and percent are never averaged together.

    What a holder drew is read from the draw log, so a coupon drawn and then cancelled
    still shows what the game's score did to the draw.
    """
    counts = db.execute(
        "SELECT CASE WHEN p.score > 999 THEN 999 ELSE p.score END / ? AS band,"
        " count(DISTINCT p.id), count(DISTINCT d.entry_id)"
        " FROM plays p"
        " LEFT JOIN entries e ON e.campaign_id = p.campaign_id AND e.holder = p.holder"
        " LEFT JOIN draw_log d ON d.campaign_id = p.campaign_id AND d.entry_id = e.id"
        "  AND d.event = 'draw'"
        " WHERE p.campaign_id = ? AND p.score IS NOT NULL GROUP BY band",
        [BAND, campaign_id],
    ).fetchall()
    sums: dict[int, dict[str, int]] = {}
    for b, unit, total in db.execute(
        "SELECT CASE WHEN p.score > 999 THEN 999 ELSE p.score END / ? AS band,"
        " pr.unit, sum(pr.value)"
        " FROM plays p"
        " JOIN entries e ON e.campaign_id = p.campaign_id AND e.holder = p.holder"
        " JOIN draw_log d ON d.campaign_id = p.campaign_id AND d.entry_id = e.id"
        "  AND d.event = 'draw'"
        " JOIN tiers t ON t.campaign_id = d.campaign_id AND t.number = d.tier"
        " JOIN prizes pr ON pr.id = t.prize_id"
        " WHERE p.campaign_id = ? AND p.score IS NOT NULL GROUP BY band, pr.unit",
        [BAND, campaign_id],
    ):
        sums.setdefault(b, {})[unit] = int(total)  # PostgreSQL's sum() is a Decimal
    prizes = db.execute("SELECT unit FROM prizes WHERE campaign_id = ?", [campaign_id])
    units = {unit for (unit,) in prizes}
    found = {b: (plays, drawn) for b, plays, drawn in counts}
    result = []
    for b in range(BANDS):
        plays, drawn = found.get(b, (0, 0))
        means = mean_per_unit(drawn, sums.get(b, {}), units)
        result.append(Band(*_edges(b), plays=plays, drawn=drawn, means=means))
    return result


def _edges(band: int) -> tuple[int, int]:
    return band * BAND, band * BAND + BAND - 1 if band < BANDS - 1 else 1000


def signal(db: Database, campaign_id: int) -> str:
    """Return a fingerprint of the campaign's plays: it changes when one starts or ends."""
    started, finished, last = db.execute(
        "SELECT count(*), count(score), max(finished_at) FROM plays WHERE campaign_id = ?",
        [campaign_id],
    ).fetchone()
    return f"{started}.{finished}.{last or ''}"
