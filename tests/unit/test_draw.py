"""The pure tier rule: ranks, weights, and what the draws add up to."""

import random
from collections import Counter

import pytest

from app.lottery.draw import EmptyPool, Tier, pick_tier, ranks, walk_order, weights
from app.lottery.fairness import uniform_for_draw

# 99.9th percentile of chi-square with 2 and 3 degrees of freedom.
CHI2_999 = {2: 13.816, 3: 16.266}


def chi_square(seen: Counter, expected: dict) -> float:
    return sum((seen[k] - e) ** 2 / e for k, e in expected.items())


def test_ranks_put_the_best_value_at_1000_and_losing_at_0():
    assert ranks([25, 20, 10], losing=False) == {1: 1000, 2: 500, 3: 0}
    assert ranks([25, 20, 10], losing=True) == {0: 0, 3: 333, 2: 666, 1: 1000}
    assert ranks([10, 30], losing=False) == {1: 0, 2: 1000}


def test_equal_values_keep_file_order_earlier_better_and_a_lone_tier_ranks_0():
    assert ranks([10, 10, 5], losing=False) == {1: 1000, 2: 500, 3: 0}
    assert ranks([40], losing=False) == {1: 0}


def test_weights_follow_the_formula():
    tiers = [Tier(1, 1000, 3), Tier(2, 0, 5), Tier(0, 0, 2)]
    assert weights(tiers, tilt=0, merit=1000) == [3_000_000, 5_000_000, 2_000_000]
    assert weights(tiers, tilt=2, merit=500) == [
        3 * (1_000_000 + 2 * 500 * 1000),
        5_000_000,
        2_000_000,
    ]
    with pytest.raises(ValueError):
        weights(tiers, tilt=0, merit=1001)
    with pytest.raises(ValueError):
        weights(tiers, tilt=-1, merit=0)


def test_the_walk_is_1_2_then_losing_whatever_order_tiers_come_in():
    assert walk_order([0, 3, 1, 2]) == [1, 2, 3, 0]
    tiers = [Tier(0, 0, 1), Tier(2, 0, 1), Tier(1, 1000, 1)]
    # u = 0 falls in the first tier of the walk, u = total - 1 in the last.
    assert pick_tier(tiers, 0, 0, lambda n: 0) == 1
    assert pick_tier(tiers, 0, 0, lambda n: n - 1) == 0


def test_an_empty_tier_is_never_drawn_and_an_empty_pool_is_an_error():
    tiers = [Tier(1, 1000, 0), Tier(2, 0, 4)]
    rng = random.Random(3)
    assert {pick_tier(tiers, 1000, 1000, rng.randrange) for _ in range(500)} == {2}
    with pytest.raises(EmptyPool):
        pick_tier([Tier(1, 1000, 0), Tier(0, 0, 0)], 0, 0, rng.randrange)


@pytest.mark.parametrize("merit", [0, 1000])
def test_with_no_tilt_every_remaining_sheet_is_equally_likely(merit):
    tiers = [Tier(1, 1000, 70), Tier(2, 500, 20), Tier(3, 0, 10)]
    seed = bytes(range(32))
    n = 20_000
    seen = Counter(pick_tier(tiers, 0, merit, uniform_for_draw(seed, s)) for s in range(1, n + 1))
    expected = {1: n * 0.7, 2: n * 0.2, 3: n * 0.1}
    assert chi_square(seen, expected) < CHI2_999[2]


def test_a_skewed_rule_would_fail_the_uniformity_check():
    # The check can fail: drawing tier 1 a little too often is caught.
    rng = random.Random(5)
    n = 20_000
    seen = Counter(1 if rng.random() < 0.73 else rng.choice([2, 2, 3]) for _ in range(n))
    assert chi_square(seen, {1: n * 0.7, 2: n * 0.2, 3: n * 0.1}) > CHI2_999[2]


def simulate(tilt: int, seed: int) -> tuple[float, float, Counter]:
    """Draw a whole 100-sheet campaign for alternating high- and low-merit holders."""
    values = {1: 25, 2: 20, 3: 10, 0: 0}
    rank = ranks([25, 20, 10], losing=True)
    free = {1: 10, 2: 20, 3: 30, 0: 40}
    rng = random.Random(seed)
    got: dict[int, list[int]] = {1000: [], 0: []}
    drawn = Counter()
    for i in range(100):
        merit = 1000 if i % 2 else 0
        tiers = [Tier(n, rank[n], f) for n, f in free.items()]
        tier = pick_tier(tiers, tilt, merit, rng.randrange)
        free[tier] -= 1
        drawn[tier] += 1
        got[merit].append(values[tier])
    mean = {m: sum(v) / len(v) for m, v in got.items()}
    return mean[1000], mean[0], drawn


def test_higher_merit_gives_a_higher_mean_value_when_tilted():
    high, low = 0.0, 0.0
    for seed in range(40):
        h, lo, drawn = simulate(tilt=1000, seed=seed)
        high, low = high + h, low + lo
        assert drawn == Counter({1: 10, 2: 20, 3: 30, 0: 40})  # the breakdown never moves
    assert high / 40 > low / 40 + 3  # several percentage points better on average


def test_without_tilt_merit_makes_no_difference():
    high = sum(simulate(tilt=0, seed=s)[0] for s in range(200)) / 200
    low = sum(simulate(tilt=0, seed=s)[1] for s in range(200)) / 200
    assert abs(high - low) < 1.0
