"""Campaign branding: a colour with a readable text colour, and a logo, on its public pages."""

import re
from dataclasses import replace

import pytest
from werkzeug.datastructures import MultiDict

from app.admin.forms import conditions_data, form_values
from app.lottery.branding import contrast, text_on
from app.lottery.conditions import ConditionsError, conditions_from_dict, parse_conditions, to_toml
from app.new_campaign import create_campaign
from tests.admin.test_prize_art import upload
from tests.factories import START, Terminal, conditions
from tests.images import png

LINK = re.compile(r'<link rel="stylesheet" href="(/c/spring/brand/[0-9a-f]{6}\.css)">')


def make(app, **kw):
    c = replace(conditions(), **kw)
    with app.app_context():
        create_campaign(c, START, source=to_toml(c))
    return c


@pytest.mark.parametrize(
    "colour, text", [("#ffff00", "#000000"), ("#1f3a93", "#ffffff"), ("#c0392b", "#ffffff")]
)
def test_the_text_colour_is_the_readable_one(colour, text):
    assert text_on(colour) == text


def test_every_brand_colour_gets_text_of_at_least_aa_contrast():
    for r in range(0, 256, 15):
        for g in range(0, 256, 15):
            for b in range(0, 256, 15):
                colour = f"#{r:02x}{g:02x}{b:02x}"
                assert contrast(colour, text_on(colour)) >= 4.5, colour


def test_the_brand_colour_dresses_the_campaigns_public_pages(app, admin):
    make(app, colour="#1f3a93")
    t = Terminal(app.test_client())
    board = t.get().get_data(as_text=True)
    css = LINK.search(board)
    assert css and '<body class="branded"' in board
    sheet = app.test_client().get(css.group(1))
    assert sheet.mimetype == "text/css" and "immutable" in sheet.headers["Cache-Control"]
    assert "--brand: #1f3a93; --brand-text: #ffffff;" in sheet.get_data(as_text=True)
    assert app.test_client().get("/c/spring/brand/000000.css").status_code == 404
    t.claim(3)
    assert LINK.search(t.get("/entry").get_data(as_text=True))  # the reveal page too
    monitor = admin.get("/admin/campaigns/spring")
    # The admin keeps the app's own look.
    assert monitor.status_code == 200 and "/brand/" not in monitor.get_data(as_text=True)


def test_without_a_colour_or_logo_the_pages_stay_as_they_were(app):
    make(app)
    board = Terminal(app.test_client()).get().get_data(as_text=True)
    assert "/brand/" not in board and "branded" not in board and "lead-logo" not in board
    assert app.test_client().get("/c/spring/brand/1f3a93.css").status_code == 404


def test_an_uploaded_logo_heads_the_campaigns_pages(app, admin):
    c = make(app, logo="shop.png")
    assert 'logo   = "shop.png"' in to_toml(c) and parse_conditions(to_toml(c)).logo == "shop.png"
    assert upload(admin, "logo", png()).status_code == 303
    board = Terminal(app.test_client()).get().get_data(as_text=True)
    logo = re.search(r'<img class="lead-logo" src="(/c/spring/art/[0-9a-f]{32}\.png)"', board)
    assert logo and app.test_client().get(logo.group(1)).status_code == 200


def test_the_admin_form_sets_checks_and_keeps_the_colour():
    c = replace(conditions(), colour="#1f3a93")
    values = form_values(c)
    assert values["colour"] == "#1f3a93"
    kept = {"colour": "#1f3a93"}
    without_field = MultiDict({k: v for k, v in values.items() if k != "colour"})
    assert conditions_from_dict(conditions_data(without_field, kept)).colour == "#1f3a93"
    cleared = MultiDict({**values, "colour": ""})
    assert conditions_from_dict(conditions_data(cleared, kept)).colour == ""
    with pytest.raises(ConditionsError) as bad:
        conditions_from_dict(conditions_data(MultiDict({**values, "colour": "red"}), kept))
    assert any(str(p).startswith("colour:") for p in bad.value.problems)
