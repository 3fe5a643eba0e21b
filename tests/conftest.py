import os
import tempfile

import pytest

# Tests never write into the working tree. An app built without a SECRET_KEY made
# instance/secret_key in the checkout, and a `flask --app wsgi` subprocess without settings
# would too: every app and subprocess of this run gets a throw-away instance folder and a key.
os.environ.setdefault("KUJI_INSTANCE", tempfile.mkdtemp(prefix="kuji-tests-instance-"))
os.environ.setdefault("FLASK_SECRET_KEY", "test-secret")

from app import create_app  # noqa: E402
from app.extensions import limiter  # noqa: E402
from app.store.db import get_db  # noqa: E402

from .factories import Clock, Terminal, make_campaign  # noqa: E402


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
            # Every test client shares 127.0.0.1: tests of the per-address rules set them.
            "HOLDS_PER_ADDRESS": None,
            "REDRAWS_PER_ADDRESS": None,
            # Links in mail: the test client's own address.
            "PUBLIC_URL": "http://localhost",
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


@pytest.fixture
def invite_ready(app, runner):
    """An invitation campaign whose three invitations were sent: Taro's (ID, password)."""
    from .invite.conftest import CSV, credentials, mails

    make_campaign(app, slug="vip", mode="invite", prizes=((25, 1), (10, 2)))
    path = app.config["DATABASE"] + ".csv"
    with open(path, "wb") as f:
        f.write(CSV.encode("cp932"))
    assert runner.invoke(args=["candidates", "import", "vip", path]).exit_code == 0
    assert runner.invoke(args=["invitations", "send", "vip"]).exit_code == 0
    taro = next(m for m in mails(app) if m["recipient"] == "taro@example.jp")
    return credentials(taro["body"])
