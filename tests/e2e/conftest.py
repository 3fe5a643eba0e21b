"""Playwright against a real gunicorn server, in Debian's chromium."""

import itertools
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app import create_app
from app.store import campaigns, claims, get_db
from tests.factories import make_campaign
from tests.live_wsgi import LiveClock
from tests.server import Server, export, serve

_numbers = itertools.count(1)


@dataclass
class Live:
    """The running server, and an in-process app over the same SQLite file."""

    server: Server
    app: object
    clock: LiveClock  # the server's time: real time until a test moves it on

    @property
    def db_path(self) -> Path:
        return self.server.db_path

    def campaign(self, **kwargs) -> str:
        """Create a campaign open now (by the real clock); return its slug."""
        slug = kwargs.pop("slug", f"e2e-{next(_numbers)}")
        moment = datetime.now(UTC)
        kwargs.setdefault("opens", moment - timedelta(hours=1))
        kwargs.setdefault("closes", moment + timedelta(days=1))
        make_campaign(self.app, slug=slug, **kwargs)
        return slug

    def hold(self, slug: str, *numbers: int) -> None:
        """Hold tiles as other respondents would, without a browser."""
        with self.app.app_context():
            db = get_db()
            campaign = campaigns.by_slug(db, slug)
            for no in numbers:
                claims.hold(db, campaign, f"board:other-{no}", datetime.now(UTC), no=no)

    def prize_of(self, slug: str, no: int, wait: float = 10) -> str:
        """Return the label of the coupon drawn for tile `no`.

        Coupons are bound when a tile is drawn, so this waits for the claim to land.
        """
        deadline = time.monotonic() + wait
        while True:
            with self.app.app_context():
                row = (
                    get_db()
                    .execute(
                        "SELECT p.label FROM tiles t JOIN campaigns c ON c.id = t.campaign_id"
                        " JOIN prizes p ON p.id = t.prize_id WHERE c.slug = ? AND t.no = ?",
                        [slug, no],
                    )
                    .fetchone()
                )
            if row or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert row, f"tile {no} of {slug} holds no prize"
        return row[0]

    def export(self, slug: str) -> list[dict]:
        """Run `flask campaign export SLUG` as a user would script it; return the rows."""
        return export(self.db_path, slug)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": shutil.which("chromium")}


@pytest.fixture(scope="session")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live")
    db_path = folder / "kuji.sqlite"
    # Migrate before the workers start, so they never race to create the schema.
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    clock = LiveClock(folder / "clock")
    with serve(
        db_path,
        workers=2,
        clock=clock.path,
        POLL_SECONDS=1,
        CLAIM_LIMIT="1000 per minute",
        CONFIRM_LIMIT="1000 per minute",
        HOLDS_PER_ADDRESS="null",
        REDRAWS_PER_ADDRESS="null",
    ) as server:
        yield Live(server, app, clock)


@pytest.fixture(autouse=True)
def _real_time_again(request):
    """Give the next test the real time again, if this one moved the server's clock on."""
    yield
    if "live" in request.fixturenames:
        clock = request.getfixturevalue("live").clock
        if clock.offset():
            clock.path.write_text("0")


@pytest.fixture(scope="session")
def base_url(live):
    return live.server.url


@pytest.fixture
def output_path(tmp_path_factory, request) -> str:
    """Playwright's artifacts and the tests' screenshots: in pytest's temporary folder (it
    keeps the last three runs), never in the checkout's ./test-results (the plugin's)."""
    name = re.sub(r"[^\w.-]+", "-", request.node.nodeid).strip("-")[:200]
    return str(tmp_path_factory.getbasetemp() / "results" / name)


@pytest.fixture
def shots(output_path):
    """This test's output folder, created."""
    path = Path(output_path)
    path.mkdir(parents=True, exist_ok=True)
    return path
