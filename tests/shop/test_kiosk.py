"""Kiosks: a one-time setup link, tickets that draw once, refusals that change nothing."""

import io
import json
import re

from app.store import claims, get_db, kiosks
from tests.admin.helpers import Admin
from tests.app.test_game_draw import game_campaign

from .conftest import make

LINK = re.compile(r'class="setup-link" readonly value="([^"]+)"')


def snapshot(app) -> tuple:
    """What a refused request must leave as it was."""
    with app.app_context():
        db = get_db()
        return tuple(
            db.execute(sql).fetchall()
            for sql in (
                "SELECT id, state FROM entries ORDER BY id",
                "SELECT id FROM destinations ORDER BY id",
                "SELECT id, redeemed_at FROM ecoupons ORDER BY id",
                "SELECT id, used_at, entry_id FROM kiosk_tickets ORDER BY id",
                "SELECT state, count(*) FROM tiles GROUP BY state",
                "SELECT free FROM tiers ORDER BY campaign_id, number",
            )
        )


def register(app, owner, slug, name="Front"):
    owner.get(f"/admin/campaigns/{slug}/kiosks")
    page = owner.post(f"/admin/campaigns/{slug}/kiosks", {"name": name, "store": "Ginza"})
    assert page.status_code == 201
    link = LINK.search(owner.text()).group(1)
    assert '<figure class="qr setup-qr"><svg' in owner.text()  # the link as a QR code too
    tablet = Admin(app.test_client())
    path = link.split("localhost", 1)[1]
    tablet.get(path)
    bound = tablet.post(path)
    assert bound.status_code == 303
    tablet.get("/kiosk/")
    return tablet, path


def tickets_for(app, owner, slug, n=3) -> list[str]:
    owner.get(f"/admin/campaigns/{slug}/kiosks")
    assert owner.post(f"/admin/campaigns/{slug}/tickets", {"count": str(n)}).status_code == 303
    with app.app_context():
        db = get_db()
        batch = kiosks.batches(
            db, db.execute("SELECT id FROM campaigns WHERE slug = ?", [slug]).fetchone()[0]
        )[0]["batch"]
        rows = db.execute(
            "SELECT t.code FROM kiosk_tickets t JOIN campaigns c ON c.id = t.campaign_id"
            " WHERE c.slug = ? AND t.batch = ? ORDER BY t.id",
            [slug, batch],
        )
        return [r[0] for r in rows]


def test_a_kiosk_draws_once_per_ticket_and_shows_the_e_coupon(app, owner):
    campaign = make(app, issue="paper")  # a kiosk draw always gets an e-coupon
    tablet, setup = register(app, owner, campaign.slug)
    codes = tickets_for(app, owner, campaign.slug)
    assert tablet.get(setup).status_code == 410  # the setup link works once
    tablet.get("/kiosk/")
    assert tablet.post("/kiosk/ticket", {"code": codes[0].lower()}).status_code == 303
    assert "Pick a tile" in tablet.get("/kiosk/play").get_data(as_text=True)
    assert tablet.post("/kiosk/draw", {"tile": "7"}).status_code == 303
    sealed = tablet.get("/kiosk/reveal")
    assert sealed.headers["Cache-Control"] == "no-store"
    assert "You won" not in sealed.get_data(as_text=True) and "<svg" not in tablet.text()
    assert tablet.get("/kiosk/result").status_code == 303  # not before Reveal
    assert tablet.post("/kiosk/reveal").status_code == 303
    result = tablet.get("/kiosk/result")
    text = result.get_data(as_text=True)
    assert result.headers["Cache-Control"] == "no-store"
    assert "<svg" in text and "You won" in text
    with app.app_context():
        code = get_db().execute("SELECT code FROM ecoupons").fetchone()[0]
    assert code[:6] in text
    assert tablet.post("/kiosk/reset").status_code == 303
    back = tablet.get("/kiosk/result")
    assert back.status_code == 303  # nothing of the customer is left to go back to
    # The same ticket again, on this kiosk or another one of the campaign: refused.
    before = snapshot(app)
    tablet.get("/kiosk/")
    refused = tablet.post("/kiosk/ticket", {"code": codes[0]})
    assert refused.status_code == 409 and "already been used" in tablet.text()
    other, _ = register(app, owner, campaign.slug, name="Back")
    assert other.post("/kiosk/ticket", {"code": codes[0]}).status_code == 409
    assert snapshot(app) == before


