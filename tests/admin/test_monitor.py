"""The live monitor: figures per prize value, cheap polls, charts."""

import re

from tests.factories import Terminal, make_campaign

from .conftest import EMAIL, PASSWORD
from .helpers import HTMX

MIXED = ((25, 7), (20, 7), (10, 6))


def left(html: str) -> dict[str, int]:
    return {
        label: int(n)
        for label, n in re.findall(
            r'<tr data-prize="([^"]+)"><td>[^<]+</td><td class="num left">(\d+)</td>', html
        )
    }


def tag_of(html: str) -> str:
    return re.search(r"campaigns/spring\?v=([\w-]+)", html).group(1)


def figure(html: str, name: str) -> str:
    return re.search(rf'<dd id="{name}">([^<]+)</dd>', html).group(1)


def test_the_monitor_shows_remaining_tiles_per_value(app, admin):
    make_campaign(app, prizes=MIXED, losing=2)
    admin.get("/admin/campaigns/spring")
    html = admin.text()
    assert left(html) == {"25 % off": 7, "20 % off": 7, "10 % off": 6}
    assert figure(html, "remaining") == "22"
    assert figure(html, "lost") == "0 / 2"
    assert "30 d 0 h 0 min left" in html
    assert html.count("<svg") == 2


def test_a_claim_lowers_its_values_count_and_confirm_and_cancel_show(app, admin):
    make_campaign(app, prizes=MIXED)
    t = Terminal(app.test_client())
    t.claim(4)
    t.reveal()
    label = re.search(r"<strong>([^<]+)</strong>", t.get("/entry").get_data(True)).group(1)
    html = admin.get("/admin/campaigns/spring").get_data(True)
    expected = {"25 % off": 7, "20 % off": 7, "10 % off": 6}
    expected[label] -= 1
    assert left(html) == expected
    assert figure(html, "held") == "1" and figure(html, "last-minute") == "1"
    t.confirm()
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert figure(html, "held") == "0" and figure(html, "confirmed") == "1"
    other = Terminal(app.test_client())
    other.claim(5)
    other.cancel()
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert figure(html, "cancelled") == "1" and figure(html, "remaining") == "19"


def test_expired_holds_are_counted(app, admin, clock):
    make_campaign(app, prizes=MIXED)
    Terminal(app.test_client()).claim(2)
    clock.advance(minutes=16)
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert figure(html, "expired") == "1" and figure(html, "remaining") == "20"
    assert figure(html, "last-minute") == "0"


def test_a_poll_with_nothing_new_is_204_and_empty(app, admin):
    make_campaign(app, prizes=MIXED)
    tag = tag_of(admin.get("/admin/campaigns/spring").get_data(True))
    response = admin.get(f"/admin/campaigns/spring?v={tag}", headers=HTMX)
    assert response.status_code == 204 and response.data == b""


def test_a_poll_after_a_claim_or_a_confirmation_sends_the_region(app, admin):
    make_campaign(app, prizes=MIXED)
    tag = tag_of(admin.get("/admin/campaigns/spring").get_data(True))
    t = Terminal(app.test_client())
    t.claim(9)
    response = admin.get(f"/admin/campaigns/spring?v={tag}", headers=HTMX)
    html = response.get_data(True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="monitor"') and "<html" not in html
    assert figure(html, "held") == "1"
    # A confirmation does not move the board's version; the monitor notices anyway.
    tag = tag_of(html)
    t.confirm()
    html = admin.get(f"/admin/campaigns/spring?v={tag}", headers=HTMX).get_data(True)
    assert figure(html, "confirmed") == "1"


def test_the_clock_alone_refreshes_the_last_minute_figure(app, admin, clock):
    make_campaign(app, prizes=MIXED)
    tag = tag_of(admin.get("/admin/campaigns/spring").get_data(True))
    clock.advance(seconds=30)
    assert admin.get(f"/admin/campaigns/spring?v={tag}", headers=HTMX).status_code == 200


def test_an_etag_answers_304(app, admin):
    make_campaign(app, prizes=MIXED)
    response = admin.get("/admin/campaigns/spring")
    etag = response.headers["ETag"]
    again = admin.get("/admin/campaigns/spring", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_polling_stops_and_ready_to_issue_shows_when_the_campaign_ends(app, admin, clock):
    make_campaign(app, prizes=MIXED)
    tag = tag_of(admin.get("/admin/campaigns/spring").get_data(True))
    clock.advance(days=31)
    admin.login(EMAIL, PASSWORD)  # a month idle ends any session
    html = admin.get(f"/admin/campaigns/spring?v={tag}", headers=HTMX).get_data(True)
    assert "hx-trigger" not in html and "ready to issue" in html


def test_the_monitor_escapes_prize_labels_in_its_charts(app, admin, db):
    make_campaign(app, prizes=MIXED)
    db.execute("UPDATE prizes SET label = '<script>alert(1)</script>' WHERE position = 0")
    html = admin.get("/admin/campaigns/spring").get_data(True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_claims_over_time_are_charted(app, admin, clock):
    make_campaign(app, prizes=MIXED)
    for n in range(1, 4):
        Terminal(app.test_client()).claim(n)
        clock.advance(minutes=1)
    html = admin.get("/admin/campaigns/spring").get_data(True)
    # Open for a day already: hourly columns, all three draws in this hour.
    assert "Draws per hour" in html and ": 3 draws</title>" in html


def test_the_board_never_shows_the_breakdown_the_monitor_shows(app, client):
    make_campaign(app, prizes=MIXED)
    for path in ("/c/spring", "/c/spring/tiles?v=0"):
        html = client.get(path).get_data(True)
        assert "25 % off" not in html and "per-prize" not in html


def test_time_left_counts_down(app, admin, clock):
    make_campaign(app, prizes=MIXED)
    clock.advance(days=29, hours=23, minutes=30)
    admin.login(EMAIL, PASSWORD)
    assert "0 d 0 h 30 min left" in admin.get("/admin/campaigns/spring").get_data(True)
    clock.advance(minutes=31)
    assert "min left" not in admin.get("/admin/campaigns/spring").get_data(True)


def test_the_monitor_shows_addresses_refused_a_draw(app, admin, new_terminal):
    app.config.update(REDRAWS_PER_ADDRESS=1, HOLDS_PER_ADDRESS={"ipv4": 20, "ipv6": 2})
    first = new_terminal()
    assert first.claim(1, environ_base={"REMOTE_ADDR": "198.51.100.3"}).status_code == 303
    assert first.cancel().status_code == 303
    refused = new_terminal().claim(2, environ_base={"REMOTE_ADDR": "198.51.100.3"})
    assert refused.status_code == 429
    assert "Draws from your network are paused" in refused.get_data(as_text=True)
    html = admin.get("/admin/campaigns/spring").get_data(as_text=True)
    assert "Addresses refused a draw" in html
    assert "<td>198.51.100.3</td>" in html
    assert "draws refused: redraws" in admin.get("/admin/audit").get_data(as_text=True)
