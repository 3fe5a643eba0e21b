"""Creating campaigns: the one place that turns a condition set into a stored campaign."""

from datetime import datetime

from app.lottery.conditions import Conditions, to_toml
from app.lottery.fairness import new_seed
from app.store import campaigns
from app.store.db import get_db


def create_campaign(
    conditions: Conditions, now: datetime, source: str | None = None, publish: bool = True
) -> int:
    """Store a campaign with a fresh secret seed; return the campaign id."""
    text = source or to_toml(conditions)
    return campaigns.create(get_db(), conditions, new_seed(), text, now, publish=publish)
