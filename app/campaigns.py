"""Creating campaigns: the one place that turns a condition set into a stored board."""

import secrets
from datetime import datetime

from .lottery.conditions import Conditions, to_toml
from .lottery.layout import lay_out
from .store import campaigns
from .store.db import get_db


def create_campaign(
    conditions: Conditions, now: datetime, source: str | None = None, publish: bool = True
) -> int:
    """Lay out a secret board for the conditions and store it; return the campaign id."""
    tiles = lay_out(conditions, secrets.SystemRandom())
    text = source or to_toml(conditions)
    return campaigns.create(get_db(), conditions, tiles, text, now, publish=publish)
