"""The public fairness document: the commitment, then (after the end) counts, seed and log."""

from datetime import datetime

from sqlite_utils import Database

from app.lottery.draw import walk_order

from .campaigns import Campaign


def finished(campaign: Campaign, now: datetime) -> bool:
    """Tell whether no draw can happen any more, so the seed may be shown."""
    if campaign.phase(now) != "ended":
        return False
    # A batch campaign draws once after its period: until then its seed stays secret.
    return campaign.draw != "batch" or campaign.batch_drawn_at is not None


def summary(campaign: Campaign, now: datetime) -> dict | None:
    """Return what the fairness page shows: the commitment and whether it ended; no log."""
    if campaign.commitment is None:
        return None
    return {"commitment": campaign.commitment, "ended": finished(campaign, now)}


def document(db: Database, campaign: Campaign, now: datetime) -> dict | None:
    """Return the campaign's fairness document, or None for one made before the engine."""
    if campaign.commitment is None:
        return None
    seed, algorithm = db.execute(
        "SELECT seed, algorithm FROM campaigns WHERE id = ?", [campaign.id]
    ).fetchone()
    if not finished(campaign, now):
        # Before the end only the commitment: how many of each value exist (and how many
        # lose) is the shop's secret until no draw can follow.
        return {
            "algorithm": algorithm,
            "campaign": campaign.slug,
            "commitment": campaign.commitment,
            "seed": None,
            "tilt": None,
            "ended": False,
            "tiers": None,
            "log": None,
        }
    rows = db.execute(
        "SELECT t.number, p.label, p.value, p.unit, t.count, t.rank FROM tiers t"
        " LEFT JOIN prizes p ON p.id = t.prize_id WHERE t.campaign_id = ?",
        [campaign.id],
    ).fetchall()
    by_number = {r[0]: r for r in rows}
    tiers = [
        {
            "number": n,
            "label": label if n else "losing",
            "value": value if n else 0,
            "unit": unit if n else None,
            "count": count,
            "rank": rank,
        }
        for n, label, value, unit, count, rank in (by_number[n] for n in walk_order(by_number))
    ]
    return {
        "algorithm": algorithm,
        "campaign": campaign.slug,
        "commitment": campaign.commitment,
        "seed": seed,
        "tilt": campaign.tilt,
        "ended": True,
        "tiers": tiers,
        "log": log(db, campaign.id),
    }


def log(db: Database, campaign_id: int) -> list[dict]:
    """Return every draw and return of a campaign in commit order, without personal data."""
    rows = db.execute(
        "SELECT seq, draw_no, event, tier, merit, tile_no FROM draw_log"
        " WHERE campaign_id = ? ORDER BY seq",
        [campaign_id],
    )
    # The published proof format (docs/fairness.md) still calls the tile number issue_no.
    keys = ("seq", "draw", "event", "tier", "merit", "issue_no")
    return [dict(zip(keys, row, strict=True)) for row in rows]
