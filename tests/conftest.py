import pytest

from app import create_app
from app.extensions import limiter
from app.store.db import get_db

from .factories import Clock, Terminal, make_campaign


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(tmp_path, clock):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "kuji.sqlite"),
            "SECRET_KEY": "test-secret",
            "CLOCK": clock,
            "SQLITE_SYNCHRONOUS": "NORMAL",
        }
    )
    with app.app_context():
        limiter.reset()  # the limiter object is shared by every app in this process
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """The command line as an English-speaking operator runs it (tests/i18n: Japanese)."""
    english = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_US.UTF-8"}
    cli = app.test_cli_runner()
    invoke = cli.invoke
    cli.invoke = lambda *args, **kw: invoke(*args, env={**english, **kw.pop("env", {})}, **kw)
    return cli


@pytest.fixture
def db(app):
    with app.app_context():
        yield get_db()


@pytest.fixture
def campaign(app):
    """The patent's example: 70 × 25 %, 20 × 20 %, 10 × 10 %."""
    return make_campaign(app)


@pytest.fixture
def terminal(app, campaign):
    return Terminal(app.test_client(), campaign.slug)


@pytest.fixture
def new_terminal(app, campaign):
    return lambda: Terminal(app.test_client(), campaign.slug)