def test_a_speed_kiosk_draws_the_next_sheet(app, owner):
    campaign = make(app, mode="speed")
    tablet, _ = register(app, owner, campaign.slug)
    code = tickets_for(app, owner, campaign.slug, 1)[0]
    tablet.post("/kiosk/ticket", {"code": code})
    assert "Draw" in tablet.get("/kiosk/play").get_data(as_text=True)
    tablet.post("/kiosk/draw")
    tablet.post("/kiosk/reveal")
    assert "You won" in tablet.get("/kiosk/result").get_data(as_text=True)


def test_unknown_forged_and_other_campaign_tickets_change_nothing(app, owner):
    mine = make(app, slug="mine")
    theirs = make(app, slug="theirs")
    tablet, _ = register(app, owner, mine.slug)
    other_code = tickets_for(app, owner, theirs.slug, 1)[0]
    good = tickets_for(app, owner, mine.slug, 1)[0]
    before = snapshot(app)
    tablet.get("/kiosk/")
    r = tablet.post("/kiosk/ticket", {"code": other_code})
    assert r.status_code == 409 and "different campaign" in tablet.text()
    forged = good[:-1] + ("3" if good[-1] != "3" else "4")
    r = tablet.post("/kiosk/ticket", {"code": forged})
    assert r.status_code == 404 and "not known" in tablet.text()
    for junk in ("", "x" * 300, "<script>", "Ｏ" * 8):
        assert tablet.post("/kiosk/ticket", {"code": junk}).status_code == 404
    assert tablet.post("/kiosk/draw", {"tile": "1"}).status_code == 303  # no turn: to the start
    assert snapshot(app) == before


def test_a_revoked_kiosk_is_refused_at_its_next_request_and_changes_nothing(app, owner):
    campaign = make(app)
    tablet, _ = register(app, owner, campaign.slug)
    code = tickets_for(app, owner, campaign.slug, 1)[0]
    tablet.post("/kiosk/ticket", {"code": code})
    with app.app_context():
        kiosk_id = get_db().execute("SELECT id FROM kiosks").fetchone()[0]
    owner.get(f"/admin/campaigns/{campaign.slug}/kiosks")
    owner.post(f"/admin/campaigns/{campaign.slug}/kiosks/{kiosk_id}/revoke")
    before = snapshot(app)
    refused = tablet.post("/kiosk/draw", {"tile": "3"})
    assert refused.status_code == 403 and "switched off" in tablet.text()
    assert tablet.get("/kiosk/").status_code == 403
    assert snapshot(app) == before


def test_a_browser_that_is_not_a_kiosk_and_a_forged_cookie_are_refused(app, owner):
    campaign = make(app)
    register(app, owner, campaign.slug)
    stranger = Admin(app.test_client())
    assert stranger.get("/kiosk/").status_code == 403
    stranger.client.set_cookie("kuji_kiosk", "1.abcdefghijklmnop." + "A" * 43)
    assert stranger.get("/kiosk/").status_code == 403


def test_ticket_guesses_are_limited_per_kiosk(app, owner):
    app.config["KIOSK_TICKET_GUESSES"] = "3 per 10 minutes"
    campaign = make(app)
    tablet, _ = register(app, owner, campaign.slug)
    good = tickets_for(app, owner, campaign.slug, 1)[0]
    for _ in range(3):
        tablet.post("/kiosk/ticket", {"code": "AAAAAAAA"})
    assert tablet.post("/kiosk/ticket", {"code": good}).status_code == 429


