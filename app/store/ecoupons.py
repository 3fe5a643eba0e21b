"""Electronic coupons: made with their destination row, read by code, redeemed once.

issue() and issue_all() run inside the caller's write transaction (tickets.confirm,
batch._assign), so a confirmed destination and its e-coupon exist together or not at all.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery import ecoupons as rules
from app.lottery.conditions import zone_info
from app.lottery.settings import from_json

from .campaigns import Campaign
from .db import immediate, serialize, stamp, unstamp

MAIL_JOB = "send-ecoupons"
# Kiosk draws have no address to post paper to: they always get an e-coupon.
KIOSK_HOLDER = "kiosk:"
_rng = secrets.SystemRandom()


@dataclass(frozen=True)
class Coupon:
    """An e-coupon with what its page and a till show."""

    id: int
    code: str
    campaign_id: int
    tile_no: int
    label: str
    value: int
    unit: str
    email: str
    issued_at: datetime
    expires_at: datetime | None
    redeemed_at: datetime | None
    redeemed_till: str | None
    redeemed_by: str | None
    redeem_key: str | None
    language: str | None  # the one its owner confirmed in, if known

    @property
    def state(self) -> rules.CouponState:
        return rules.CouponState(self.redeemed_at, self.expires_at)


_SELECT = (
    "SELECT e.id, e.code, e.campaign_id, d.tile_no, p.label, p.value, p.unit, d.email,"
    " e.issued_at, e.expires_at, e.redeemed_at, e.redeemed_till, e.redeemed_by, e.redeem_key,"
    " d.language"
    " FROM ecoupons e JOIN destinations d ON d.id = e.destination_id"
    " JOIN prizes p ON p.id = d.prize_id"
)


def _coupon(row) -> Coupon:
    r = list(row)
    for i in (8, 9, 10):
        r[i] = unstamp(r[i]) if r[i] else None
    return Coupon(*r)


def terms(db: Database, campaign_id: int) -> tuple[str, datetime | int | None, str]:
    """Return a campaign's (issue, coupon_expires, zone) from its stored settings."""
    text, zone = db.execute(
        "SELECT settings, timezone FROM campaigns WHERE id = ?", [campaign_id]
    ).fetchone()
    s = from_json(text)
    return s.issue, s.coupon_expires, zone


def issue(db: Database, campaign: Campaign, entry_id: int, now: datetime) -> str | None:
    """Make the e-coupon of the destination just confirmed for `entry_id`; return its code.

    Runs inside the caller's transaction. Nothing is made for a paper-only campaign,
    except for a kiosk draw. With an e-mail address, the coupon is queued for mailing.
    The terms are the request's campaign's (read once per request), not read again.
    """
    campaign_id = campaign.id
    kind, expires = campaign.settings.issue, campaign.settings.coupon_expires
    row = db.execute(
        "SELECT d.id, d.email, e.holder FROM destinations d JOIN entries e ON e.id = d.entry_id"
        " WHERE d.entry_id = ?",
        [entry_id],
    ).fetchone()
    if row is None:
        return None
    destination_id, email, holder = row
    if not rules.issues_electronic(kind) and not holder.startswith(KIOSK_HOLDER):
        return None
    until = rules.expiry(expires, now, campaign.tz)
    code = _insert(db, campaign_id, destination_id, bool(email), now, until)
    if email:
        queue_mail(db, campaign_id, now)
    return code


def issue_all(db: Database, campaign_id: int, now: datetime) -> int:
    """Make e-coupons for every destination of a campaign that has none (a batch draw)."""
    kind, expires, zone = terms(db, campaign_id)
    if not rules.issues_electronic(kind):
        return 0
    until = rules.expiry(expires, now, zone_info(zone))
    rows = db.execute(
        "SELECT d.id, d.email FROM destinations d LEFT JOIN ecoupons e ON e.destination_id = d.id"
        " WHERE d.campaign_id = ? AND e.id IS NULL ORDER BY d.tile_no",
        [campaign_id],
    ).fetchall()
    for destination_id, email in rows:
        _insert(db, campaign_id, destination_id, bool(email), now, until)
    if any(email for _, email in rows):
        queue_mail(db, campaign_id, now)
    return len(rows)


def _insert(db, campaign_id, destination_id, mail: bool, now, until) -> str:
    while True:  # a collision of 83-bit codes will not happen; if it did, draw again
        code = rules.new_coupon_code(_rng)
        # A taken code inserts nothing rather than failing, which on PostgreSQL would end
        # the caller's whole transaction; any other conflict still raises.
        if db.execute(
            "INSERT INTO ecoupons (code, campaign_id, destination_id, issued_at, expires_at,"
            " mail) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING id",
            [
                code,
                campaign_id,
                destination_id,
                stamp(now),
                stamp(until) if until else None,
                "queued" if mail else "none",
            ],
        ).fetchone():
            return code


def queue_mail(db: Database, campaign_id: int, now: datetime) -> None:
    """Queue the campaign's mailing job unless one is waiting already (caller's transaction)."""
    serialize(db, f"jobs:{MAIL_JOB}:{campaign_id}")  # as jobs.enqueue does for its kinds
    if not db.execute(
        "SELECT 1 FROM jobs WHERE kind = ? AND campaign_id = ? AND state = 'queued'",
        [MAIL_JOB, campaign_id],
    ).fetchone():
        db.execute(
            "INSERT INTO jobs (kind, campaign_id, created_at) VALUES (?, ?, ?)",
            [MAIL_JOB, campaign_id, stamp(now)],
        )


def by_code(db: Database, code: str) -> Coupon | None:
    """Return the e-coupon with this bare code, or None."""
    row = db.execute(_SELECT + " WHERE e.code = ?", [code]).fetchone()
    return _coupon(row) if row else None


def of_tile(db: Database, campaign_id: int, tile_no: int) -> Coupon | None:
    """Return the e-coupon of a campaign's issue number, if it has one."""
    row = db.execute(
        _SELECT + " WHERE d.campaign_id = ? AND d.tile_no = ?", [campaign_id, tile_no]
    ).fetchone()
    return _coupon(row) if row else None


def next_to_mail(db: Database, campaign_id: int) -> Coupon | None:
    """Return the next e-coupon of a campaign waiting to be mailed."""
    row = db.execute(
        _SELECT + " WHERE e.campaign_id = ? AND e.mail = 'queued' ORDER BY e.id LIMIT 1",
        [campaign_id],
    ).fetchone()
    return _coupon(row) if row else None


def mailed(db: Database, coupon_id: int, ok: bool) -> None:
    """Record that a coupon's mail went out (or failed)."""
    with immediate(db):
        db.execute(
            "UPDATE ecoupons SET mail = ? WHERE id = ?", ["sent" if ok else "failed", coupon_id]
        )


def waiting_mail(db: Database, campaign_id: int) -> int:
    """Count a campaign's coupons still waiting to be mailed."""
    return db.execute(
        "SELECT count(*) FROM ecoupons WHERE campaign_id = ? AND mail = 'queued'", [campaign_id]
    ).fetchone()[0]
