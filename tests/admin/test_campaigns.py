"""Campaign setup through the admin: form, preview, upload, edit, open, close, download."""

import io
import re
from datetime import timedelta

from app.lottery.conditions import parse_conditions
from app.store import audit, campaigns, get_db
from tests.factories import START, Terminal, make_campaign
from tests.unit.test_conditions import GOOD

from .helpers import beside, form_fields

OPENS = (START - timedelta(hours=1)).isoformat()
CLOSES = (START + timedelta(days=7)).isoformat()


def form(**overrides):
    data = {
        "title": "Autumn sale",
        "slug": "autumn",
        "goods": "Blu-ray discs — up to 30 % off",
        "opens": OPENS,
        "closes": CLOSES,
        "hold_minutes": "10",
        "losing": "5",
        "prize-1-label": "30 % off",
        "prize-1-value": "30",
        "prize-1-unit": "percent",
        "prize-1-count": "15",
        "prize-2-label": "500 yen off",
        "prize-2-value": "500",
        "prize-2-unit": "yen",
        "prize-2-count": "30",
        "prize-3-label": "",
        "prize-3-value": "",
        "prize-3-unit": "percent",
        "prize-3-count": "",
    }
    return {**data, **overrides}


def events(app):
    with app.app_context():
        return [(e.action, e.campaign) for e in audit.recent(get_db())]


def test_preview_shows_the_breakdown_and_saves_nothing(app, admin):
    response = admin.post("/admin/campaigns/new", form(action="preview"))
    html = admin.text()
    assert response.status_code == 200
    assert '<strong id="preview-sheets">50</strong> sheets' in html
    assert re.search(r"30 % off</td><td class=\"num\">15</td><td class=\"num\">30.0 %", html)
    assert re.search(r"500 yen off</td><td class=\"num\">30</td><td class=\"num\">60.0 %", html)
    assert 'no prize (losing)</td><td class="num">5</td><td class="num">10.0 %' in html
    assert 'value="save"' in html
    with app.app_context():
        assert campaigns.by_slug(get_db(), "autumn") is None


