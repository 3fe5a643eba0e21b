import os
import tempfile

import pytest

from . import pgcluster

# Tests never write into the working tree. An app built without a SECRET_KEY made
# instance/secret_key in the checkout, and a `flask --app wsgi` subprocess without settings
# would too: every app and subprocess of this run gets a throw-away instance folder and a key.
os.environ.setdefault("KUJI_INSTANCE", tempfile.mkdtemp(prefix="kuji-tests-instance-"))
os.environ.setdefault("FLASK_SECRET_KEY", "test-secret")

from app import create_app  # noqa: E402
from app.store import db as store_db  # noqa: E402
from app.store.db import get_db  # noqa: E402
from app.store.schema import migrate  # noqa: E402
from app.web.extensions import limiter  # noqa: E402

from .factories import Clock, Terminal, make_campaign  # noqa: E402

ENGINES = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc):
    """Tests marked both_engines run once on SQLite and once on PostgreSQL."""
    if "engine" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES, scope="module")


@pytest.fixture(scope="session")
def engine():
    """The engine of every other test: SQLite, or KUJI_TEST_ENGINE=postgresql for all."""
    return os.environ.get("KUJI_TEST_ENGINE", "sqlite")


@pytest.fixture(scope="session")
def pg_cluster():
    """One throw-away PostgreSQL server per test process (each pytest-xdist worker)."""
    if not pgcluster.available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not installed in {pgcluster.BIN}: `make test` installs it")
        pytest.skip(f"PostgreSQL is not installed in {pgcluster.BIN} (apt-get install postgresql)")
    cluster = pgcluster.Cluster()
    try:
        # Every test's database is a copy of one migrated template: much faster than migrating.
        url = cluster.create()
        db = store_db.connect(url)
        try:
            migrate(db)
        finally:
            db.close()
        cluster.template = url.rsplit("/", 1)[1]
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def database(request, engine, tmp_path):
    """The DATABASE setting of one test: a new SQLite file, or a new PostgreSQL database."""
    if engine == "sqlite":
        yield str(tmp_path / "kuji.sqlite")
        return
    url = new_database(request)
    yield url
    store_db.close(url)


def new_database(request) -> str:
    """Return the URL of a fresh, migrated PostgreSQL database (for module-scoped fixtures)."""
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.create(cluster.template)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(database, clock):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": database,
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


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A throw-away redis-server for this run (make test installs Debian's)."""
    from .redis_server import REDIS, RedisServer

    if REDIS is None:
        pytest.skip("redis-server is not installed (make test installs it)")
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server):
    """The throw-away Redis, emptied for this test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url
