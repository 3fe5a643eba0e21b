"""Times in a given zone and prize values, as each language writes them."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flask import render_template_string
from flask_babel import force_locale

from app.web.i18n import format_moment, format_value

TOKYO = ZoneInfo("Asia/Tokyo")
MIDNIGHT_UTC = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


@pytest.fixture
def speak(app):
    """Run the body in a request that reads the given language."""

    def enter(language):
        ctx = app.test_request_context(headers={"Accept-Language": language})
        ctx.push()
        contexts.append(ctx)

    contexts = []
    yield enter
    for ctx in reversed(contexts):
        ctx.pop()


@pytest.mark.parametrize(
    ("language", "text"), [("ja", "2026年12月1日 9:00"), ("en", "Dec 1, 2026, 9:00 AM")]
)
def test_a_moment_is_shown_in_the_zone_given(speak, language, text):
    speak(language)
    assert format_moment(MIDNIGHT_UTC, TOKYO) == text


def test_a_moment_keeps_its_own_zone_when_none_is_given(speak):
    speak("ja")
    osaka_evening = datetime(2026, 12, 1, 21, 5, tzinfo=timezone(timedelta(hours=9)))
    assert format_moment(osaka_evening) == "2026年12月1日 21:05"
    assert format_moment(datetime(2026, 12, 1, 21, 5)) == "2026年12月1日 21:05"  # naive is UTC
    with force_locale("en"):
        assert format_moment(osaka_evening, UTC) == "Dec 1, 2026, 12:05 PM"


@pytest.mark.parametrize(
    ("value", "unit", "ja", "en"),
    [
        (1000, "yen", "1,000円", "¥1,000"),
        (25, "percent", "25%オフ", "25% off"),
        (100, "points", "100ポイント", "100 points"),
        (1, "points", "1ポイント", "1 point"),
        (12345, "points", "12,345ポイント", "12,345 points"),
    ],
)
def test_prize_values_in_each_language(speak, value, unit, ja, en):
    speak("ja")
    assert format_value(value, unit) == ja
    with force_locale("en"):
        assert format_value(value, unit) == en


def test_templates_have_the_filters_and_globals(speak):
    speak("ja")
    html = render_template_string(
        "{{ when|moment(zone) }} / {{ 500|value('yen') }} / {{ format_value(10, 'percent') }}",
        when=MIDNIGHT_UTC,
        zone=TOKYO,
    )
    assert html == "2026年12月1日 9:00 / 500円 / 10%オフ"
