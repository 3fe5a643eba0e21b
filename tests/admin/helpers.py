"""An admin browser for the test client, and a fast way to fill a destination list."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from app.store import campaigns, get_db
from app.store.db import immediate, stamp
from tests.factories import START

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
HTMX = {"HX-Request": "true"}


@dataclass
class Admin:
    """One admin browser: its own cookies, reading CSRF tokens from pages.

    It reads the admin in English (the language switch's cookie), so these tests can name
    what they look for; tests/i18n proves the Japanese default.
    """

    client: object
    token: str | None = None
    last: object = field(default=None, repr=False)
    lang: str | None = "en"

    def __post_init__(self):
        if self.lang:
            self.client.set_cookie("lang", self.lang)

    def get(self, path, **kw):
        self.last = self.client.get(path, **kw)
        html = self.last.mimetype == "text/html"
        found = html and TOKEN.search(self.last.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return self.last

    def post(self, path, data=None, token=True, **kw):
        if token and self.token is None:
            self.get("/admin/login")
        data = dict(data or {})
        if token:
            data.setdefault("csrf_token", self.token)
        self.last = self.client.post(path, data=data, **kw)
        return self.last

    def login(self, email, password, **extra):
        self.get("/admin/login")
        response = self.post("/admin/login", {"email": email, "password": password, **extra})
        if response.status_code == 303:
            self.get("/admin/")  # signing in starts a new session, with a new CSRF token
            self.last = response
        return response

    def text(self) -> str:
        return self.last.get_data(as_text=True)


class _Fields(HTMLParser):
    """Collect what a browser would submit: inputs' values and each select's chosen option."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("file", "submit"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self._select = a.get("name")
        elif (
            tag == "option"
            and self._select
            and ("selected" in a or self._select not in self.values)
        ):
            self.values[self._select] = a.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, str]:
    """Return the fields of the page's forms as a browser would submit them (no CSRF token)."""
    parser = _Fields()
    parser.feed(html)
    parser.values.pop("csrf_token", None)
    return parser.values


def seed_destinations(app, slug: str, rows: list[dict] | int):
    """Confirm tiles 1..n straight in the store, with the given (or generated) contacts."""
    if isinstance(rows, int):
        rows = [
            {
                "name": f"Person {n}",
                "address": f"{n} Ginza, Chuo-ku, Tokyo",
                "phone": f"090-{n:08d}",
                "email": f"person{n}@example.jp",
            }
            for n in range(1, rows + 1)
        ]
    with app.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, slug)
        with immediate(db):
            for no, r in enumerate(rows, start=1):
                entry = db.execute(
                    "INSERT INTO entries (campaign_id, tile_no, holder, state, created_at,"
                    " ended_at) VALUES (?, ?, ?, 'confirmed', ?, ?) RETURNING id",
                    [campaign.id, no, f"board:{no}", stamp(START), stamp(START)],
                ).fetchone()[0]  # RETURNING: PostgreSQL has no lastrowid
                # The first tier with a free sheet: coupons are bound when drawn.
                tier, prize_id = db.execute(
                    "UPDATE tiers SET free = free - 1 WHERE campaign_id = ? AND number ="
                    " (SELECT min(number) FROM tiers WHERE campaign_id = ? AND free > 0"
                    "  AND number > 0) RETURNING number, prize_id",
                    [campaign.id, campaign.id],
                ).fetchone()
                db.execute(
                    "UPDATE tiles SET state = 'confirmed', entry_id = ?, prize_id = ?, tier = ?"
                    " WHERE campaign_id = ? AND no = ?",
                    [entry, prize_id, tier, campaign.id, no],
                )
                db.execute(
                    "INSERT INTO destinations (campaign_id, tile_no, entry_id, prize_id, name,"
                    " postal_code, address, phone, email, email_key, phone_key, confirmed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        campaign.id,
                        no,
                        entry,
                        prize_id,
                        r["name"],
                        r.get("postal_code", "104-0061"),
                        r["address"],
                        r["phone"],
                        r["email"],
                        r["email"].casefold(),
                        f"{no}-{r['phone']}",
                        stamp(START),
                    ],
                )
    return rows


def beside(html: str, name: str, text: str) -> bool:
    """Tell whether the campaign form shows `text` under its input called `name`."""
    import re

    found = re.search(rf'<p class="error" id="e-{re.escape(name)}">([^<]*)</p>', html)
    return bool(found) and text in found.group(1)
