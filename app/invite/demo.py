"""The demo's invitation campaign: a few candidates, invited, their mail in the outbox."""

import dataclasses
from datetime import datetime

from app.lottery.candidates import Candidate
from app.lottery.conditions import Conditions, Prize
from app.lottery.merit import MeritRules
from app.new_campaign import create_campaign
from app.store import campaigns, candidates, get_db, invitations

from .sending import new_login_id

SLUG = "demo-invite"
PEOPLE = (
    Candidate(
        "山田 花子",
        "hanako@example.jp",
        34,
        "female",
        ("cooking",),
        3,
        5_500_000,
        0,
        "ja",
        "東京都中央区銀座1-2-3",
    ),
    Candidate(
        "佐藤 太郎",
        "taro@example.jp",
        41,
        "male",
        ("golf",),
        1,
        8_000_000,
        12,
        "ja",
        "大阪府大阪市北区梅田1-1",
    ),
    Candidate(
        "Emma Brown",
        "emma@example.com",
        29,
        "female",
        ("travel",),
        2,
        4_200_000,
        3,
        "en",
        "2-2 Roppongi, Minato-ku, Tokyo",
    ),
)


def demo_invitation(base: Conditions, now: datetime) -> int | None:
    """Create the demo invitation campaign and invite the demo candidates; None if it exists."""
    db = get_db()
    if campaigns.by_slug(db, SLUG) is not None:
        return None
    conditions = dataclasses.replace(
        base,
        slug=SLUG,
        title="DVD-RAM ご招待キャンペーン",
        mode="invite",
        prizes=(Prize("25%オフ", 25, "percent", 1), Prize("10%オフ", 10, "percent", 1)),
        losing=1,
        tilt=500,
        merit=MeritRules(speed=1, purchases=1),
    )
    campaign_id = create_campaign(conditions, now)
    candidates.import_candidates(db, list(PEOPLE), now)
    ids = candidates.ids_of(db, [p.email_key for p in PEOPLE])
    return invitations.attach(db, campaign_id, ids, now, new_login_id)
