"""Campaigns and their prizes."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery.conditions import Conditions
from app.lottery.layout import Tile

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
    sheets: int
    version: int
    ended_at: datetime | None
    free: int = 0  # tiles on the board now, kept by triggers
    published: bool = True  # False: a draft, not shown to the public

    def phase(self, now: datetime) -> str:
        """Return 'draft', 'scheduled', 'open' or 'ended' at `now`."""
        if not self.published:
            return "draft"
        if self.ended_at or now >= self.closes:
            return "ended"
        return "open" if now >= self.opens else "scheduled"


@dataclass(frozen=True)
class PrizeRow:
    id: int
    position: int
    label: str
    value: int
    unit: str
    count: int


COLUMNS = (
    "id, slug, title, goods, opens, closes, hold_minutes, sheets, version, ended_at, free,"
    " published_at IS NOT NULL"
)


class SlugTaken(ValueError):
    """Another campaign already uses this slug."""


def create(
    db: Database,
    c: Conditions,
    tiles: list[Tile],
    source: str,
    now: datetime,
    publish: bool = True,
) -> int:
    """Store a campaign, its prizes and its laid-out tiles in one transaction.

    publish=False keeps it a draft that the public cannot see until publish().
    """
    with immediate(db):
        if db.execute("SELECT 1 FROM campaigns WHERE slug = ?", [c.slug]).fetchone():
            raise SlugTaken(c.slug)
        campaign_id = db.execute(
            "INSERT INTO campaigns (slug, title, goods, opens, closes, hold_minutes, losing,"
            " sheets, conditions, created_at, published_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [c.slug, *condition_values(c), source, stamp(now), stamp(now) if publish else None],
        ).lastrowid
        lay_tiles(db, campaign_id, c, tiles)
    return campaign_id


def publish(db: Database, campaign_id: int, now: datetime) -> bool:
    """Show a draft to the public; return False if it was published already."""
    with immediate(db):
        return (
            db.execute(
                "UPDATE campaigns SET published_at = ?, version = version + 1"
                " WHERE id = ? AND published_at IS NULL",
                [stamp(now), campaign_id],
            ).rowcount
            == 1
        )


def condition_values(c: Conditions) -> list:
    """Return the columns title … sheets of a campaign row, in that order."""
    return [c.title, c.goods, stamp(c.opens), stamp(c.closes), c.hold_minutes, c.losing, c.sheets]


def lay_tiles(
    db: Database, campaign_id: int, c: Conditions, tiles: list[Tile], version: int = 0
) -> None:
    """Insert a campaign's prizes and tiles, inside the caller's transaction.

    The tiles carry `version`: a re-layout passes the campaign's next version, so a board
    polling from an older one receives every new tile.
    """
    prize_ids = [
        db.execute(
            "INSERT INTO prizes (campaign_id, position, label, value, unit, count)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [campaign_id, i, p.label, p.value, p.unit, p.count],
        ).lastrowid
        for i, p in enumerate(c.prizes)
    ]
    db.conn.executemany(
        "INSERT INTO tickets (campaign_id, no, prize_id, draw_order, version)"
        " VALUES (?, ?, ?, ?, ?)",
        (
            (
                campaign_id,
                t.no,
                None if t.prize is None else prize_ids[t.prize],
                t.draw_order,
                version,
            )
            for t in tiles
        ),
    )


def by_slug(db: Database, slug: str) -> Campaign | None:
    """Return the campaign with this slug, or None."""
    row = db.execute(f"SELECT {COLUMNS} FROM campaigns WHERE slug = ?", [slug]).fetchone()  # noqa: S608
    return _campaign(row) if row else None


def all_campaigns(db: Database) -> list[Campaign]:
    """Return every campaign, newest first."""
    rows = db.execute(f"SELECT {COLUMNS} FROM campaigns ORDER BY id DESC").fetchall()  # noqa: S608
    return [_campaign(r) for r in rows]


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
        "SELECT state, count(*) FROM tickets WHERE campaign_id = ? GROUP BY state", [campaign_id]
    )
    return {"free": 0, "held": 0, "confirmed": 0, "lost": 0, **dict(rows.fetchall())}


def _campaign(row) -> Campaign:
    return Campaign(
        id=row[0],
        slug=row[1],
        title=row[2],
        goods=row[3],
        opens=unstamp(row[4]),
        closes=unstamp(row[5]),
        hold_minutes=row[6],
        sheets=row[7],
        version=row[8],
        ended_at=unstamp(row[9]) if row[9] else None,
        free=row[10],
        published=bool(row[11]),
    )
