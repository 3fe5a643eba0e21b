import os
import shutil
import tempfile

import pytest

# Helper modules that assert: have pytest explain their failures as it does in tests. Here,
# not in tests/torture/, since the cluster test imports them first.
pytest.register_assert_rewrite("tests.torture.live", "tests.torture.refusals")

from . import pgcluster  # noqa: E402

# Tests never write into the working tree. An app built without a SECRET_KEY made
# instance/secret_key in the checkout, and a `flask --app wsgi` subprocess without settings
# would too: every app and subprocess of this run gets a throw-away instance folder and a key.
os.environ.setdefault("KUJI_INSTANCE", tempfile.mkdtemp(prefix="kuji-tests-instance-"))
os.environ.setdefault("FLASK_SECRET_KEY", "test-secret")

from argon2 import PasswordHasher  # noqa: E402

from app import create_app  # noqa: E402
from app.admin import passwords  # noqa: E402
from app.store import db as store_db  # noqa: E402
from app.store.db import get_db  # noqa: E402
from app.store.schema import migrate  # noqa: E402
from app.web.extensions import limiter  # noqa: E402

from .factories import Clock, Terminal, make_campaign  # noqa: E402

ENGINES = ("sqlite", "postgresql")

# argon2's production cost (64 MiB, 3 passes, 4 lanes) is about 0.25 s of CPU per hash, and
# about 170 tests sign an administrator in (a hash and a verify each): over a minute of a
# run on 2 cores. In-process apps hash at argon2's lowest cost instead; the hashes are still
# argon2id, verified the same way. tests/admin/test_auth.py proves the production parameters,
# and the live servers (gunicorn subprocesses) keep them: a cheap hash made here is verified
# there by the parameters it carries, and rehashed at the production cost on sign-in.
PRODUCTION_HASHER = passwords._hasher
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
passwords._DUMMY = passwords._hasher.hash("kuji: not a real password")


# The longest tests, longest first (minutes each on 2 loaded cores). pytest-xdist keeps two
# tests queued on each worker and, with --maxschedchunk=1 (pyproject.toml), hands out one at
# a time as they finish: each long test is queued behind one short one, so the long ones
# spread over the workers as they come free and the short ones fill in around them, instead
# of two kill -9 runs ending the run alone (collected in folder order, they came last).
CRASH_MODES = "tests/torture/test_crash_modes.py::"
LONGEST = (
    "tests/torture/test_crash.py::test_acknowledged_confirmations_survive_sigkill[sqlite]",
    "tests/cluster/",
    "tests/torture/test_crash.py::",
    CRASH_MODES + "test_speed_lottery_survives_sigkill_with_an_exact_breakdown[postgresql]",
    CRASH_MODES,
    "tests/torture/test_flash_crowd.py::",
    "tests/torture/test_race.py::",
    "tests/torture/test_atomic.py::",
)


@pytest.hookimpl(trylast=True)  # after pytest has grouped the tests by their fixtures
def pytest_collection_modifyitems(items):
    """Long tests first, each followed by a short one; then the browser tier; then the rest."""

    def rank(item) -> int:
        for i, prefix in enumerate(LONGEST):
            if item.nodeid.startswith(prefix):
                return i
        if item.get_closest_marker("slow"):
            return len(LONGEST)
        return len(LONGEST) + (1 if item.get_closest_marker("e2e") else 2)

    ranked = sorted(items, key=rank)  # stable: each module keeps its order
    long = [i for i in ranked if rank(i) < len(LONGEST)]
    # Other slow tests stay together by module: a worker that runs another module's test in
    # between tears their module's servers down and starts them again.
    slow = [i for i in ranked if rank(i) == len(LONGEST)]
    browser = [i for i in ranked if rank(i) == len(LONGEST) + 1]
    rest = [i for i in ranked if rank(i) > len(LONGEST) + 1]
    # Fillers that share no module-scoped fixture (the engine parameter) with their module.
    fillers = [i for i in rest if "engine" not in i.fixturenames][: len(long)]
    taken = set(map(id, fillers))
    paired = [t for pair in zip(long, fillers, strict=False) for t in pair]
    paired += long[len(fillers) :]
    items[:] = paired + slow + browser + [i for i in rest if id(i) not in taken]


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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """One migrated SQLite file per test process, closed (its WAL folded back into it)."""
    path = str(tmp_path_factory.mktemp("template") / "kuji.sqlite")
    db = store_db.connect(path, "NORMAL")
    try:
        migrate(db)
    finally:
        db.conn.close()
    assert not os.path.exists(path + "-wal"), "the template's WAL was not checkpointed"
    return path


def sqlite_copy(request, folder) -> str:
    """Return the path of a fresh, migrated SQLite file in `folder`: a copy of the template.

    Copying costs a millisecond; migrating every test's file costs about 80 ms of CPU each
    (a third of building the app), a minute of a whole run.
    """
    path = str(folder / "kuji.sqlite")
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    return path


@pytest.fixture
def database(request, engine, tmp_path):
    """The DATABASE setting of one test: a new SQLite file, or a new PostgreSQL database."""
    if engine == "sqlite":
        yield sqlite_copy(request, tmp_path)
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
