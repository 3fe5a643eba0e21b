"""Redemption at the till: staff only there, once only, safe retries, every attempt recorded."""

import re
import threading

import pytest

from app.store import get_db, redemptions
from app.store.db import connect
from tests.admin.helpers import Admin
from tests.factories import START

from .conftest import CASHIER, OWNER, code_of, draw_and_confirm, make

KEY = re.compile(r'name="key" value="([^"]+)"')


def _check(browser, code, till="Register 1"):
    browser.get("/redeem/")
    return browser.post("/redeem/check", {"code": code, "till": till})


def test_staff_sign_in_to_the_till_and_nowhere_else(cashier):
    assert cashier.get("/redeem/").status_code == 200
    assert cashier.get("/admin/").headers["Location"].endswith("/redeem/")
    assert cashier.get("/admin/audit").status_code == 403
    assert cashier.get("/admin/campaigns/new").status_code == 403
    assert cashier.get("/admin/candidates").status_code == 403


def test_the_till_needs_a_sign_in(app):
    response = app.test_client().get("/redeem/")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_check_then_redeem_then_already_used_with_when_and_which_till(app, cashier):
    code = code_of(app, draw_and_confirm(app, make(app)).id)
    page = _check(cashier, code.lower())
    assert page.status_code == 200 and "Valid" in cashier.text()
    key = KEY.search(cashier.text()).group(1)
    used = cashier.post("/redeem/use", {"code": code, "key": key, "till": "Register 1"})
    assert used.status_code == 200 and "Redeemed" in cashier.text()
    again = _check(cashier, code, till="Register 2")
    assert again.status_code == 409
    assert "Already used" in cashier.text() and "Register 1" in cashier.text()
    # A retry of the very request that succeeded gets the same success, not "already used".
    retry = cashier.post("/redeem/use", {"code": code, "key": key, "till": "Register 1"})
    assert retry.status_code == 200 and "Redeemed" in cashier.text()
    fresh = cashier.post("/redeem/use", {"code": code, "key": "k" * 24, "till": "Register 3"})
    assert fresh.status_code == 409 and "Already used" in cashier.text()
    with app.app_context():
        db = get_db()
        outcomes = [r[0] for r in db.execute("SELECT outcome FROM redemptions ORDER BY id")]
    assert outcomes == ["valid", "redeemed", "used", "replayed", "used"]


def test_expired_and_unknown_are_said_and_recorded(app, accounts, clock):
    campaign = make(app, coupon_expires=0)
    code = code_of(app, draw_and_confirm(app, campaign).id)
    clock.advance(days=2)
    cashier = Admin(app.test_client())
    cashier.login(*CASHIER)
    assert _check(cashier, code).status_code == 409 and "Expired" in cashier.text()
    forged = code[:-1] + ("3" if code[-1] != "3" else "4")
    assert _check(cashier, forged).status_code == 404 and "Unknown code" in cashier.text()
    assert _check(cashier, "hello").status_code == 404
    response = cashier.post("/redeem/use", {"code": code, "key": "k" * 24, "till": "R"})
    assert response.status_code == 409
    with app.app_context():
        assert redemptions.count(get_db(), "unknown") == 2
        assert redemptions.count(get_db(), "expired") == 2


def test_guessing_at_the_till_is_limited(app, cashier):
    app.config["REDEEM_GUESS_LIMIT"] = "3 per 10 minutes"
    code = code_of(app, draw_and_confirm(app, make(app)).id)
    for _ in range(3):
        _check(cashier, "A" * 18)
    assert _check(cashier, code).status_code == 429


