"""The shop is told once, over SMTP, when a campaign sells out or its period ends."""

from dataclasses import replace
from email.header import decode_header, make_header

from app.jobs import run_pending
from app.lottery.conditions import parse_conditions, to_toml
from app.lottery.contact import Contact
from app.new_campaign import create_campaign
from app.store import campaigns, claims, get_db, notices
from tests.factories import START, conditions, make_campaign
from tests.smtp import mail_app, smtp_server


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def shop_app(tmp_path, clock, port, **extra):
    settings = {
        "MAIL_DEFAULT_SENDER": "kuji@example.jp",
        "SHOP_EMAIL": "owner@shop.example.jp",
        "PUBLIC_URL": "https://kuji.example.jp",
    }
    return mail_app(tmp_path, clock, port, **{**settings, **extra})


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


def own_address_campaign(app, slug, address, **kw):
    """Create a campaign whose condition file names the shop's own contact address."""
    c = replace(conditions(slug=slug, **kw), shop_email=address)
    text = to_toml(c)
    assert parse_conditions(text).shop_email == address  # the file keeps it
    with app.app_context():
        create_campaign(c, START, source=text)


def test_a_campaigns_own_address_is_told_instead_of_shop_email(tmp_path, clock):
    with smtp_server() as (port, inbox):
        app = shop_app(tmp_path, clock, port)
        own_address_campaign(app, "own", "sales@branch.example.jp", prizes=((10, 1),), losing=1)
        make_campaign(app, slug="other", prizes=((10, 1),))
        with app.app_context():
            db = get_db()
            for slug in ("own", "other"):
                campaign = campaigns.by_slug(db, slug)
                for no in range(1, campaign.tile_count + 1):
                    entry = claims.hold(db, campaign, f"board:{slug}{no}", START, no=no)
                    if entry.prize_id is not None:
                        person = Contact(
                            "山田 花子", "銀座1-2-3", f"090-1234-000{no}", f"h{no}@x.jp", "104-0061"
                        )
                        claims.confirm(db, campaign, entry.id, person, START)
        run_pending(app)
        (mine,) = inbox.to("sales@branch.example.jp")
        assert subject(mine) == "完売しました：own campaign"
        body = inbox.body(mine)
        assert "確定：1件" in body and "はずれ：1件" in body
        assert "https://kuji.example.jp/admin/campaigns/own/destinations" in body
        for personal in ("山田", "銀座", "090-1234", "h1@x.jp", "104-0061"):
            assert personal not in body
        # The fallback hears only of the campaign without its own address.
        (fallback,) = inbox.to("owner@shop.example.jp")
        assert subject(fallback) == "完売しました：other campaign"


def test_a_campaigns_own_address_is_told_even_without_shop_email(tmp_path, clock):
    with smtp_server() as (port, inbox):
        app = shop_app(tmp_path, clock, port, SHOP_EMAIL="")
        own_address_campaign(app, "own", "sales@branch.example.jp")
        make_campaign(app, slug="nobody")
        clock.advance(days=40)
        run_pending(app)
        assert [subject(m) for m in inbox.messages] == ["終了しました：own campaign"]
        with app.app_context():  # the campaign with nobody to tell stays due, untold
            db = get_db()
            assert notices.due(db, clock.now) == [(campaigns.by_slug(db, "nobody").id, "")]
