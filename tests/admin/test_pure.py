"""Pure parts of the admin: charts, time buckets, the form mapping, the editing rules."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from defusedxml import ElementTree  # installed with fpdf2

from app.admin import charts, timeline
from app.admin.forms import breakdown, conditions_data, form_values, prize_rows
from app.lottery.conditions import conditions_from_dict
from app.lottery.editing import edit_problems
from tests.factories import START, conditions

NOW = datetime(2026, 12, 10, 12, 34, 56, tzinfo=UTC)


def test_hbar_chart_is_valid_svg_with_escaped_labels():
    svg = charts.hbar_chart("Left <now>", [("<b>&", 3, 10), ("20 % off", 0, 5)])
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("role") == "img"
    assert "<b>" not in svg and "&lt;b&gt;&amp; — 3 of 10 left" in svg
    widths = [r.get("width") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert widths == ["318", "95.4", "318", "0.0"]


def test_column_chart_scales_to_the_peak_and_handles_no_data():
    svg = charts.column_chart("Draws", [("12:00", 2), ("12:01", 4)])
    root = ElementTree.fromstring(svg)
    heights = [r.get("height") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert heights == ["60.0", "120.0"]
    empty = charts.column_chart("Draws", [])
    ElementTree.fromstring(empty)
    assert "No claims yet" in empty


def test_timeline_picks_minutes_hours_or_days():
    assert timeline.window(NOW - timedelta(minutes=30), NOW)[0] == "minute"
    bucket, start, end = timeline.window(NOW - timedelta(days=2), NOW)
    assert bucket == "hour" and start == datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    assert timeline.window(NOW - timedelta(days=30), NOW)[0] == "day"


def test_timeline_edges_cover_the_window_and_label_each_bucket():
    start = datetime(2026, 12, 10, 12, 0, 30, tzinfo=UTC)
    bounds = timeline.edges("minute", start, start + timedelta(minutes=3))
    assert [b.strftime("%H:%M") for b in bounds] == ["12:00", "12:01", "12:02", "12:03", "12:04"]
    cols = timeline.columns("minute", bounds, [0, 0, 5, 0])
    assert cols == [("12:00", 0), ("12:01", 0), ("12:02", 5), ("12:03", 0)]
    many = timeline.edges("minute", start, start + timedelta(hours=5))
    assert len(many) == timeline.MAX_COLUMNS + 1


def test_the_form_mapping_round_trips_conditions():
    c = conditions(losing=3)
    values = form_values(c)
    assert conditions_from_dict(conditions_data(values)) == c
    assert prize_rows(values) == 5


def test_the_form_keeps_non_numbers_for_the_validators_message():
    data = conditions_data({"prize-1-label": "x", "prize-1-value": "1e3", "prize-1-count": "5"})
    assert data["prizes"] == [{"label": "x", "value": "1e3", "unit": "", "count": 5}]
    assert "hold_minutes" not in data  # blank: the file's default applies


def test_breakdown_shares_add_up():
    rows = breakdown(conditions(losing=25))
    assert [r[1] for r in rows] == [70, 20, 10, 25]
    assert round(sum(r[2] for r in rows), 6) == 100


def test_edit_rules():
    old = conditions()
    later = replace(old, closes=old.closes + timedelta(days=5))
    fewer = replace(old, prizes=old.prizes[:1])
    assert edit_problems(old, fewer, claimed=False, now=START) == []
    assert edit_problems(old, later, claimed=True, now=START) == []
    assert edit_problems(old, fewer, claimed=True, now=START) == [
        "prizes: cannot change once a tile has been claimed"
    ]
    sooner = replace(old, closes=old.closes - timedelta(days=5))
    assert edit_problems(old, sooner, claimed=True, now=START) == [
        "closes: can only be extended once a tile has been claimed"
    ]
    past = replace(old, closes=START - timedelta(minutes=1), opens=START - timedelta(days=2))
    assert "closes: must be in the future" in edit_problems(old, past, False, START)[-1]
    assert edit_problems(old, replace(old, slug="x"), False, START)[0].startswith("slug:")