@pytest.mark.both_engines
def test_concurrent_redemptions_of_one_coupon_exactly_one_succeeds(app):
    code = code_of(app, draw_and_confirm(app, make(app)).id)
    path = app.config["DATABASE"]
    tills = 8
    barrier = threading.Barrier(tills)
    results = []

    def till(n):
        db = connect(path, "NORMAL")  # each till its own connection, as each worker has
        barrier.wait()
        outcome = redemptions.redeem(db, code, f"key-of-till-{n:02d}-xxxxxx", f"T{n}", "t", START)
        results.append(outcome.result)
        db.conn.close()

    threads = [threading.Thread(target=till, args=(n,)) for n in range(tills)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("redeemed") == 1
    assert results.count("used") == tills - 1
    with app.app_context():
        winner = get_db().execute("SELECT redeem_key FROM ecoupons").fetchone()[0]
        again = redemptions.redeem(get_db(), code, winner, "T?", "t", START)
    assert again.result == "replayed" and again.ok


def test_an_admin_undoes_a_redemption_the_same_day_only_and_it_is_audited(app, owner, clock):
    campaign = make(app, timezone="Asia/Tokyo")
    code = code_of(app, draw_and_confirm(app, campaign).id)
    with app.app_context():
        redemptions.redeem(get_db(), code, "a" * 24, "R1", "till@example.jp", START)
        coupon_id = get_db().execute("SELECT id FROM ecoupons").fetchone()[0]
    page = owner.get(f"/admin/campaigns/{campaign.slug}/redemptions")
    assert "Undo" in page.get_data(as_text=True)
    undo = owner.post(f"/admin/campaigns/{campaign.slug}/redemptions/{coupon_id}/undo")
    assert undo.status_code == 303
    with app.app_context():
        db = get_db()
        assert db.execute("SELECT redeemed_at FROM ecoupons").fetchone()[0] is None
        assert (
            db.execute("SELECT count(*) FROM audit WHERE action = 'undid redemption'").fetchone()[0]
            == 1
        )
        redemptions.redeem(db, code, "b" * 24, "R1", "till@example.jp", clock.now)
    clock.advance(days=1)
    owner.login(*OWNER)
    owner.get(f"/admin/campaigns/{campaign.slug}/redemptions")
    late = owner.post(f"/admin/campaigns/{campaign.slug}/redemptions/{coupon_id}/undo")
    assert late.status_code == 409


def test_staff_cannot_undo(app, cashier):
    campaign = make(app)
    cashier.get("/redeem/")
    assert cashier.post(f"/admin/campaigns/{campaign.slug}/redemptions/1/undo").status_code == 403


def test_the_command_line_redeems_once(app, runner):
    code = code_of(app, draw_and_confirm(app, make(app)).id)
    first = runner.invoke(args=["coupons", "redeem", code, "--till", "script"])
    assert first.exit_code == 0 and "Redeemed" in first.output
    second = runner.invoke(args=["coupons", "redeem", code, "--till", "script"])
    assert second.exit_code == 1 and "Already used" in second.output
    assert runner.invoke(args=["coupons", "redeem", "nonsense", "--till", "x"]).exit_code == 1


def test_admin_create_staff(app, runner):
    result = runner.invoke(
        args=["admin", "create", "t2@example.jp", "--staff", "--password", "long enough pass 1"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert get_db().execute("SELECT role FROM admins").fetchone()[0] == "staff"


def test_the_till_signs_out_and_its_main_actions_are_primary(app, cashier):
    page = cashier.get("/redeem/").get_data(as_text=True)
    assert 'action="/admin/logout"' in page
    assert re.search(r'<button type="submit" class="big primary">Check</button>', page)
    code = code_of(app, draw_and_confirm(app, make(app)).id)
    _check(cashier, code)
    assert re.search(r'class="big primary">Redeem<', cashier.text())
    cashier.post("/admin/logout")
    assert cashier.get("/redeem/").status_code == 302  # signed out: back to the sign-in


def test_admin_create_staff_says_it_made_a_staff_account(app, runner):
    args = ["admin", "create", "t3@example.jp", "--staff", "--password", "long enough pass 1"]
    result = runner.invoke(args=args)
    assert "staff account" in result.output and "administrator" not in result.output
