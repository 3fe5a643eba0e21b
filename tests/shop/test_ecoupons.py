"""E-coupons: made with the destination, shown at their own URL, mailed in the background."""

import re
from datetime import timedelta

from app import jobs
from app.lottery.contact import Contact
from app.store import batch, campaigns, get_db, outbox
from tests.factories import START, Terminal

from .conftest import code_of, draw_and_confirm, make


def test_a_confirmed_board_draw_gets_an_e_coupon_page_with_value_expiry_and_qr(app, client):
    campaign = make(app, coupon_expires=30, timezone="Asia/Tokyo")
    entry = draw_and_confirm(app, campaign)
    code = code_of(app, entry.id)
    assert code and len(code) == 18
    client.set_cookie("lang", "en")
    page = client.get(f"/coupon/{code}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "25% off" in text or "20% off" in text or "10% off" in text
    assert "DVD-RAM" in text
    assert "Valid until" in text and "2027" in text  # 30 days after 10 December, in Tokyo
    assert "<svg" in text and "<script>" not in text.split("</main>")[0].split("<main")[1]


def test_the_thank_you_page_links_to_the_e_coupon(app):
    make(app)
    t = Terminal(app.test_client())
    t.get()
    t.claim(5)
    t.confirm()
    page = t.get("/entry").get_data(as_text=True)
    assert "/coupon/" in page


def test_paper_only_campaigns_make_no_e_coupon_and_send_no_mail(app):
    campaign = make(app, issue="paper")
    entry = draw_and_confirm(app, campaign)
    assert code_of(app, entry.id) is None
    with app.app_context():
        assert get_db().execute("SELECT count(*) FROM jobs").fetchone()[0] == 0


def test_the_e_coupon_is_mailed_by_a_job_not_by_the_confirmation(app):
    campaign = make(app)
    entry = draw_and_confirm(app, campaign)
    code = code_of(app, entry.id)
    with app.app_context():
        db = get_db()
        assert outbox.count(db) == 0  # the confirmation itself sent nothing
        assert jobs.run_pending(app) == 1
        sent = outbox.page(db)
    assert len(sent) == 1
    assert sent[0]["recipient"] == "hanako1@example.jp"
    assert code[:6] in sent[0]["body"] and "/coupon/" in sent[0]["body"]
    with app.app_context():
        assert jobs.run_pending(app) == 0  # nothing is sent twice


def test_each_coupon_mail_is_written_in_the_language_its_owner_confirmed_in(app):
    make(app)
    for no, lang, email in ((3, "en", "ken@example.jp"), (4, "ja", "aiko@example.jp")):
        t = Terminal(app.test_client(), lang=lang)
        t.get()
        t.claim(no)
        assert t.confirm(email=email, phone=f"090-1234-000{no}").status_code == 303
    with app.app_context():
        assert jobs.run_pending(app) == 1
        sent = {m["recipient"]: m for m in outbox.page(get_db())}
    assert sent["ken@example.jp"]["subject"].startswith("Your coupon: ")
    assert "Thank you for taking part in" in sent["ken@example.jp"]["body"]
    assert sent["aiko@example.jp"]["subject"].startswith("あなたのクーポン")
    assert "Thank you" not in sent["aiko@example.jp"]["body"]


def test_a_batch_winner_is_mailed_in_the_language_they_asked_in(app):
    make(app, slug="later", mode="speed", draw="batch", prizes=((10, 2),), losing=0)
    for no, lang, email in ((1, "en", "ken@example.jp"), (2, "ja", "aiko@example.jp")):
        t = Terminal(app.test_client(), slug="later", lang=lang)
        t.get()
        asked = t.post(
            "/apply",
            {
                "name": "Ken",
                "postal_code": "104-0061",
                "address": "1-2-3 Ginza",
                "phone": f"090-1234-000{no}",
                "email": email,
            },
        )
        assert asked.status_code == 303
    with app.app_context():
        db = get_db()
        # The second request filled the sheets: the draw ran with it.
        assert db.execute("SELECT count(*) FROM destinations").fetchone()[0] == 2
        assert jobs.run_pending(app) == 1
        sent = {m["recipient"]: m["subject"] for m in outbox.page(db)}
    assert sent["ken@example.jp"].startswith("Your coupon: ")
    assert sent["aiko@example.jp"].startswith("あなたのクーポン")


def test_no_e_mail_no_mail(app):
    campaign = make(app)
    entry = draw_and_confirm(app, campaign, email="")
    assert code_of(app, entry.id)
    with app.app_context():
        assert jobs.run_pending(app) == 0


def test_a_batch_draw_gives_each_winner_an_e_coupon_in_the_same_transaction(app, clock):
    campaign = make(app, mode="speed", draw="batch", prizes=((10, 2),), losing=1)
    with app.app_context():
        db = get_db()
        for n in range(3):
            contact = Contact("N", "A", f"090-1111-{n:04d}", f"p{n}@example.jp", "104-0061")
            batch.register(db, campaign, f"board:b{n}", contact, START)
        assert batch.run(db, campaigns.by_id(db, campaign.id), START + timedelta(minutes=1)) == 3
        made = db.execute("SELECT count(*) FROM ecoupons").fetchone()[0]
        winners = db.execute("SELECT count(*) FROM destinations").fetchone()[0]
    assert made == winners == 2


def test_points_campaigns_show_points(app, client):
    from dataclasses import replace

    from app.lottery.conditions import Prize
    from app.new_campaign import create_campaign
    from tests.factories import conditions

    c = replace(
        conditions(slug="pts"), prizes=(Prize("500 pt", 500, "points", 3),), issue="electronic"
    )
    with app.app_context():
        create_campaign(c, START)
        campaign = campaigns.by_slug(get_db(), "pts")
    entry = draw_and_confirm(app, campaign)
    client.set_cookie("lang", "en")
    assert "500 points" in client.get(f"/coupon/{code_of(app, entry.id)}").get_data(as_text=True)


def test_a_forged_or_altered_code_is_unknown_never_a_crash(app, client):
    campaign = make(app)
    code = code_of(app, draw_and_confirm(app, campaign).id)
    altered = ("3" if code[0] != "3" else "4") + code[1:]
    for bad in (altered, "x" * 18, "%00", "A" * 500, "../admin", "<b>"):
        assert client.get(f"/coupon/{bad}").status_code == 404


def test_guessing_coupon_pages_is_limited_across_workers(app, client):
    app.config["COUPON_GUESS_LIMIT"] = "3 per 10 minutes"
    campaign = make(app)
    code = code_of(app, draw_and_confirm(app, campaign).id)
    for _ in range(3):
        assert client.get("/coupon/" + "A" * 18).status_code == 404
    assert client.get(f"/coupon/{code}").status_code == 429  # counted in the database


def test_a_used_or_expired_coupon_says_so_and_offers_no_qr_code(app, client, accounts, clock):
    from tests.admin.helpers import Admin

    from .conftest import CASHIER

    campaign = make(app, coupon_expires=1, timezone="Asia/Tokyo")
    used, lapsed = draw_and_confirm(app, campaign, 1, no=1), draw_and_confirm(app, campaign, 2, 2)
    client.set_cookie("lang", "en")
    fresh = client.get(f"/coupon/{code_of(app, used.id)}").get_data(as_text=True)
    assert "<svg" in fresh and "Show this code at the till" in fresh
    assert "Japan Standard Time" in fresh and "2026" in fresh  # the year and the zone
    cashier = Admin(app.test_client())
    cashier.login(*CASHIER)
    code = code_of(app, used.id)
    cashier.get("/redeem/")
    cashier.post("/redeem/check", {"code": code, "till": "Register 1"})
    key = re.search(r'name="key" value="([^"]+)"', cashier.text()).group(1)
    cashier.post("/redeem/use", {"code": code, "key": key, "till": "Register 1"})
    page = client.get(f"/coupon/{code}").get_data(as_text=True)
    assert 'class="ecoupon-stamp"' in page and ">Used<" in page
    assert "<svg" not in page and "Show this code at the till" not in page
    clock.advance(days=3)
    client.set_cookie("lang", "ja")
    page = client.get(f"/coupon/{code_of(app, lapsed.id)}").get_data(as_text=True)
    assert ">期限切れ<" in page and "<svg" not in page and "JST" in page


def test_a_code_wraps_between_its_groups_never_inside_one(app, client):
    campaign = make(app)
    code = code_of(app, draw_and_confirm(app, campaign).id)
    page = client.get(f"/coupon/{code}").get_data(as_text=True)
    groups = re.findall(r'<span class="code-group">([0-9A-Z]+)</span>', page)
    assert "".join(groups) == code and len(groups) == 3
    assert '</span>-<wbr><span class="code-group">' in page
