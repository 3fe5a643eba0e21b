"""The shop is told once, over SMTP, when a campaign sells out or its period ends."""

from email.header import decode_header, make_header

from app import create_app
from app.jobs import run_pending
from app.lottery.contact import Contact
from app.store import campaigns, claims, get_db
from tests.factories import START, make_campaign
from tests.smtp import smtp_server


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def shop_app(tmp_path, clock, port, **extra):
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "kuji.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_DEFAULT_SENDER": "kuji@example.jp",
            "SHOP_EMAIL": "owner@shop.example.jp",
            "PUBLIC_URL": "https://kuji.example.jp",
            **extra,
        }
    )


def test_a_sold_out_campaign_is_told_once_with_counts_and_no_personal_data(tmp_path, clock):
    with smtp_server() as (port, inbox):
        app = shop_app(tmp_path, clock, port)
        make_campaign(app, slug="tiny", prizes=((10, 2),))
        run_pending(app)
        assert inbox.to("owner@shop.example.jp") == []  # open, tiles left: nothing to say
        with app.app_context():
            db = get_db()
            campaign = campaigns.by_slug(db, "tiny")
            for no in (1, 2):
                entry = claims.hold(db, campaign, f"board:t{no}", START, no=no)
                person = Contact(
                    "山田 花子", "銀座1-2-3", f"090-1234-000{no}", f"h{no}@x.jp", "104-0061"
                )
                claims.confirm(db, campaign, entry.id, person, START)
        run_pending(app)
        run_pending(app)  # a second tick tells nobody again
        sent = inbox.to("owner@shop.example.jp")
        assert len(sent) == 1
        body = inbox.body(sent[0])
        assert subject(sent[0]) == "完売しました：tiny campaign"
        assert "確定：2件" in body
        assert "https://kuji.example.jp/admin/campaigns/tiny/destinations" in body
        for personal in ("山田", "銀座", "090-1234", "h1@x.jp", "104-0061"):
            assert personal not in body


def test_an_ended_campaign_is_told_in_english_when_the_shop_reads_english(tmp_path, clock):
    with smtp_server() as (port, inbox):
        app = shop_app(tmp_path, clock, port, SHOP_LANGUAGE="en")
        make_campaign(app, slug="quiet")
        clock.advance(days=40)  # past its closing time, nobody drew
        run_pending(app)
        (sent,) = inbox.to("owner@shop.example.jp")
        assert subject(sent) == "Ended: quiet campaign"
        assert "Not drawn: " in inbox.body(sent)


def test_a_refused_notice_is_tried_again(tmp_path, clock):
    with smtp_server() as (port, inbox):
        inbox.refuse.add("owner@shop.example.jp")
        app = shop_app(tmp_path, clock, port)
        make_campaign(app, slug="later")
        clock.advance(days=40)
        run_pending(app)
        inbox.refuse.clear()
        clock.advance(minutes=1)
        run_pending(app)
        assert len(inbox.to("owner@shop.example.jp")) == 1
