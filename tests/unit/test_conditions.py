from datetime import UTC, datetime

import pytest

from app.lottery.conditions import ConditionsError, parse_conditions, to_toml

GOOD = """
title  = "Spring DVD-RAM campaign"
slug   = "spring"
goods  = "DVD-RAM by XYZ corp. — up to 40 % off"
opens  = 2026-12-01T09:00:00+09:00
closes = 2026-12-31T23:59:59+09:00
hold_minutes = 10
losing = 5
[[prizes]]
label = "25 % off"
value = 25
unit  = "percent"
count = 70
[[prizes]]
label = "500 yen off"
value = 500
unit  = "yen"
count = 20
"""


def test_a_good_file_gives_the_breakdown_and_sheets():
    c = parse_conditions(GOOD)
    assert c.slug == "spring"
    assert [(p.label, p.value, p.unit, p.count) for p in c.prizes] == [
        ("25 % off", 25, "percent", 70),
        ("500 yen off", 500, "yen", 20),
    ]
    assert c.losing == 5 and c.hold_minutes == 10
    assert c.tile_count == 95
    assert c.opens == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


def test_optional_fields_take_their_defaults():
    text = GOOD.replace("hold_minutes = 10\n", "").replace("losing = 5\n", "")
    c = parse_conditions(text)
    assert (c.hold_minutes, c.losing, c.tile_count) == (15, 0, 90)


def test_a_file_written_back_reads_the_same():
    c = parse_conditions(GOOD)
    assert parse_conditions(to_toml(c)) == c


def problems(text):
    with pytest.raises(ConditionsError) as info:
        parse_conditions(text)
    return info.value.problems


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('slug   = "spring"', 'slug = "Spring Sale!"'), "slug:"),
        (
            ("closes = 2026-12-31T23:59:59+09:00", "closes = 2026-11-01T00:00:00+09:00"),
            "closes: must be after opens",
        ),
        (
            ("opens  = 2026-12-01T09:00:00+09:00", "opens = 2026-12-01T09:00:00"),
            "opens: needs a time zone",
        ),
        (("opens  = 2026-12-01T09:00:00+09:00", 'opens = "soon"'), "opens: required date and time"),
        (("count = 70", "count = 0"), "prizes[1].count: must be between 1 and"),
        (("count = 70", 'count = "70"'), "prizes[1].count: must be a whole number"),
        (('unit  = "percent"', 'unit = "dollars"'), "prizes[1].unit: one of percent, yen, points"),
        (("value = 25", "value = 140"), "prizes[1].value: a percentage between 1 and 100"),
        (("losing = 5", "losing = -1"), "losing: must be between 0"),
        (("hold_minutes = 10", "hold_minutes = 0"), "hold_minutes: must be between 1"),
        (('title  = "Spring DVD-RAM campaign"', 'title = ""'), "title: required text"),
        (("losing = 5", 'losing = 5\nflavour = "red"'), "unknown field(s): flavour"),
        (("losing = 5", 'losing = 5\ncolour = "red"'), "colour: a colour written as #rrggbb"),
        (("losing = 5", 'losing = 5\ncolour = "#12345"'), "colour: a colour written as #rrggbb"),
        (("losing = 5", 'losing = 5\nlogo = "../logo.png"'), "logo: the name of an uploaded image"),
        (("count = 70", 'count = 70\nimage = "a b.png"'), "prizes[1].image: the name of an"),
        (('label = "500 yen off"', 'label = "25 % off"'), "prizes: each label must be different"),
    ],
)
def test_each_bad_field_is_named(change, expected):
    old, new = change
    assert old in GOOD
    found = problems(GOOD.replace(old, new, 1))
    assert any(p.startswith(expected) for p in found), found


def test_every_problem_is_reported_at_once():
    found = problems('slug = "X"\n[[prizes]]\nlabel = "a"\n')
    assert {p.split(":")[0] for p in found} >= {
        "title",
        "goods",
        "slug",
        "opens",
        "closes",
        "prizes[1].value",
        "prizes[1].unit",
        "prizes[1].count",
    }


def test_broken_toml_is_one_clear_line():
    found = problems("title = ")
    assert len(found) == 1 and found[0].startswith("not valid TOML")


def test_no_prizes_is_refused():
    found = problems(GOOD.split("[[prizes]]")[0])
    assert "prizes: at least one [[prizes]] table is required" in found


def test_more_than_100000_sheets_is_refused():
    found = problems(GOOD.replace("count = 70", "count = 99990"))
    assert any(p.startswith("sheets: 100015 tiles") for p in found)


def test_exactly_100000_sheets_is_allowed():
    assert parse_conditions(GOOD.replace("count = 70", "count = 99975")).tile_count == 100_000


SETTINGS = 'hold_minutes = 10\nreveal = "roulette"\nmode = "speed"'
GAME = (
    GOOD.replace("hold_minutes = 10", SETTINGS)
    + """
[game]
name = "quiz"
[[game.questions]]
question = "How much does one disc hold?"
choices  = ["4.7 GB", "700 MB"]
answer   = 0
"""
)


def test_a_game_and_a_reveal_are_read_checked_and_written_back():
    c = parse_conditions(GAME)
    assert (c.game, c.reveal, len(c.game_settings["questions"])) == ("quiz", "roulette", 1)
    assert parse_conditions(to_toml(c)) == c
    with pytest.raises(ConditionsError, match="not a game"):
        parse_conditions(GAME.replace('name = "quiz"', 'name = "chess"'))
    with pytest.raises(ConditionsError, match="game settings"):
        parse_conditions(GAME.replace("answer   = 0", "answer   = 7"))
    with pytest.raises(ConditionsError, match="reveal"):
        parse_conditions(GAME.replace('reveal = "roulette"', 'reveal = "dice"'))


def test_the_shops_own_address_is_read_checked_and_written_back():
    text = GOOD.replace("losing = 5\n", 'losing = 5\nshop_email = " owner@shop.example.jp "\n')
    c = parse_conditions(text)
    assert c.shop_email == "owner@shop.example.jp"
    assert 'shop_email = "owner@shop.example.jp"' in to_toml(c)
    assert parse_conditions(to_toml(c)) == c
    assert parse_conditions(GOOD).shop_email == ""  # none: the app's SHOP_EMAIL
    assert "shop_email" not in to_toml(parse_conditions(GOOD))


@pytest.mark.parametrize(
    "bad",
    [
        '"not an address"',
        '"a@b.jp, c@d.jp"',
        '"Shop <owner@shop.example.jp>"',
        '"owner@shop.example.jp\\r\\nBcc: x@evil.example"',
        '"店@shop.example.jp"',
        "42",
    ],
)
def test_a_shop_address_that_is_not_one_address_is_refused(bad):
    text = GOOD.replace("losing = 5\n", f"losing = 5\nshop_email = {bad}\n")
    assert [str(p) for p in problems(text)] == [
        "shop_email: one e-mail address, e.g. shop@example.jp"
    ]


def test_a_tilt_needs_prizes_of_one_unit():
    # GOOD mixes 25 % off and ¥500 off: neither is "higher", so a tilt has nothing to favour.
    tilted = GOOD.replace("losing = 5", "losing = 5\ntilt = 100")
    assert [str(p.message) for p in problems(tilted)] == [
        "tilt: a tilt needs every prize in one unit"
    ]
    one_unit = tilted.replace('unit  = "yen"', 'unit  = "percent"').replace(
        "value = 500", "value = 5"
    )
    assert parse_conditions(one_unit).tilt == 100
