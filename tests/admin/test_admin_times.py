"""Times in the admin are on the campaign's clock, and say which clock that is."""

import re

from app.jobs import run_pending
from tests.factories import make_campaign
from tests.invite.conftest import CSV

from .test_candidates import upload


def test_the_list_and_the_audit_log_use_the_campaigns_zone(app, admin):
    # Opens 2026-12-09 12:00 UTC, closes 2027-01-09 12:00 UTC: 21:00 in Tokyo.
    make_campaign(app, timezone="Asia/Tokyo")
    make_campaign(app, slug="london", timezone="Europe/London")
    html = admin.get("/admin/").get_data(as_text=True)
    assert "Dec 9, 2026, 9:00 PM to Jan 9, 2027, 9:00 PM" in html  # Tokyo
    assert "Dec 9, 2026, 12:00 PM to Jan 9, 2027, 12:00 PM" in html  # London in winter
    admin.post("/admin/campaigns/spring/close", {"confirm": "yes"})  # at 2026-12-10 12:00 UTC
    html = admin.get("/admin/audit").get_data(as_text=True)
    # ISO 8601 in the campaign's zone, with the offset and whole seconds.
    assert '<time datetime="2026-12-10T21:00:00+09:00">2026-12-10T21:00:00+09:00</time>' in html
    # Signing in belongs to no campaign: its time is in the shop's zone (TIMEZONE), not UTC.
    assert "+00:00" not in html and not re.search(r"\d\d:\d\d:\d\d\.\d", html)
    assert html.count("2026-12-10T21:00:00+09:00</time>") == 2  # the close and the sign-in
    assert ">opened now<" not in html and ">closed early<" in html


def test_the_japanese_admin_writes_times_the_japanese_way(app, admin):
    make_campaign(app, timezone="Asia/Tokyo")
    admin.client.set_cookie("lang", "ja")
    html = admin.get("/admin/").get_data(as_text=True)
    assert "2026年12月9日 21:00から2027年1月9日 21:00まで" in html


def test_the_outbox_shows_an_invitations_time_in_its_campaigns_zone(app, admin):
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),), timezone="Asia/Tokyo")
    upload(admin, CSV.encode())
    run_pending(app)
    admin.post("/admin/candidates/invite", {"campaign": "vip"})
    admin.post("/admin/campaigns/vip/invitations/send")
    run_pending(app)
    html = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Dec 10, 2026, 9:00 PM (Asia/Tokyo)" in html
