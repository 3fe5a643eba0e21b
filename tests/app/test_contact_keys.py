"""One person, one coupon, however the e-mail address or phone number is written."""

import pytest

from app.lottery.contact import person_email_key, phone_key
from app.store import get_db

FIRST = {"email": "hanako.yamada@gmail.com", "phone": "090-1234-5678"}
TAKEN = "already has a coupon in this campaign"


@pytest.mark.parametrize(
    ("field", "written"),
    [
        ("email", "hanakoyamada+kuji@gmail.com"),
        ("email", "Hanako.Yamada@googlemail.com"),
        ("email", "h.a.n.a.k.o.yamada@GMAIL.COM"),
        ("email", "ｈａｎａｋｏ．ｙａｍａｄａ＠gmail.com"),
        ("phone", "+81 (0)90-1234-5678"),
        ("phone", "81-90-1234-5678"),
        ("phone", "+81 90 1234 5678"),
        ("phone", "０９０（１２３４）５６７８"),
        ("phone", "0081 90 1234 5678"),
        ("phone", "090 1234 5678"),
    ],
)
def test_the_same_person_written_another_way_is_refused(
    app, terminal, new_terminal, field, written
):
    assert terminal.claim(1).status_code == 303
    assert terminal.confirm(**FIRST).status_code == 303
    other = {"email": "someone.else@example.jp", "phone": "03-9999-0000", field: written}
    again = new_terminal()
    again.claim(2)
    response = again.confirm(**other)
    assert response.status_code == 409
    assert TAKEN in response.get_data(as_text=True)


def test_what_was_written_is_kept_and_exported_as_written(app, terminal):
    terminal.claim(1)
    assert (
        terminal.confirm(
            email="Hanako.Yamada+kuji@GMail.com", phone="+81 (0)90-1234-5678"
        ).status_code
        == 303
    )
    with app.app_context():
        row = (
            get_db()
            .execute("SELECT email, phone, email_key, phone_key FROM destinations")
            .fetchone()
        )
    assert row == (
        "Hanako.Yamada+kuji@GMail.com",
        "+81 (0)90-1234-5678",
        "hanakoyamada@gmail.com",
        "+819012345678",
    )


def test_other_people_are_not_merged():
    assert person_email_key("hanako.yamada@example.jp") != person_email_key(
        "hanakoyamada@example.jp"
    )
    assert person_email_key("hanako+a@example.jp") != person_email_key("hanako@example.jp")
    assert person_email_key("hanako+a@example.jp", {"example.jp"}) == "hanako@example.jp"
    assert person_email_key("hanako+a@shop.jp", {"*"}) == "hanako@shop.jp"
    assert person_email_key("hanako+a@outlook.com") == "hanako@outlook.com"
    assert phone_key("03-1234-5678") != phone_key("090-1234-5678")
    assert phone_key("+1 415 555 2671") == "+14155552671"


def test_the_tag_domains_come_from_the_settings(app, terminal, new_terminal):
    app.config["EMAIL_TAG_DOMAINS"] = ["shop.example.jp"]
    terminal.claim(1)
    terminal.confirm(email="hanako+one@shop.example.jp")
    again = new_terminal()
    again.claim(2)
    assert (
        again.confirm(email="hanako+two@shop.example.jp", phone="03-9999-0000").status_code == 409
    )


@pytest.mark.both_engines  # the backfill is Python through the store's connection on both
def test_the_rekeying_runs_on_either_engine(app, terminal, new_terminal):
    from app.store.db import immediate
    from app.store.schema import m021_person_keys

    terminal.claim(1)
    assert terminal.confirm(**FIRST).status_code == 303
    again = new_terminal()
    again.claim(2)
    assert again.confirm(email="someone.else@example.jp", phone="03-9999-0000").status_code == 303
    with app.app_context():
        db = get_db()
        with immediate(db):
            # As stored before the change: the second row is the same person written another
            # way, under keys of its own.
            db.execute(
                "UPDATE destinations SET email = ?, phone = ?, email_key = 'old-e', phone_key"
                " = 'old-p' WHERE tile_no = 2",
                ["hanakoyamada+x@googlemail.com", "+81 90 1234 5678"],
            )
            m021_person_keys(db)
        rows = db.execute(
            "SELECT id, email_key, phone_key FROM destinations ORDER BY tile_no"
        ).fetchall()
    (first, *keys), (second, *other) = rows
    assert keys == ["hanakoyamada@gmail.com", "+819012345678"]
    assert other == [f"hanakoyamada@gmail.com#{second}", f"+819012345678#{second}"]


def test_the_migration_rekeys_what_was_stored(tmp_path):
    from sqlite_utils import Database

    from app.store.db import connect
    from app.store.schema import migrations

    db = connect(str(tmp_path / "old.sqlite"), "NORMAL")
    migrations.apply(db, stop_before="m021_person_keys")
    _old_rows(db)
    migrations.apply(db)
    keys = db.execute("SELECT email, email_key, phone_key FROM destinations ORDER BY id").fetchall()
    assert keys == [
        ("Hanako.Yamada@gmail.com", "hanakoyamada@gmail.com", "+819012345678"),
        # The same person twice before the change: kept, their keys told apart by id.
        ("hanakoyamada+x@googlemail.com", "hanakoyamada@gmail.com#2", "+819012345678#2"),
        ("", "kiosk:7", "kiosk:7"),
    ]
    assert isinstance(db, Database)


def _old_rows(db):
    db.execute(
        "INSERT INTO campaigns (id, slug, title, goods, opens, closes, hold_minutes, losing,"
        " tile_count, conditions, created_at)"
        " VALUES (1, 's', 't', 'g', 'a', 'b', 15, 0, 3, '', 'x')"
    )
    db.execute("INSERT INTO prizes VALUES (1, 1, 1, 'p', 5, 'percent', 3)")
    for n, (email, phone, ek, pk) in enumerate(
        [
            ("Hanako.Yamada@gmail.com", "090-1234-5678", "hanako.yamada@gmail.com", "09012345678"),
            (
                "hanakoyamada+x@googlemail.com",
                "+81 90 1234 5678",
                "hanakoyamada+x@googlemail.com",
                "09012345679",
            ),
            ("", "", "kiosk:7", "kiosk:7"),
        ],
        1,
    ):
        db.execute(
            "INSERT INTO entries (id, campaign_id, tile_no, holder, state, created_at)"
            " VALUES (?, 1, ?, ?, 'confirmed', 'x')",
            [n, n, f"h{n}"],
        )
        db.execute(
            "INSERT INTO destinations (id, campaign_id, tile_no, entry_id, prize_id, name,"
            " address, phone, email, email_key, phone_key, confirmed_at)"
            " VALUES (?, 1, ?, ?, 1, 'n', 'a', ?, ?, ?, ?, 'x')",
            [n, n, n, phone, email, ek, pk],
        )
