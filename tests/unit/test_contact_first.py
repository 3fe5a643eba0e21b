"""reveal_order = "after-contact": the rule, the condition file, and the store (both engines)."""

import random
from dataclasses import replace
from datetime import timedelta

import pytest

from app.lottery.conditions import ConditionsError, parse_conditions, to_toml
from app.lottery.contact import clean_contact, person_digests
from app.lottery.editing import edit_problems
from app.lottery.settings import from_json, settings_of, to_json
from app.store import Duplicate, NotHeld, campaigns, claims, contacts
from app.store.db import connect
from app.store.schema import migrate
from tests.factories import START, conditions, contact
from tests.unit.test_conditions import GOOD

KEY = b"k" * 32


def test_the_file_names_the_order_and_exports_it():
    c = parse_conditions(GOOD)
    assert c.reveal_order == "before-contact"  # the default: the seed's order
    assert "reveal_order" not in to_toml(c)
    text = GOOD.replace(
        "losing = 5", 'losing = 5\nreveal = "roulette"\nreveal_order = "after-contact"'
    )
    c = parse_conditions(text)
    assert (c.reveal, c.reveal_order) == ("roulette", "after-contact")
    again = parse_conditions(to_toml(c))
    assert again == c and 'reveal_order = "after-contact"' in to_toml(c)
    # Stored as the campaign's settings, and read back.
    assert from_json(to_json(settings_of(c))).reveal_order == "after-contact"


def test_reveal_after_contact_is_read_as_a_scratch_card_after_the_details():
    c = parse_conditions(GOOD.replace("losing = 5", 'losing = 5\nreveal = "after-contact"'))
    assert (c.reveal, c.reveal_order) == ("scratch", "after-contact")
    assert parse_conditions(to_toml(c)) == c


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ('reveal_order = "whenever"', "reveal_order: one of before-contact, after-contact"),
        ('reveal = "after-contact"\nreveal_order = "before-contact"', "disagrees"),
    ],
)
def test_a_wrong_order_is_refused(lines, says):
    with pytest.raises(ConditionsError) as refused:
        parse_conditions(GOOD.replace("losing = 5", "losing = 5\n" + lines))
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("mode", "draw", "first"),
    [
        ("board", "instant", True),
        ("speed", "instant", True),
        ("speed", "batch", False),
        ("invite", "instant", False),
    ],
)
def test_only_boards_and_speed_lotteries_ask_first(mode, draw, first):
    s = settings_of(replace(conditions(), reveal_order="after-contact"))
    assert s.contact_first(mode, draw) is first
    assert settings_of(conditions()).contact_first(mode, draw) is False


def test_the_order_cannot_change_once_someone_has_drawn():
    old = conditions()
    new = replace(old, reveal_order="after-contact")
    assert edit_problems(old, new, claimed=False, now=START) == []
    assert [str(p) for p in edit_problems(old, new, claimed=True, now=START)] == [
        "reveal_order: cannot change once a tile has been claimed"
    ]


def test_digests_know_the_person_however_written_and_say_nothing_else():
    one = clean_contact(
        {
            "name": "A",
            "postal_code": "1040061",
            "address": "x",
            "phone": "090-1234-5678",
            "email": "hanako.yamada@gmail.com",
        }
    )
    two = replace(one, email="HanakoYamada+kuji@googlemail.com", phone="+81 (0)90-1234-5678")
    assert person_digests(one, KEY) == person_digests(two, KEY)
    assert person_digests(one, KEY) != person_digests(one, b"another key" * 3)
    assert all("hanako" not in d and "1234" not in d for d in person_digests(one, KEY))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    if request.param == "sqlite":
        url = str(tmp_path / "kuji.sqlite")
    else:
        from tests.conftest import new_database

        url = new_database(request)
    db = connect(url, "NORMAL")
    migrate(db)
    yield db
    db.conn.close()


def make(db, **kw):
    c = replace(conditions(**kw), reveal_order="after-contact", issue="electronic")
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    return campaigns.by_slug(db, c.slug)


