"""The monitor adds prize values up per unit: yen with yen, points with points, never across."""

import re
from datetime import timedelta

from app.lottery.conditions import parse_conditions
from app.new_campaign import create_campaign
from app.store import campaigns, claims, get_db, plays
from tests.factories import QUIZ, START

from .helpers import seed_destinations

# Eight coupons of three units: ¥2,000 in three yen coupons, 300 points, two at 10 % off.
MIXED = f"""
title = "Mixed units"
slug = "mixed"
goods = "Anything in the shop"
opens = {(START - timedelta(days=1)).isoformat()}
closes = {(START + timedelta(days=30)).isoformat()}
mode = "speed"

[[prizes]]
label = "¥1,000 off"
value = 1000
unit = "yen"
count = 1

[[prizes]]
label = "¥500 off"
value = 500
unit = "yen"
count = 2

[[prizes]]
label = "100 points"
value = 100
unit = "points"
count = 3

[[prizes]]
label = "10 % off"
value = 10
unit = "percent"
count = 2
"""


def mixed(app, extra=""):
    with app.app_context():
        create_campaign(parse_conditions(MIXED + extra), START, source=MIXED + extra)


def issued(html: str) -> str:
    return re.search(r'<dd id="issued">([^<]*)</dd>', html).group(1)


def unit_rows(html: str) -> dict[str, tuple[str, ...]]:
    table = re.search(r'<table class="list" id="per-unit">(.*?)</table>', html, re.S).group(1)
    return {
        name: tuple(re.findall(r'<td class="num">([^<]*)</td>', cells))
        for name, cells in re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', table, re.S)
    }


def test_nothing_drawn_yet_every_unit_has_its_own_total(app, admin):
    mixed(app)
    html = admin.get("/admin/campaigns/mixed").get_data(True)
    assert issued(html) == "¥0 · 0 points · 0 percent-off coupons"
    assert unit_rows(html) == {
        "percent off": ("0 coupons", "0 coupons", "2 coupons", "2 coupons"),
        "yen": ("¥0 in 0 coupons", "¥0 in 0 coupons", "¥2,000 in 3 coupons", "¥2,000 in 3 coupons"),
        "points": (
            "0 points in 0 coupons",
            "0 points in 0 coupons",
            "300 points in 3 coupons",
            "300 points in 3 coupons",
        ),
    }


def test_confirmed_coupons_are_summed_per_unit_never_together(app, admin):
    mixed(app)
    seed_destinations(app, "mixed", 8)  # every coupon confirmed
    html = admin.get("/admin/campaigns/mixed").get_data(True)
    # Today's sum across units would be 1000 + 2 × 500 + 3 × 100 + 2 × 10 = 2,320.
    assert "2,320" not in html and "2320" not in html
    assert issued(html) == "¥2,000 · 300 points · 2 percent-off coupons"
    rows = unit_rows(html)
    assert rows["yen"][0] == "¥2,000 in 3 coupons" and rows["yen"][2] == "¥0 in 0 coupons"
    assert rows["percent off"][0] == "2 coupons"


def test_a_held_coupon_counts_in_its_own_unit(app, admin):
    mixed(app)
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "mixed")
        entry = claims.hold(db, campaign, "board:one", START)
        prize = campaigns.prizes(db, campaign.id)[entry.prize_id]
    rows = unit_rows(admin.get("/admin/campaigns/mixed").get_data(True))
    name = {"percent": "percent off", "yen": "yen", "points": "points"}[prize.unit]
    held = {
        "percent": "1 coupon",
        "yen": f"¥{prize.value:,} in 1 coupon",
        "points": f"{prize.value} points in 1 coupon",
    }[prize.unit]
    assert rows[name][1] == held
    assert all(cells[1].startswith(("0 ", "¥0 ")) for unit, cells in rows.items() if unit != name)


def test_the_game_means_are_per_unit(app, admin):
    mixed(app, QUIZ)
    drawn = {"yen": 0, "points": 0, "percent": 0}
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "mixed")
        prizes = campaigns.prizes(db, campaign.id)
        for i in range(4):  # four players, all scoring in the 900s, draw four coupons
            holder = f"board:p{i}"
            play = plays.start(db, campaign.id, holder, "quiz", {"questions": []}, START)
            plays.finish(db, play.id, 950, START)
            entry = claims.hold(db, campaign, holder, START + timedelta(seconds=i), merit=950)
            prize = prizes[entry.prize_id]
            drawn[prize.unit] += prize.value
    html = admin.get("/admin/campaigns/mixed").get_data(True)
    row = re.search(r'<tr data-band="900">(.*?)</tr>', html).group(1)
    mean = re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1]
    words = {
        "percent": f"{drawn['percent'] / 4:g}% off",
        "yen": f"¥{drawn['yen'] // 4:,}",  # yen coupons of 500 and 1,000: a whole mean
        "points": f"{drawn['points'] // 4} points",  # 100 each: whole too
    }
    assert mean == " · ".join(words[u] for u in ("yen", "points", "percent"))
    # One chart per unit beside the plays' chart and the two campaign charts.
    assert html.count("<svg") == 2 + 1 + 3
    assert "Mean yen a draw gave per score band" in html
