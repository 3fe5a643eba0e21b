"""Campaigns and their prizes."""

from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import lru_cache

from sqlite_utils import Database

from app.lottery import period
from app.lottery.conditions import Conditions, zone_info
from app.lottery.draw import LOSING, ranks
from app.lottery.fairness import ALGORITHM_V2, binding_commitment, commitment
from app.lottery.settings import Settings, from_json, settings_of, to_json

from .db import immediate, stamp, unstamp


@dataclass(frozen=True)
class Campaign:
    id: int
    slug: str
    title: str
    goods: str
    opens: datetime
    closes: datetime
    hold_minutes: int
    tile_count: int
    version: int
    ended_at: datetime | None
    free: int = 0  # tiles on the board now, kept by triggers
    published: bool = True  # False: a draft, not shown to the public
    mode: str = "board"  # board | speed
    draw: str = "instant"  # instant | batch
    tilt: int = 0
    timezone: str = "+00:00"
    commitment: str | None = None  # SHA-256 of the secret seed; None before the engine
    batch_drawn_at: datetime | None = None
    settings: Settings = Settings()  # reveal, merit, game, e-coupon terms: read, never parsed

    @property
    def tz(self) -> tzinfo:
        """Return the campaign's time zone, for showing times to people."""
        return zone_info(self.timezone)

    @property
    def contact_first(self) -> bool:
        """Tell whether a person gives contact details before uncovering their draw."""
        return self.settings.contact_first(self.mode, self.draw)

    @property
    def strategy(self) -> str:
        """Return the name of the draw strategy this campaign uses."""
        if self.draw == "batch":
            return "batch"
        return "pick" if self.mode == "board" else "next"

    def phase(self, now: datetime) -> str:
        """Return 'draft', 'scheduled', 'open' or 'ended' at `now`."""
        return period.phase(
            now, self.opens, self.closes, published=self.published, ended=bool(self.ended_at)
        )


@dataclass(frozen=True)
class PrizeRow:
    id: int
    position: int
    label: str
    value: int
    unit: str
    count: int


COLUMNS = (
    "id, slug, title, goods, opens, closes, hold_minutes, tile_count, version, ended_at, free,"
    " published_at IS NOT NULL, mode, draw, tilt, timezone, commitment, batch_drawn_at,"
    " settings"
)


class SlugTaken(ValueError):
    """Another campaign already uses this slug."""


def create(
    db: Database,
    c: Conditions,
    seed: bytes,
    source: str,
    now: datetime,
    publish: bool = True,
) -> int:
    """Store a campaign, its prizes, tiers and tiles in one transaction.

    `seed` is the secret behind every draw; only its commitment is ever shown before the
    end. publish=False keeps it a draft that the public cannot see until it is published
    (editing.change, like every later change).
    """
    with immediate(db):
        row = db.execute(
            "INSERT INTO campaigns (slug, title, goods, opens, closes, hold_minutes, losing,"
            " tile_count, mode, draw, tilt, timezone, conditions, settings, seed, commitment,"
            " created_at, published_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (slug) DO NOTHING RETURNING id",
            [
                c.slug,
                *condition_values(c),
                source,
                to_json(settings_of(c)),
                seed.hex(),
                commitment(seed),
                stamp(now),
                stamp(now) if publish else None,
            ],
        ).fetchone()
        if row is None:
            raise SlugTaken(c.slug)
        campaign_id = row[0]
        lay_tiles(db, campaign_id, c)
    return campaign_id


CONDITION_COLUMNS = (
    "title, goods, opens, closes, hold_minutes, losing, tile_count, mode, draw, tilt, timezone"
)


def condition_values(c: Conditions) -> list:
    """Return the values of CONDITION_COLUMNS for a campaign row, in that order."""
    return [
        c.title,
        c.goods,
        stamp(c.opens),
        stamp(c.closes),
        c.hold_minutes,
        c.losing,
        c.tile_count,
        c.mode,
        c.draw,
        c.tilt,
        c.zone,
    ]


