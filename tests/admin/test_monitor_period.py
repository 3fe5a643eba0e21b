"""The monitor says when the campaign takes draws, on the campaign's clock."""

from tests.factories import make_campaign


def test_the_monitor_shows_the_period_in_the_campaigns_zone(app, admin):
    make_campaign(app, timezone="Asia/Tokyo")
    html = admin.get("/admin/campaigns/spring").get_data(as_text=True)
    assert "Receipt period: Dec 9, 2026, 9:00 PM to Jan 9, 2027, 9:00 PM (Asia/Tokyo)." in html
