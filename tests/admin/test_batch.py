"""The admin side of a batch draw: requests counted, and the one draw run from the monitor."""

import re

from tests.factories import Terminal, make_campaign

from .helpers import HTMX


def ask(app, n):
    t = Terminal(app.test_client(), "lots")
    return t.post(
        "/apply",
        {
            "name": f"P{n}",
            "postal_code": "104-0061",
            "address": "Tokyo",
            "phone": f"090{n:08d}",
            "email": f"p{n}@example.jp",
        },
    )


def test_the_monitor_counts_requests_and_runs_the_draw_once_after_the_end(
    app, admin, admin_account, clock
):
    make_campaign(app, slug="lots", mode="speed", draw="batch", prizes=((25, 2),), losing=3)
    for n in range(1, 4):
        assert ask(app, n).status_code == 303
    html = admin.get("/admin/campaigns/lots").get_data(as_text=True)
    assert '<dd id="asked">3</dd>' in html and "Run the batch draw" not in html
    # Before the end the draw is refused and nothing is drawn.
    early = admin.post("/admin/campaigns/lots/draw")
    assert early.status_code == 409 and "still taking requests" in early.get_data(as_text=True)
    clock.advance(days=31)
    admin.login(*admin_account)  # a session lasts 12 hours at most
    html = admin.get("/admin/campaigns/lots").get_data(as_text=True)
    assert "Run the batch draw" in html
    assert admin.post("/admin/campaigns/lots/draw", headers=HTMX).status_code == 200
    again = admin.post("/admin/campaigns/lots/draw")
    assert again.status_code == 409 and "drawn already" in again.get_data(as_text=True)
    html = admin.get("/admin/campaigns/lots").get_data(as_text=True)
    assert "Run the batch draw" not in html
    confirmed = int(re.search(r'<dd id="confirmed">(\d+)</dd>', html).group(1))
    lost = int(re.search(r'<dd id="lost">(\d+) / 3</dd>', html).group(1))
    assert confirmed + lost == 3 and confirmed <= 2  # every request drawn, two prizes at most
    assert "ran the batch draw" in admin.get("/admin/audit").get_data(as_text=True)


def test_an_instant_campaign_has_no_batch_draw(app, admin, campaign):
    assert admin.post("/admin/campaigns/spring/draw").status_code == 404
