"""Prize values per unit: amounts add up within their unit only; percentages are counted."""

from dataclasses import dataclass

from app.lottery.values import mean_per_unit, per_unit, standing


@dataclass
class Tier:
    value: int
    unit: str
    confirmed: int = 0
    held: int = 0
    free: int = 0

    @property
    def count(self):
        return self.confirmed + self.held + self.free


def test_amounts_add_up_per_unit_and_percentages_are_counted():
    tiers = [
        Tier(25, "percent", confirmed=2, free=1),
        Tier(1000, "yen", confirmed=1, held=1),
        Tier(500, "yen", confirmed=3, free=2),
        Tier(100, "points", held=2),
    ]
    found = {f.unit: f for f in per_unit(tiers)}
    assert list(found) == ["yen", "points", "percent"]
    assert found["yen"].value == {"confirmed": 2500, "held": 1000, "free": 1000, "count": 4500}
    assert found["yen"].coupons["count"] == 7
    assert found["points"].value["held"] == 200 and found["points"].coupons["held"] == 2
    assert found["percent"].value is None and found["percent"].coupons["confirmed"] == 2


def test_a_unit_no_prize_uses_is_left_out():
    assert [f.unit for f in per_unit([Tier(10, "percent", free=3)])] == ["percent"]


def test_means_count_every_draw_in_each_units_denominator():
    means = mean_per_unit(4, {"yen": 1500}, {"yen", "points"})
    assert means == {"yen": 375.0, "points": 0.0}
    assert mean_per_unit(0, {}, {"yen"}) == {}


def test_prizes_of_one_unit_stand_by_value_and_mixed_units_by_the_shops_order():
    assert standing([Tier(10, "percent"), Tier(30, "percent")]) == [10, 30]
    # Across units the shop's order counts: the prize listed first stands highest.
    mixed = standing([Tier(500, "yen"), Tier(30, "percent"), Tier(100, "points")])
    assert mixed[0] > mixed[1] > mixed[2]