def draws(db, c, count):
    """Draw `count` tiles by as many holders; return (held entries, lost entries)."""
    entries = [claims.hold(db, c, f"board:t{n}", START, no=n) for n in range(1, count + 1)]
    return [e for e in entries if e.state == "held"], [e for e in entries if e.state == "lost"]


def digest(person):
    return person_digests(person, KEY)


def test_details_confirm_a_coupon_at_once_and_its_e_coupon_waits_for_the_reveal(db):
    c = make(db, prizes=((25, 2),), losing=2)
    held, lost = draws(db, c, 4)
    entry = contacts.give(db, c, held[0].id, contact(1), digest(contact(1)), START)
    assert entry.state == "confirmed"
    assert db.execute("SELECT name FROM destinations").fetchall() == [("Person 1",)]
    assert db.execute("SELECT count(*) FROM ecoupons").fetchone()[0] == 0
    assert contacts.reveal(db, c, held[0].id, START) is True
    assert db.execute("SELECT count(*) FROM ecoupons").fetchone()[0] == 1
    assert contacts.reveal(db, c, held[0].id, START) is False
    assert db.execute("SELECT count(*) FROM ecoupons").fetchone()[0] == 1


def test_a_loss_keeps_digests_only(db):
    c = make(db, prizes=((25, 1),), losing=3)
    _held, lost = draws(db, c, 4)
    entry = contacts.give(db, c, lost[0].id, contact(2), digest(contact(2)), START)
    assert entry.state == "lost"
    assert db.execute("SELECT count(*) FROM destinations").fetchone()[0] == 0
    assert db.execute("SELECT email_key, phone_key FROM contact_keys").fetchall() == [
        digest(contact(2))
    ]
    assert contacts.reveal(db, c, lost[0].id, START) is True
    assert db.execute("SELECT count(*) FROM ecoupons").fetchone()[0] == 0


def test_no_reveal_before_the_details(db):
    c = make(db, prizes=((25, 1),), losing=1)
    held, lost = draws(db, c, 2)
    for e in held + lost:
        assert contacts.reveal(db, c, e.id, START) is None
    assert (
        db.execute("SELECT count(*) FROM entries WHERE revealed_at IS NOT NULL").fetchone()[0] == 0
    )


def test_the_same_person_cannot_give_details_for_a_second_draw(db):
    c = make(db, prizes=((25, 2),), losing=2)
    held, lost = draws(db, c, 4)
    contacts.give(db, c, lost[0].id, contact(1), digest(contact(1)), START)
    for e in (held[0], lost[1]):
        with pytest.raises(Duplicate):
            contacts.give(db, c, e.id, contact(1), digest(contact(1)), START)
    # Refused writes nothing: no coupon confirmed, no second digest.
    assert db.execute("SELECT count(*) FROM contact_keys").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM destinations").fetchone()[0] == 0
    assert claims.entry(db, c.id, held[0].id, START).state == "held"
    # A digest under a retired key refuses as well (a rotated SECRET_KEY).
    older = [digest(contact(1))]
    with pytest.raises(Duplicate):
        contacts.give(db, c, held[0].id, contact(1), ("new-e", "new-p"), START, older=older)


def test_details_come_within_the_hold_time_for_a_coupon_and_a_loss_alike(db):
    c = make(db, prizes=((25, 1),), losing=1)
    held, lost = draws(db, c, 2)
    late = START + timedelta(minutes=c.hold_minutes)
    for e, n in ((held[0], 1), (lost[0], 2)):
        entry = claims.entry(db, c.id, e.id, late)
        assert contacts.status(db, c, entry, late) == contacts.LAPSED
        with pytest.raises(NotHeld):
            contacts.give(db, c, e.id, contact(n), digest(contact(n)), late)
    assert db.execute("SELECT count(*) FROM contact_keys").fetchone()[0] == 0


def test_once_the_campaign_ended_only_a_loss_is_uncovered_without_details(db):
    c = make(db, prizes=((25, 1),), losing=1)
    held, lost = draws(db, c, 2)
    assert contacts.reveal(db, c, lost[0].id, START) is None
    assert contacts.reveal(db, c, held[0].id, START, ended=True) is None
    assert contacts.reveal(db, c, lost[0].id, START, ended=True) is True