def test_the_ticket_pdf_downloads(app, owner):
    campaign = make(app)
    tickets_for(app, owner, campaign.slug, 30)
    pdf = owner.get(f"/admin/campaigns/{campaign.slug}/tickets/1.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.data.count(b"/Type /Page\n") == 2 or pdf.data.count(b"/Type /Page") >= 2


def test_a_bound_kiosk_stays_bound_when_the_secret_key_is_rotated(app, owner):
    campaign = make(app)
    tablet, _ = register(app, owner, campaign.slug)
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = app.secret_key = "rotated-secret"
    assert tablet.get("/kiosk/").status_code == 200
    app.config["SECRET_KEY_FALLBACKS"] = []  # the old key retired: the tablet must be set up again
    assert tablet.get("/kiosk/").status_code != 200


def test_a_kiosk_game_weights_the_draw_as_the_speed_lottery_does(app, owner, clock, monkeypatch):
    held_with = []
    real_hold = claims.hold
    monkeypatch.setattr(
        claims, "hold", lambda *a, **kw: held_with.append(kw["merit"]) or real_hold(*a, **kw)
    )
    game_campaign(app, slug="quick", tilt=500)  # no [merit] table: the game is the whole merit
    tablet, _ = register(app, owner, "quick")
    tablet.post("/kiosk/ticket", {"code": tickets_for(app, owner, "quick", 1)[0]})
    assert "Play the game" in tablet.get("/kiosk/play").get_data(as_text=True)
    game = tablet.get("/kiosk/game")
    assert game.headers["Cache-Control"] == "no-store"
    assert "Start over" in game.get_data(as_text=True)  # the kiosk's own screen
    with app.app_context():
        db = get_db()
        holder, questions = db.execute(
            "SELECT holder, challenge FROM plays ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert holder.startswith("kiosk")
    for index, q in enumerate(json.loads(questions)["questions"]):
        clock.advance(seconds=3)
        answer = {"q": str(index), "choice": str(q["answer"])}
        moved = tablet.post("/kiosk/game", answer)
        assert moved.status_code == 303 and moved.headers["Location"].endswith("/kiosk/game")
    scored = tablet.get("/kiosk/game").get_data(as_text=True)
    assert 'href="/kiosk/play"' in scored and "/c/quick" not in scored  # on to the kiosk's draw
    assert ">Draw<" in tablet.get("/kiosk/play").get_data(as_text=True)
    assert tablet.post("/kiosk/draw").status_code == 303
    assert held_with == [1000]
    assert tablet.post("/kiosk/reveal").status_code == 303
    assert "You won" in tablet.get("/kiosk/result").get_data(as_text=True)
    assert tablet.post("/kiosk/reset").status_code == 303
    for path in ("/kiosk/game", "/kiosk/play", "/kiosk/reveal", "/kiosk/result"):
        gone = tablet.get(path)  # nothing of the customer is left
        assert gone.status_code == 303 and gone.headers["Location"].endswith("/kiosk/")


def test_the_reveal_is_refused_before_a_draw(app, owner):
    campaign = make(app)
    tablet, _ = register(app, owner, campaign.slug)
    tablet.post("/kiosk/ticket", {"code": tickets_for(app, owner, campaign.slug, 1)[0]})
    assert tablet.post("/kiosk/reveal").status_code == 303
    assert tablet.get("/kiosk/result").headers["Location"].endswith("/kiosk/play")
    with app.app_context():
        assert get_db().execute("SELECT revealed_at FROM kiosk_tickets").fetchone()[0] is None


def test_ticket_text_stays_clear_of_the_qr_code(app):
    import pdfplumber

    from app.admin.tickets_pdf import CARD, COLUMNS, qr_box, tickets_pdf

    title = "とても長いキャンペーンの名前が入る春の大感謝祭キャンペーン" * 2
    goods = "DVD-RAM 最大40%オフ、さらに長い商品の説明がここに続きます。" * 3
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        pdf = tickets_pdf(title, goods, ["ABCD-EFGH", "WWWW-MMMM", "QRST-UVWX"])
    to_pt = 72 / 25.4
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        chars = page.chars
        assert len(chars) > 100
        for i in range(3):
            col, row = i % COLUMNS, i // COLUMNS
            left, top, right, bottom = (
                v * to_pt for v in qr_box(col * CARD[0], row * CARD[1] + 0.5)
            )
            inside = [
                c["text"]
                for c in chars
                if c["x1"] > left and c["x0"] < right and c["bottom"] > top and c["top"] < bottom
            ]
            assert inside == [], inside
            dark = [r for r in page.rects if r["x0"] >= left - 0.01 and r["x1"] <= right + 0.01]
            assert dark, "the QR code is drawn inside its box"
