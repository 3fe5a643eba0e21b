"""Pure rules of e-coupons and kiosk tickets: codes, normalisation, expiry, verdicts."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from app.lottery import ecoupons as rules
from app.lottery.codes import ALPHABET
from app.lottery.conditions import (
    ConditionsError,
    conditions_from_dict,
    parse_conditions,
    to_toml,
    zone_info,
)

BASE = """
title = "t"
slug = "s"
goods = "g"
opens = 2026-12-01T09:00:00+09:00
closes = 2026-12-31T23:59:59+09:00
[[prizes]]
label = "100 points"
value = 100
unit = "points"
count = 3
"""


def test_a_coupon_code_has_at_least_80_bits_from_the_alphabet_without_look_alikes():
    code = rules.new_coupon_code(random.Random(1))
    assert rules.coupon_bits() >= 80
    assert len(code) == rules.COUPON_LENGTH
    assert set(code) <= set(ALPHABET)
    assert not set(code) & set("01258OILSZB")


def test_codes_differ():
    rng = random.Random(2)
    assert len({rules.new_coupon_code(rng) for _ in range(1000)}) == 1000


def test_typed_codes_are_forgiven_case_dashes_spaces_and_full_width():
    code = rules.new_coupon_code(random.Random(3))
    shown = rules.shown(code)
    assert shown.count("-") == 2
    assert rules.normalise(shown.lower(), rules.COUPON_LENGTH) == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert rules.normalise(full_width, rules.COUPON_LENGTH) == code
    assert rules.normalise(f"https://shop.example/coupon/{shown}", rules.COUPON_LENGTH) == code


@pytest.mark.parametrize(
    "text",
    ["", None, "short", "O" * 18, "A" * 17, "A" * 19, "<script>", "../../etc/passwd", "\x00" * 18],
)
def test_anything_that_cannot_be_a_code_is_none(text):
    assert rules.normalise(text, rules.COUPON_LENGTH) is None


def test_ticket_codes_are_short():
    code = rules.new_ticket_code(random.Random(4))
    assert len(code) == 8
    assert rules.normalise(rules.shown(code), rules.TICKET_LENGTH) == code


def test_expiry_in_days_runs_to_the_end_of_that_day_in_the_campaign_zone():
    tokyo = zone_info("+09:00")
    confirmed = datetime(2026, 12, 10, 20, 0, tzinfo=UTC)  # already 11 December in Tokyo
    until = rules.expiry(7, confirmed, tokyo)
    assert until == datetime(2026, 12, 19, 0, 0, tzinfo=tokyo)
    assert rules.expiry(0, confirmed, tokyo) == datetime(2026, 12, 12, 0, 0, tzinfo=tokyo)


def test_expiry_as_a_moment_and_none():
    at = datetime(2027, 3, 31, 23, 59, 59, tzinfo=zone_info("+09:00"))
    assert rules.expiry(at, datetime.now(UTC), zone_info("+09:00")) == at
    assert rules.expiry(None, datetime.now(UTC), zone_info("+09:00")) is None


def test_verdicts():
    now = datetime(2026, 12, 10, tzinfo=UTC)
    assert rules.verdict(None, now) == "unknown"
    assert rules.verdict(rules.CouponState(None, None), now) == "valid"
    assert rules.verdict(rules.CouponState(None, now + timedelta(seconds=1)), now) == "valid"
    assert rules.verdict(rules.CouponState(None, now), now) == "expired"
    assert rules.verdict(rules.CouponState(now, None), now) == "used"


def test_idempotency_keys():
    assert rules.idempotency_key("a" * 24) == "a" * 24
    assert rules.idempotency_key("short") is None
    assert rules.idempotency_key("a" * 20 + "<>") is None
    assert rules.idempotency_key(None) is None


def test_condition_files_take_issue_and_coupon_expires_and_write_them_back():
    c = parse_conditions(BASE)
    assert c.issue == "paper" and c.coupon_expires is None  # defaults
    c = parse_conditions('issue = "electronic"\ncoupon_expires = 30\n' + BASE)
    assert (c.issue, c.coupon_expires) == ("electronic", 30)
    assert parse_conditions(to_toml(c)) == c
    c = parse_conditions('issue = "both"\ncoupon_expires = 2027-03-31T23:59:59+09:00\n' + BASE)
    assert c.coupon_expires == datetime(2027, 3, 31, 23, 59, 59, tzinfo=zone_info("+09:00"))
    assert parse_conditions(to_toml(c)) == c


@pytest.mark.parametrize(
    "line, field",
    [
        ('issue = "email"', "issue"),
        ("coupon_expires = -1", "coupon_expires"),
        ("coupon_expires = 2027-03-31T23:59:59", "coupon_expires"),
        ('coupon_expires = "soon"', "coupon_expires"),
        ("coupon_expires = true", "coupon_expires"),
    ],
)
def test_bad_issue_settings_are_named(line, field):
    with pytest.raises(ConditionsError) as caught:
        parse_conditions(line + "\n" + BASE)
    assert any(str(p).startswith(field) for p in caught.value.problems)


def test_the_form_path_accepts_them_too():
    data = {
        "title": "t", "slug": "s", "goods": "g",
        "opens": "2026-12-01T09:00:00+09:00", "closes": "2026-12-31T23:59:59+09:00",
        "prizes": [{"label": "a", "value": 5, "unit": "yen", "count": 1}],
        "issue": "both", "coupon_expires": "2027-01-31T00:00:00+09:00",
    }  # fmt: skip
    assert conditions_from_dict(data).issue == "both"
