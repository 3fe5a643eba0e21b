"""Fixtures for e-coupons, redemption at the till and kiosks."""

from dataclasses import replace
from datetime import datetime

import pytest

from app.admin.passwords import hash_password
from app.lottery.contact import Contact
from app.new_campaign import create_campaign
from app.store import admins, campaigns, claims, get_db
from tests.admin.helpers import Admin
from tests.factories import START, conditions

OWNER = ("owner@example.jp", "correct horse battery")
CASHIER = ("till@example.jp", "staple battery horse")


def make(app, issue="both", coupon_expires=None, **kwargs):
    """Create a campaign that issues e-coupons; return it as stored."""
    c = replace(conditions(**kwargs), issue=issue, coupon_expires=coupon_expires)
    with app.app_context():
        create_campaign(c, START)
        return campaigns.by_slug(get_db(), c.slug)


def draw_and_confirm(app, campaign, n: int = 1, no: int = 1, email="hanako@example.jp"):
    """Hold tile `no` for a new holder and confirm it; return the entry."""
    with app.app_context():
        db = get_db()
        entry = claims.hold(db, campaign, f"board:t{n}", START, no=no)
        contact = Contact(
            "Hanako",
            "Ginza 1-2-3",
            f"090-0000-{n:04d}",
            email.replace("@", f"{n}@") if email else "",
            "104-0061",
        )
        return claims.confirm(db, campaign, entry.id, contact, START)


def code_of(app, entry_id: int) -> str:
    with app.app_context():
        row = (
            get_db()
            .execute(
                "SELECT e.code FROM ecoupons e JOIN destinations d ON d.id = e.destination_id"
                " WHERE d.entry_id = ?",
                [entry_id],
            )
            .fetchone()
        )
    return row[0] if row else None


@pytest.fixture
def accounts(app):
    with app.app_context():
        db = get_db()
        admins.create(db, OWNER[0], hash_password(OWNER[1]), START)
        admins.create(db, CASHIER[0], hash_password(CASHIER[1]), START, role="staff")


@pytest.fixture
def owner(app, accounts):
    a = Admin(app.test_client())
    a.login(*OWNER)
    return a


@pytest.fixture
def cashier(app, accounts):
    a = Admin(app.test_client())
    a.login(*CASHIER)
    return a


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)
