"""The one rule for whether a campaign takes draws, on datetimes and on stamps alike."""

from datetime import timedelta

import pytest

from app.lottery.period import is_open, phase
from app.store.db import stamp
from tests.factories import START

OPENS, CLOSES = START, START + timedelta(days=1)


@pytest.mark.parametrize(
    ("now", "published", "ended", "expected"),
    [
        (OPENS - timedelta(seconds=1), True, False, "scheduled"),
        (OPENS, True, False, "open"),
        (CLOSES - timedelta(microseconds=1), True, False, "open"),
        (CLOSES, True, False, "ended"),
        (OPENS, True, True, "ended"),
        (OPENS, False, False, "draft"),
        (CLOSES, False, True, "draft"),
    ],
)
def test_a_campaign_s_phase_is_the_same_from_datetimes_and_from_stamps(
    now, published, ended, expected
):
    assert phase(now, OPENS, CLOSES, published=published, ended=ended) == expected
    from_stamps = phase(stamp(now), stamp(OPENS), stamp(CLOSES), published=published, ended=ended)
    assert from_stamps == expected
    assert is_open(now, OPENS, CLOSES, published=published, ended=ended) == (expected == "open")
