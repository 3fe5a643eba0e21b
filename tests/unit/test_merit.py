"""Merit from answering quickly, past purchases and game scores."""

from datetime import UTC, datetime, timedelta

from app.lottery.merit import MeritRules, merit, merit_rules, purchases_part, speed_part

SENT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_speed_is_full_early_none_late_and_falls_in_between():
    rules = MeritRules(speed=1, speed_hours_full=24, speed_hours_zero=72)
    assert speed_part(SENT, SENT + timedelta(hours=2), rules) == 1000
    assert speed_part(SENT, SENT + timedelta(hours=48), rules) == 500
    assert speed_part(SENT, SENT + timedelta(hours=80), rules) == 0
    assert speed_part(None, SENT, rules) == 0


def test_purchases_reach_full_merit_at_the_threshold():
    rules = MeritRules(purchases=1, purchases_full=10)
    assert [purchases_part(n, rules) for n in (0, 5, 10, 50)] == [0, 500, 1000, 1000]


def test_parts_combine_by_weight_and_no_weights_means_no_merit():
    assert merit(MeritRules(speed=1, purchases=3), speed=1000, purchases=0) == 250
    assert merit(MeritRules(speed=1, purchases=1, game=2), 1000, 1000, 1000) == 1000
    assert merit(MeritRules(), speed=1000, purchases=1000) == 0


def test_the_merit_table_is_checked():
    problems = []
    rules = merit_rules({"speed": 2, "purchases": 1, "purchases_full": 5}, problems)
    assert problems == [] and rules.speed == 2 and rules.purchases_full == 5
    problems = []
    merit_rules({"speed": -1, "speed_hours_full": 50, "speed_hours_zero": 10, "x": 1}, problems)
    assert len(problems) == 3