def test_save_creates_the_campaign_and_logs_it(app, admin):
    response = admin.post("/admin/campaigns/new", form(action="save"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/campaigns/autumn"
    with app.app_context():
        db = get_db()
        c = campaigns.by_slug(db, "autumn")
        assert c.tile_count == 50 and c.hold_minutes == 10
        assert campaigns.counts(db, c.id)["free"] == 50
        prizes = sorted((p.label, p.count) for p in campaigns.prizes(db, c.id).values())
    assert prizes == [("30 % off", 15), ("500 yen off", 30)]
    assert ("created", "autumn") in events(app)
    admin.get("/admin/")
    assert "Autumn sale" in admin.text() and "state-draft" in admin.text()


def test_a_draft_is_invisible_to_the_public_until_published(app, admin):
    admin.post("/admin/campaigns/new", form(action="save"))
    public = app.test_client()
    assert public.get("/c/autumn").status_code == 404
    assert public.get("/c/autumn/tiles?v=0").status_code == 404
    assert "autumn" not in public.get("/").get_data(as_text=True)
    assert 'action="/admin/campaigns/autumn/publish"' in admin.get(
        "/admin/campaigns/autumn"
    ).get_data(True)
    assert admin.post("/admin/campaigns/autumn/publish").status_code == 303
    assert ("published", "autumn") in events(app)
    assert public.get("/c/autumn").status_code == 200
    assert admin.post("/admin/campaigns/autumn/publish").status_code == 409


def test_the_form_gives_the_files_own_messages(app, admin):
    bad = form(
        action="save",
        slug="Bad Slug",
        closes=OPENS,
        **{"prize-1-count": "0", "prize-2-unit": "dollars", "prize-2-value": "lots"},
    )
    response = admin.post("/admin/campaigns/new", bad)
    html = admin.text()
    assert response.status_code == 422
    # Each beside its own field, without the file's key; the summary names the form's label.
    for name, line in (
        ("slug", "required, 1-64 characters of a-z, 0-9 and &#39;-&#39;"),
        ("closes", "Must be after the opening time."),
        ("prize-1-count", "must be between 1 and 100000"),
        ("prize-2-value", "must be a whole number"),
        ("prize-2-unit", "one of percent, yen, points"),
    ):
        assert beside(html, name, line), line
    assert '<a href="#p2-value">Prize 2: Value</a>: must be a whole number' in html
    assert "prizes[" not in html
    # What was typed stays in the form.
    assert 'value="Bad Slug"' in html
    with app.app_context():
        assert campaigns.all_campaigns(get_db()) == []


def test_a_form_without_prizes_or_dates_is_refused(admin):
    blank = {k: "" for k in form()}
    admin.post("/admin/campaigns/new", {**blank, "action": "save"})
    html = admin.text()
    assert beside(html, "title", "required text")
    assert beside(html, "opens", "required date and time")
    assert beside(html, "prize-1-label", "Fill in at least one prize.")


def test_a_taken_slug_is_refused_like_the_command_line(app, admin):
    make_campaign(app, slug="autumn")
    response = admin.post("/admin/campaigns/new", form(action="save"))
    assert response.status_code == 422
    assert beside(admin.text(), "slug", "a campaign called &#39;autumn&#39; already exists")


def test_uploading_a_file_previews_it_and_saving_keeps_its_text(app, admin):
    source = "# our spring file\n" + GOOD
    admin.get("/admin/campaigns/new")
    response = admin.client.post(
        "/admin/campaigns/upload",
        data={"csrf_token": admin.token, "file": (io.BytesIO(source.encode()), "spring.toml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="preview-sheets">95<' in html
    data = form_fields(html)
    data["action"] = "save"
    data["source"] = source
    assert admin.post("/admin/campaigns/new", data).status_code == 303
    admin.get("/admin/campaigns/spring/conditions.toml")
    assert admin.text() == source


def test_a_bad_upload_lists_its_problems(admin):
    admin.get("/admin/campaigns/new")
    response = admin.client.post(
        "/admin/campaigns/upload",
        data={"csrf_token": admin.token, "file": (io.BytesIO(b"title = 3\n"), "x.toml")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "title: required text" in html and "Traceback" not in html


def test_the_condition_file_downloads_as_toml_and_parses_back(app, admin):
    make_campaign(app)
    response = admin.get("/admin/campaigns/spring/conditions.toml")
    assert response.mimetype == "application/toml"
    assert 'filename="spring.toml"' in response.headers["Content-Disposition"]
    c = parse_conditions(admin.text())
    assert c.slug == "spring" and c.tile_count == 100


def edit_form(admin, slug="spring", **changes):
    admin.get(f"/admin/campaigns/{slug}/edit")
    return {**form_fields(admin.text()), **changes}


def test_prizes_can_change_before_the_first_claim(app, admin):
    make_campaign(app)
    data = edit_form(admin, **{"prize-1-count": "5", "action": "save"})
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    with app.app_context():
        db = get_db()
        c = campaigns.by_slug(db, "spring")
        assert c.tile_count == 35 and campaigns.counts(db, c.id)["free"] == 35
    assert ("edited", "spring") in events(app)


def test_prizes_are_fixed_once_a_tile_was_claimed(app, admin):
    make_campaign(app)
    Terminal(app.test_client()).claim(1)
    admin.get("/admin/campaigns/spring/edit")
    assert "the prizes and the opening time are fixed" in admin.text()
    data = edit_form(admin, **{"prize-1-count": "5", "action": "save"})
    response = admin.post("/admin/campaigns/spring/edit", data)
    assert response.status_code == 422
    assert beside(admin.text(), "prize-1-label", "cannot change once a tile has been claimed")
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").tile_count == 100


def test_the_period_can_be_extended_after_claims_but_not_shortened(app, admin):
    make_campaign(app)
    Terminal(app.test_client()).claim(1)
    later = (START + timedelta(days=60)).isoformat()
    sooner = (START + timedelta(days=2)).isoformat()
    data = edit_form(admin, closes=sooner, action="save")
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 422
    assert beside(admin.text(), "closes", "can only be extended once a tile has been claimed")
    data = edit_form(admin, closes=later, action="save")
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").closes == START + timedelta(days=60)
    assert ("extended", "spring") in events(app)
    admin.get("/admin/campaigns/spring/conditions.toml")
    assert parse_conditions(admin.text()).closes == START + timedelta(days=60)


def test_the_slug_cannot_be_changed_by_tampering(app, admin):
    make_campaign(app)
    data = {**edit_form(admin, title="Renamed", action="save"), "slug": "other"}
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 303
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").title == "Renamed"
        assert campaigns.by_slug(get_db(), "other") is None


def test_closing_early_asks_first_then_ends_the_campaign(app, admin, clock):
    make_campaign(app)
    holder = Terminal(app.test_client())
    holder.claim(3)
    page = admin.get("/admin/campaigns/spring/close")
    assert page.status_code == 200 and "Yes, close the campaign now" in admin.text()
    # A post without the confirmation only shows the question again.
    assert admin.post("/admin/campaigns/spring/close").status_code == 200
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").phase(clock()) == "open"
    response = admin.post("/admin/campaigns/spring/close", {"confirm": "yes"})
    assert response.status_code == 303
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").phase(clock()) == "ended"
    assert ("closed", "spring") in events(app)
    # The holder can no longer confirm; the board says it has closed.
    assert holder.confirm().status_code == 403
    assert "has closed" in Terminal(app.test_client()).get().get_data(as_text=True)
    assert admin.post("/admin/campaigns/spring/close", {"confirm": "yes"}).status_code == 409
    # Ended campaigns cannot be edited any more.
    data = edit_form(admin, title="Too late", action="save")
    assert admin.post("/admin/campaigns/spring/edit", data).status_code == 409


def test_a_scheduled_campaign_can_be_opened_now(app, admin, clock):
    make_campaign(app, opens=START + timedelta(days=1))
    admin.get("/admin/campaigns/spring")
    assert "scheduled" in admin.text() and "Open now" in admin.text()
    assert admin.post("/admin/campaigns/spring/open").status_code == 303
    with app.app_context():
        assert campaigns.by_slug(get_db(), "spring").phase(clock()) == "open"
    assert ("opened", "spring") in events(app)
    assert admin.post("/admin/campaigns/spring/open").status_code == 409


def test_an_unknown_campaign_is_404_inside_the_admin(admin):
    for path in (
        "/admin/campaigns/nope",
        "/admin/campaigns/nope/edit",
        "/admin/campaigns/nope.csv",
    ):
        assert admin.get(path).status_code == 404


def _closed_state(db, slug):
    """What closing leaves of a campaign: its row, its stored file and settings, its tiles."""
    row = db.execute(
        "SELECT id, opens, closes, ended_at, version, free, settings, conditions"
        " FROM campaigns WHERE slug = ?",
        [slug],
    ).fetchone()
    tiles = db.execute(
        "SELECT no, state FROM tiles WHERE campaign_id = ? ORDER BY no", [row[0]]
    ).fetchall()
    entries = db.execute(
        "SELECT tile_no, state, ended_at FROM entries WHERE campaign_id = ?", [row[0]]
    ).fetchall()
    return (*row[1:7], row[7].replace(slug, "<slug>"), tiles, entries)


def test_closing_from_the_cli_and_from_the_admin_leaves_the_same_state(app, admin, runner, clock):
    for slug in ("by-cli", "by-admin"):
        make_campaign(app, slug=slug, prizes=((25, 3),))
        Terminal(app.test_client(), slug).claim(2)  # a hold that closing returns
    clock.advance(hours=1)
    assert runner.invoke(args=["campaign", "close", "by-cli"]).exit_code == 0
    assert admin.post("/admin/campaigns/by-admin/close", {"confirm": "yes"}).status_code == 303
    with app.app_context():
        by_cli, by_admin = (_closed_state(get_db(), s) for s in ("by-cli", "by-admin"))
        closed = campaigns.by_slug(get_db(), "by-cli")
    assert by_cli == by_admin
    assert closed.closes == clock.now and closed.phase(clock.now) == "ended"
    assert parse_conditions(by_cli[6].replace("<slug>", "by-cli")).closes == clock.now
    assert by_cli[7] == [(1, "free"), (2, "free"), (3, "free")]
