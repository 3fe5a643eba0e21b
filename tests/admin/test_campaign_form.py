"""The campaign form's zone picker, local times and every condition-file field."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from app.lottery.conditions import parse_conditions
from app.store import campaigns, get_db
from tests.factories import START, make_campaign
from tests.unit.test_conditions import GAME

from .helpers import beside, form_fields
from .test_campaigns import form

TOKYO = ZoneInfo("Asia/Tokyo")


def conditions_of(admin, slug):
    admin.get(f"/admin/campaigns/{slug}/conditions.toml")
    return parse_conditions(admin.text())


def test_a_new_campaign_starts_in_tokyo_time(admin):
    admin.get("/admin/campaigns/new")
    fields = form_fields(admin.text())
    assert fields["timezone"] == "Asia/Tokyo"
    # START is 12:00 UTC: 21:00 on a Tokyo clock, typed without an offset.
    assert fields["opens"] == "2026-12-10T21:00"
    assert fields["closes"] == "2027-01-09T21:00"
    html = admin.text()
    assert html.index('value="Asia/Tokyo"') < html.index('value="UTC"')
    assert 'type="datetime-local"' in html


def test_local_times_are_read_in_the_chosen_zone_and_stored_with_it(app, admin):
    data = form(
        action="save", timezone="Asia/Tokyo", opens="2026-12-10T09:00", closes="2026-12-31T23:59"
    )
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    c = conditions_of(admin, "autumn")
    assert c.timezone == "Asia/Tokyo"
    assert c.opens == datetime(2026, 12, 10, 9, 0, tzinfo=TOKYO)
    assert c.closes == datetime(2026, 12, 31, 23, 59, tzinfo=TOKYO)
    admin.get("/admin/campaigns/autumn/conditions.toml")
    assert "opens  = 2026-12-10T09:00:00+09:00" in admin.text()
    assert 'timezone = "Asia/Tokyo"' in admin.text()
    with app.app_context():
        assert campaigns.by_slug(get_db(), "autumn").timezone == "Asia/Tokyo"


def test_the_same_clock_time_in_another_zone_is_another_moment(admin):
    data = form(action="save", timezone="America/New_York", opens="2026-12-10T09:00")
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    c = conditions_of(admin, "autumn")
    assert c.opens == datetime(2026, 12, 10, 14, 0, tzinfo=ZoneInfo("UTC"))


def test_editing_shows_stored_times_on_the_campaigns_clock(app, admin):
    make_campaign(app, timezone="Asia/Tokyo")
    admin.get("/admin/campaigns/spring/edit")
    fields = form_fields(admin.text())
    assert fields["timezone"] == "Asia/Tokyo"
    assert fields["opens"] == (START - timedelta(days=1)).astimezone(TOKYO).strftime(
        "%Y-%m-%dT%H:%M"
    )
    # Saving unchanged keeps the very same moments.
    data = {**fields, "title": "Renamed", "action": "save"}
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    assert conditions_of(admin, "spring").opens == START - timedelta(days=1)


def test_a_campaign_in_a_fixed_offset_keeps_it(app, admin):
    offset = datetime.fromisoformat("2026-12-09T21:00+09:00")
    make_campaign(app, opens=offset)
    admin.get("/admin/campaigns/spring/edit")
    fields = form_fields(admin.text())
    assert fields["timezone"] == "+09:00" and fields["opens"] == "2026-12-09T21:00"
    data = {**fields, "title": "Renamed", "action": "save"}
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    c = conditions_of(admin, "spring")
    assert c.timezone == "" and c.zone == "+09:00" and c.opens == offset


def test_every_condition_field_round_trips_through_the_form(admin):
    data = form(
        action="save",
        mode="speed",
        draw="batch",
        tilt="300",
        reveal="roulette",
        game="stop",
        **{
            "merit-speed": "50",
            "merit-speed_hours_full": "12",
            "merit-speed_hours_zero": "96.5",
            "merit-purchases": "30",
            "merit-purchases_full": "5",
            "merit-game": "20",
            # A tilt needs prizes of one unit.
            "prize-2-label": "10 % off",
            "prize-2-value": "10",
            "prize-2-unit": "percent",
        },
    )
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    c = conditions_of(admin, "autumn")
    assert (c.mode, c.draw, c.tilt, c.reveal, c.game) == ("speed", "batch", 300, "roulette", "stop")
    m = c.merit
    assert (m.speed, m.speed_hours_full, m.speed_hours_zero) == (50, 12, 96.5)
    assert (m.purchases, m.purchases_full, m.game) == (30, 5, 20)
    # The edit form shows them back, and saving it unchanged changes nothing.
    admin.get("/admin/campaigns/autumn/edit")
    fields = form_fields(admin.text())
    assert fields["mode"] == "speed" and fields["merit-speed_hours_zero"] == "96.5"
    data = {**fields, "action": "save"}
    assert admin.post("/admin/campaigns/autumn/edit", data).status_code == 303
    assert conditions_of(admin, "autumn") == c


def test_the_form_checks_the_new_fields_as_the_file_does(admin):
    bad = form(
        action="save",
        mode="board",
        draw="batch",
        tilt="2000",
        reveal="dice",
        game="quiz",
        timezone="Mars/Olympus",
        **{"merit-speed": "500", "merit-speed_hours_full": "soon"},
    )
    assert admin.post("/admin/campaigns/new", bad).status_code == 422
    html = admin.text()
    for name, line in (
        ("mode", "A batch draw has no board: choose the speed mode."),
        ("tilt", "must be between 0 and 1000"),
        ("reveal", "one of scratch, roulette"),
        ("game", "game.questions: between 1 and 20 questions"),
        ("timezone", "an IANA time zone name"),
        ("merit-speed", "a whole number between 0 and 100"),
        ("merit-speed_hours_full", "a number between 0 and 8760"),
    ):
        assert beside(html, name, line), line


def upload(admin, text):
    admin.get("/admin/campaigns/new")
    response = admin.client.post(
        "/admin/campaigns/upload",
        data={"csrf_token": admin.token, "file": (io.BytesIO(text.encode()), "spring.toml")},
        content_type="multipart/form-data",
    )
    return response.get_data(as_text=True)


def test_a_quizs_questions_stay_while_the_game_does(admin):
    html = upload(admin, GAME)
    assert "can be written only in a condition file" in html
    fields = form_fields(html)
    assert fields["game"] == "quiz" and fields["mode"] == "speed"
    assert admin.post("/admin/campaigns/new", {**fields, "action": "save"}).status_code == 303
    admin.get("/admin/campaigns/spring/edit")
    assert "game settings are kept" in admin.text()
    fields = form_fields(admin.text())
    data = {**fields, "title": "Renamed", "action": "save"}
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    c = conditions_of(admin, "spring")
    assert c.title == "Renamed" and len(c.game_settings["questions"]) == 1
    # Another game drops the quiz's questions; back to the quiz needs a file again.
    data = {**fields, "game": "memory", "action": "save"}
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    assert conditions_of(admin, "spring").game_settings == {}
    assert admin.post("/admin/campaigns/spring/edit", {**data, "game": "quiz"}).status_code == 422


def test_the_preview_shows_times_in_the_zone_and_values_formatted(admin):
    data = form(action="preview", timezone="Asia/Tokyo", opens="2026-12-10T09:00")
    admin.post("/admin/campaigns/new", data)
    html = admin.text()
    assert "Dec 10, 2026, 9:00 AM" in html
    assert "30% off" in html and "¥500" in html


def test_electronic_coupons_and_their_expiry_are_set_in_the_form(admin):
    data = form(action="save", issue="both", coupon_expires="30")
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    c = conditions_of(admin, "autumn")
    assert (c.issue, c.coupon_expires) == ("both", 30)
    admin.get("/admin/campaigns/autumn/edit")
    fields = form_fields(admin.text())
    assert (fields["issue"], fields["coupon_expires"]) == ("both", "30")
    data = form(action="save", issue="electronic", coupon_expires="2027-03-31T23:59")
    assert admin.post("/admin/campaigns/new", {**data, "slug": "winter"}).status_code == 303
    winter = conditions_of(admin, "winter")
    assert winter.coupon_expires == datetime(2027, 3, 31, 23, 59, tzinfo=TOKYO)
    bad = admin.post("/admin/campaigns/new", {**form(issue="carrier pigeon"), "slug": "bad"})
    assert bad.status_code == 422


def test_contact_before_the_reveal_is_set_in_the_form_and_kept_by_the_file(app, admin):
    admin.get("/admin/campaigns/new")
    assert form_fields(admin.text())["reveal_order"] == "before-contact"
    data = form(action="save", reveal_order="after-contact")
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    assert conditions_of(admin, "autumn").reveal_order == "after-contact"
    text = admin.text()
    assert 'reveal_order = "after-contact"' in text
    with app.app_context():
        assert campaigns.by_slug(get_db(), "autumn").contact_first
    admin.get("/admin/campaigns/autumn/edit")
    assert form_fields(admin.text())["reveal_order"] == "after-contact"
    # The exported file, uploaded again as another campaign, keeps the option.
    fields = form_fields(upload(admin, text.replace('"autumn"', '"winter"')))
    assert fields["reveal_order"] == "after-contact"
    assert admin.post("/admin/campaigns/new", {**fields, "action": "save"}).status_code == 303
    assert conditions_of(admin, "winter").reveal_order == "after-contact"
    bad = admin.post("/admin/campaigns/new", {**form(reveal_order="whenever"), "slug": "bad"})
    assert bad.status_code == 422
    assert beside(admin.text(), "reveal_order", "one of before-contact, after-contact")


def test_the_shops_contact_address_is_set_kept_and_checked_in_the_form(app, admin):
    data = form(action="save", shop_email="owner@shop.example.jp")
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    assert conditions_of(admin, "autumn").shop_email == "owner@shop.example.jp"
    with app.app_context():
        stored = campaigns.by_slug(get_db(), "autumn").settings.shop_email
    assert stored == "owner@shop.example.jp"  # in the settings requests and jobs read
    admin.get("/admin/campaigns/autumn/edit")
    fields = form_fields(admin.text())
    assert fields["shop_email"] == "owner@shop.example.jp"
    changed = {**fields, "shop_email": "sales@shop.example.jp", "action": "save"}
    assert admin.post("/admin/campaigns/autumn/edit", changed).status_code == 303
    assert conditions_of(admin, "autumn").shop_email == "sales@shop.example.jp"
    bad = {**fields, "shop_email": "sales at shop", "action": "save"}
    assert admin.post("/admin/campaigns/autumn/edit", bad).status_code == 422
    html = admin.text()
    assert beside(html, "shop_email", "one e-mail address, e.g. shop@example.jp")
    assert '<a href="#f-shop-email">Shop&#39;s contact e-mail</a>' in html
    assert conditions_of(admin, "autumn").shop_email == "sales@shop.example.jp"


def test_the_shops_address_is_refused_in_japanese_beside_its_field(admin):
    admin.client.set_cookie("lang", "ja")
    admin.get("/admin/campaigns/new")
    assert admin.post("/admin/campaigns/new", form(shop_email="店のアドレス")).status_code == 422
    html = admin.text()
    assert beside(html, "shop_email", "メールアドレスを1つ書いてください")
    assert "店舗の連絡先メールアドレス(任意)" in html
