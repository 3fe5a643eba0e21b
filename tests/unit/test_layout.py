import random
from collections import Counter

from app.lottery.layout import breakdown, lay_out
from tests.factories import conditions


def test_layout_follows_the_breakdown_exactly():
    c = conditions(prizes=((25, 70), (20, 20), (10, 10)), losing=7)
    tiles = lay_out(c, random.Random(1))
    assert [t.no for t in tiles] == list(range(1, 108))
    assert breakdown(tiles) == {0: 70, 1: 20, 2: 10, None: 7}


def test_draw_order_is_a_permutation():
    tiles = lay_out(conditions(), random.Random(2))
    assert sorted(t.draw_order for t in tiles) == list(range(100))


def test_layout_is_shuffled_and_depends_on_the_random_source():
    c = conditions()
    a = [t.prize for t in lay_out(c, random.Random(3))]
    b = [t.prize for t in lay_out(c, random.Random(4))]
    assert a != b
    # The 70 top prizes are not simply the first 70 tiles.
    assert Counter(a[:70])[0] < 70


def test_a_large_board_keeps_its_breakdown():
    c = conditions(prizes=((25, 60_000), (20, 30_000), (10, 9_000)), losing=1_000)
    tiles = lay_out(c, random.Random(5))
    assert breakdown(tiles) == {0: 60_000, 1: 30_000, 2: 9_000, None: 1_000}
