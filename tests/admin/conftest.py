import pytest

from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.factories import START

from .helpers import Admin

EMAIL = "owner@example.jp"
PASSWORD = "correct horse battery"


@pytest.fixture
def runner(app):
    """The command line as an English-speaking administrator runs it."""
    english = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_US.UTF-8"}
    cli = app.test_cli_runner()
    invoke = cli.invoke
    cli.invoke = lambda *args, **kw: invoke(*args, env={**english, **kw.pop("env", {})}, **kw)
    return cli


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