def lay_tiles(db: Database, campaign_id: int, c: Conditions, version: int = 0) -> None:
    """Insert a campaign's prizes, tiers and empty tiles, inside the caller's transaction.

    A tile is only a place to click: the coupon is drawn from the tiers' free counts when
    someone takes it. The tiles carry `version`: a re-layout passes the campaign's next
    version, so a board polling from an older one receives every new tile.
    """
    rank = ranks([p.value for p in c.prizes], c.losing > 0)
    tiers = [(LOSING, None, c.losing)] if c.losing else []
    for i, p in enumerate(c.prizes):
        prize_id = db.execute(
            "INSERT INTO prizes (campaign_id, position, label, value, unit, count)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            [campaign_id, i, p.label, p.value, p.unit, p.count],
        ).fetchone()[0]
        tiers.append((i + 1, prize_id, p.count))
    db.conn.executemany(
        "INSERT INTO tiers (campaign_id, number, prize_id, rank, count, free)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        ((campaign_id, n, pid, rank[n], count, count) for n, pid, count in tiers),
    )
    # One statement, whatever the size: PostgreSQL's trigger counts the free tiles once.
    db.execute(
        "WITH RECURSIVE n (no) AS (SELECT 1 UNION ALL SELECT no + 1 FROM n WHERE no < ?)"
        " INSERT INTO tiles (campaign_id, no, version)"
        " SELECT CAST(? AS BIGINT), no, CAST(? AS INTEGER) FROM n WHERE no <= ?",
        [c.tile_count, campaign_id, version, c.tile_count],
    )
    # The commitment binds the seed and these counts: the breakdown stays secret until the
    # end, yet cannot change unseen. A re-layout (before any draw) commits afresh.
    seed = db.execute("SELECT seed FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]
    counts = {n: count for n, _, count in tiers}
    db.execute(
        "UPDATE campaigns SET commitment = ?, algorithm = ? WHERE id = ?",
        [binding_commitment(bytes.fromhex(seed), counts), ALGORITHM_V2, campaign_id],
    )


def by_slug(db: Database, slug: str) -> Campaign | None:
    """Return the campaign with this slug, or None."""
    row = db.execute(f"SELECT {COLUMNS} FROM campaigns WHERE slug = ?", [slug]).fetchone()  # noqa: S608
    return _campaign(tuple(row)) if row else None


def by_id(db: Database, campaign_id: int) -> Campaign | None:
    """Return the campaign with this id, or None."""
    row = db.execute(f"SELECT {COLUMNS} FROM campaigns WHERE id = ?", [campaign_id]).fetchone()  # noqa: S608
    return _campaign(tuple(row)) if row else None


def all_campaigns(db: Database) -> list[Campaign]:
    """Return every campaign, newest first."""
    rows = db.execute(f"SELECT {COLUMNS} FROM campaigns ORDER BY id DESC").fetchall()  # noqa: S608
    return [_campaign(tuple(r)) for r in rows]


def prizes(db: Database, campaign_id: int) -> dict[int, PrizeRow]:
    """Return the campaign's prizes by id."""
    rows = db.execute(
        "SELECT id, position, label, value, unit, count FROM prizes"
        " WHERE campaign_id = ? ORDER BY position",
        [campaign_id],
    )
    return {r[0]: PrizeRow(*r) for r in rows}


def counts(db: Database, campaign_id: int) -> dict[str, int]:
    """Count tiles by state: free, held, confirmed, lost."""
    rows = db.execute(
        "SELECT state, count(*) FROM tiles WHERE campaign_id = ? GROUP BY state", [campaign_id]
    )
    return {"free": 0, "held": 0, "confirmed": 0, "lost": 0, **dict(rows.fetchall())}


@lru_cache(maxsize=256)
def _campaign(row: tuple) -> Campaign:
    # Cached by the whole row: every request loads its campaign, and an unchanged row makes
    # the same frozen Campaign (its stamps parsed, its 19 fields set) as the last time.
    return Campaign(
        id=row[0],
        slug=row[1],
        title=row[2],
        goods=row[3],
        opens=unstamp(row[4]),
        closes=unstamp(row[5]),
        hold_minutes=row[6],
        tile_count=row[7],
        version=row[8],
        ended_at=unstamp(row[9]) if row[9] else None,
        free=row[10],
        published=bool(row[11]),
        mode=row[12],
        draw=row[13],
        tilt=row[14],
        timezone=row[15],
        commitment=row[16],
        batch_drawn_at=unstamp(row[17]) if row[17] else None,
        settings=from_json(row[18]),
    )
