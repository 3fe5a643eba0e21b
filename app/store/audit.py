"""The audit log: who did what, and when."""

from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from sqlite_utils import Database

from app.lottery.conditions import zone_info

from .db import immediate, stamp, unstamp


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    actor: str
    action: str
    campaign: str | None  # the campaign's slug
    detail: str
    zone: str = "UTC"  # the campaign's time zone; UTC for events of no campaign

    @property
    def tz(self) -> tzinfo:
        """Return the zone to show this event's time in."""
        return zone_info(self.zone) if self.zone != "UTC" else UTC


def record(
    db: Database,
    actor: str,
    action: str,
    now: datetime,
    campaign_id: int | None = None,
    detail: str = "",
) -> None:
    """Append one event to the audit log."""
    with immediate(db):
        db.execute(
            "INSERT INTO audit (at, actor, action, campaign_id, detail) VALUES (?, ?, ?, ?, ?)",
            [stamp(now), actor, action, campaign_id, detail],
        )


def recent(db: Database, limit: int = 200, campaign_id: int | None = None) -> list[Event]:
    """Return the latest events, newest first, for one campaign or for all."""
    where = "WHERE a.campaign_id = ?" if campaign_id is not None else ""
    params = [campaign_id] if campaign_id is not None else []
    rows = db.execute(
        "SELECT a.id, a.at, a.actor, a.action, c.slug, a.detail, c.timezone FROM audit a"  # noqa: S608
        f" LEFT JOIN campaigns c ON c.id = a.campaign_id {where} ORDER BY a.id DESC LIMIT ?",
        [*params, limit],
    )
    return [Event(r[0], unstamp(r[1]), r[2], r[3], r[4], r[5], r[6] or "UTC") for r in rows]
