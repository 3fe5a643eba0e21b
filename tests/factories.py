"""Test factories: campaigns from short descriptions, terminals that act like browsers."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.lottery.conditions import Conditions, ConditionsError, Prize, parse_conditions
from app.lottery.contact import clean_contact
from app.lottery.settings import to_json
from app.new_campaign import create_campaign
from app.store import get_db
from app.store.schema import settings_from_file

START = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')

# A two-question quiz (games/quiz) to append to a condition file.
QUIZ = """
[game]
name = "quiz"
[[game.questions]]
question = "How much does one DVD-RAM disc hold?"
choices = ["4.7 GB", "700 MB", "25 GB"]
answer = 0
[[game.questions]]
question = "Who makes it?"
choices = ["XYZ corp.", "ABC", "DEF"]
answer = 0
"""


@dataclass
class Clock:
    """A settable clock for the app's CLOCK setting."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def conditions(
    slug="spring",
    prizes=((25, 70), (20, 20), (10, 10)),
    losing=0,
    opens=START - timedelta(days=1),
    closes=START + timedelta(days=30),
    hold_minutes=15,
    mode="board",
    draw="instant",
    tilt=0,
    timezone="",
    reveal_order="before-contact",
) -> Conditions:
    """Return conditions with percent prizes given as (value, count) pairs."""
    return Conditions(
        title=f"{slug} campaign",
        slug=slug,
        goods="DVD-RAM by XYZ corp. — up to 40 % off",
        opens=opens,
        closes=closes,
        hold_minutes=hold_minutes,
        losing=losing,
        prizes=tuple(Prize(f"{v} % off", v, "percent", n) for v, n in prizes),
        mode=mode,
        draw=draw,
        tilt=tilt,
        timezone=timezone,
        reveal_order=reveal_order,
    )


def make_campaign(app, **kwargs) -> Conditions:
    """Create a campaign in the app's database; kwargs as for conditions()."""
    c = conditions(**kwargs)
    with app.app_context():
        create_campaign(c, START)
    return c


@dataclass
class Terminal:
    """One browser: its own cookies, reading CSRF tokens from pages as a browser would.

    It reads the pages in English (the language switch's cookie), so tests can name what
    they look for; tests/i18n proves the Japanese default.
    """

    client: object
    slug: str = "spring"
    token: str | None = None
    last: object = field(default=None, repr=False)
    lang: str | None = "en"

    def __post_init__(self):
        if self.lang:
            self.client.set_cookie("lang", self.lang)

    def get(self, path="", **kw):
        self.last = self.client.get(f"/c/{self.slug}{path}", **kw)
        found = TOKEN.search(self.last.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return self.last

    def post(self, path, data=None, token=True, **kw):
        if token and self.token is None:
            self.get()
        data = dict(data or {})
        if token:
            data.setdefault("csrf_token", self.token)
        self.last = self.client.post(f"/c/{self.slug}{path}", data=data, **kw)
        return self.last

    def claim(self, no, **kw):
        return self.post("/claim", {"tile": str(no)}, **kw)

    def reveal(self, path="/reveal"):
        """Uncover the drawn result, as scratching, spinning or pressing Reveal does."""
        return self.post(path)

    def confirm(self, reveal=True, **fields):
        """Confirm the held tile with Hanako's details; uncover it first unless told not to."""
        if reveal:
            self.reveal()
        data = {
            "name": "Hanako Yamada",
            "postal_code": "104-0061",
            "address": "1-2-3 Ginza, Chuo-ku, Tokyo",
            "phone": "090-1234-5678",
            "email": "hanako@example.jp",
            **fields,
        }
        return self.post("/confirm", data)

    def cancel(self):
        return self.post("/cancel")


def create_from_file(c: Conditions, text: str, now: datetime) -> int:
    """Create a campaign from condition file `text` (inside an app context), as the CLI does.

    A file today's rules refuse (a game since removed, say) is kept as migration m015 keeps
    such a file of an older campaign: stored as it is, its settings read leniently; `c`
    gives the columns.
    """
    try:
        return create_campaign(parse_conditions(text), now, source=text)
    except ConditionsError:
        campaign_id = create_campaign(c, now, source=text)
    get_db().execute(
        "UPDATE campaigns SET settings = ? WHERE id = ?",
        [to_json(settings_from_file(text, c.losing)), campaign_id],
    )
    return campaign_id


def contact(n=1):
    """A valid destination for person `n`: unique name, phone and e-mail."""
    return clean_contact(
        {
            "name": f"Person {n}",
            "postal_code": "104-0061",
            "address": "Tokyo",
            "phone": f"090-0000-{n:04d}",
            "email": f"p{n}@example.jp",
        }
    )
