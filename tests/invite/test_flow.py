"""Invitations end to end through the test client: import, send, log in, draw, confirm."""

import csv
import io

from tests.factories import Terminal

from .conftest import CSV, credentials, mails


def send(app, runner, slug="vip"):
    result = runner.invoke(args=["invitations", "send", slug])
    return result


def test_import_send_login_draw_change_address_and_confirm(
    app, invite_campaign, en_runner, tmp_path
):
    path = tmp_path / "list.csv"
    path.write_bytes(CSV.encode("cp932"))
    result = en_runner.invoke(args=["candidates", "import", "vip", str(path)])
    assert result.exit_code == 0, result.output
    assert "imported 3 new" in result.output and "3 newly invited" in result.output
    result = send(app, en_runner)
    assert result.exit_code == 0 and "sent=3" in result.output, result.output
    messages = mails(app)
    assert len(messages) == 3
    taro = next(m for m in messages if m["recipient"] == "taro@example.jp")
    assert "Invitation" in taro["subject"] and "/c/vip/login" in taro["body"]
    hanako = next(m for m in messages if m["recipient"] == "hanako@example.jp")
    assert hanako["subject"].startswith("【ご招待】") and "山田花子 様" in hanako["body"]
    login_id, password = credentials(taro["body"])

    t = Terminal(app.test_client(), "vip")
    assert t.get().status_code == 303  # the campaign page sends invitees to log in
    t.get("/login")
    wrong = t.post("/login", {"id": login_id, "password": "WRONG-PASS-WORD"})
    assert wrong.status_code == 401 and "do not match" in wrong.get_data(as_text=True)
    answer = t.post("/login", {"id": login_id.lower(), "password": password.replace("-", " ")})
    assert answer.status_code == 303 and answer.location.endswith("/c/vip/invited")
    page = t.get("/invited").get_data(as_text=True)
    assert "Welcome, Taro Sato" in page and ">Draw<" in page
    assert t.post("/invited/draw").status_code == 303
    page = t.get("/invited").get_data(as_text=True)
    assert "1-1 Umeda Osaka" not in page and 'name="email"' not in page  # covered
    t.reveal("/invited/reveal")
    page = t.get("/invited").get_data(as_text=True)
    assert "1-1 Umeda Osaka" in page  # the address from the list, to keep or change
    answer = t.post(
        "/invited/confirm",
        {
            "name": "Taro Sato",
            "postal_code": "530-0001",
            "address": "2-2 Namba, Osaka",
            "phone": "090-1111-2222",
            "email": "taro@example.jp",
        },
    )
    assert answer.status_code == 303
    assert "Thank you" in t.get("/invited").get_data(as_text=True)
    rows = list(
        csv.DictReader(io.StringIO(en_runner.invoke(args=["campaign", "export", "vip"]).stdout))
    )
    assert [r["address"] for r in rows] == ["2-2 Namba, Osaka"]
    assert [r["candidate_id"] for r in rows] == [login_id.replace("-", "")]  # who it was
    assert t.post("/invited/draw").status_code == 403


def test_a_resend_gives_a_new_password_and_the_old_one_stops_working(
    app, invite_campaign, en_runner, tmp_path
):
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    en_runner.invoke(args=["candidates", "import", "vip", str(path)])
    send(app, en_runner)
    old_id, old_password = credentials(
        next(m for m in mails(app) if "taro" in m["recipient"])["body"]
    )
    with app.app_context():
        from app.store import get_db, invitations

        db = get_db()
        found = invitations.by_login(db, 1, old_id.replace("-", ""))
        assert invitations.requeue(db, found.id)
    send(app, en_runner)
    newest = [m for m in mails(app) if "taro" in m["recipient"]]
    assert len(newest) == 2
    new_id, new_password = credentials(newest[-1]["body"])
    assert new_id == old_id and new_password != old_password
    t = Terminal(app.test_client(), "vip")
    t.get("/login")
    assert t.post("/login", {"id": old_id, "password": old_password}).status_code == 401
    assert t.post("/login", {"id": new_id, "password": new_password}).status_code == 303


def test_login_attempts_are_limited_per_id_and_address(app, invite_campaign, en_runner, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    en_runner.invoke(args=["candidates", "import", "vip", str(path)])
    send(app, en_runner)
    login_id, password = credentials(mails(app)[0]["body"])
    t = Terminal(app.test_client(), "vip")
    t.get("/login")
    for _ in range(5):
        assert t.post("/login", {"id": login_id, "password": "NOPE"}).status_code == 401
    locked = t.post("/login", {"id": login_id, "password": password})
    assert locked.status_code == 429 and "wait ten minutes" in locked.get_data(as_text=True)
    other = Terminal(app.test_client(), "vip")
    other.get("/login")
    answer = other.post(
        "/login", {"id": login_id, "password": password}, environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert answer.status_code == 303  # another address is not locked out


def test_losing_tickets_are_drawn_too_and_the_breakdown_is_exact(app, en_runner, tmp_path):
    from tests.factories import make_campaign

    make_campaign(app, slug="vip", mode="invite", prizes=((25, 1),), losing=2)
    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    en_runner.invoke(args=["candidates", "import", "vip", str(path)])
    send(app, en_runner)
    outcomes = []
    for message in mails(app):
        login_id, password = credentials(message["body"])
        t = Terminal(app.test_client(), "vip")
        t.get("/login")
        assert t.post("/login", {"id": login_id, "password": password}).status_code == 303
        assert t.post("/invited/draw").status_code == 303
        page = t.get("/invited").get_data(as_text=True)
        assert "No prize" not in page and "You won" not in page  # covered until uncovered
        t.reveal("/invited/reveal")
        page = t.get("/invited").get_data(as_text=True)
        outcomes.append("No prize this time" in page)
        assert t.post("/invited/draw").status_code == 403  # one draw, won or lost
    assert sorted(outcomes) == [False, True, True]


def test_a_resend_ends_the_session_the_old_password_opened(
    app, invite_campaign, en_runner, tmp_path
):
    from app.store import get_db, invitations

    path = tmp_path / "list.csv"
    path.write_text(CSV, encoding="utf-8")
    en_runner.invoke(args=["candidates", "import", "vip", str(path)])
    send(app, en_runner)
    old_id, old_password = credentials(
        next(m for m in mails(app) if "taro" in m["recipient"])["body"]
    )
    t = Terminal(app.test_client(), "vip")
    t.get("/login")
    assert t.post("/login", {"id": old_id, "password": old_password}).status_code == 303
    assert t.get("/invited").status_code == 200
    with app.app_context():
        found = invitations.by_login(get_db(), 1, old_id.replace("-", ""))
        assert invitations.requeue(get_db(), found.id)
    send(app, en_runner)
    # The old session reaches neither the draw page nor the draw.
    assert t.get("/invited").status_code == 303
    assert t.post("/invited/draw").status_code == 401
