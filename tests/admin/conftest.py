import pytest

from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.factories import START

from .helpers import Admin

EMAIL = "owner@example.jp"
PASSWORD = "correct horse battery"


@pytest.fixture
def admin_account(app):
    with app.app_context():
        admins.create(get_db(), EMAIL, hash_password(PASSWORD), START)
    return EMAIL, PASSWORD


@pytest.fixture
def admin(app, admin_account):
    """A browser signed in as an administrator."""
    a = Admin(app.test_client())
    a.login(*admin_account)
    return a


@pytest.fixture
def anonymous(app):
    return Admin(app.test_client())
