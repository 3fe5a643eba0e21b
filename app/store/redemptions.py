"""Redeeming e-coupons at a till: once only, safe to retry, every attempt on record."""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery import ecoupons as rules
from app.lottery.conditions import zone_info

from . import ecoupons
from .db import immediate, stamp, unstamp

# What a till is told: a success (redeemed, or the same success again for a retried key),
# or why not.
SUCCESS = ("redeemed", "replayed")


@dataclass(frozen=True)
class Outcome:
    result: str  # valid (a check) | redeemed | replayed | used | expired | unknown
    coupon: ecoupons.Coupon | None

    @property
    def ok(self) -> bool:
        return self.result in SUCCESS


@dataclass(frozen=True)
class Attempt:
    id: int
    code: str | None
    action: str
    outcome: str
    till: str
    actor: str
    at: datetime
    coupon_id: int | None
    redeemed_at: datetime | None  # the coupon's redemption now, for an undo button


def check(db: Database, code: str | None, till: str, actor: str, now: datetime) -> Outcome:
    """Tell a till what a code is worth now, and record that it asked."""
    coupon = ecoupons.by_code(db, code) if code else None
    result = rules.verdict(coupon.state if coupon else None, now)
    with immediate(db, durable=False):
        _record(db, coupon, "check", result, till, actor, None, now)
    return Outcome(result, coupon)


def redeem(
    db: Database, code: str | None, key: str | None, till: str, actor: str, now: datetime
) -> Outcome:
    """Use a coupon up: one conditional UPDATE, so two tills at once cannot both succeed.

    A retry with the idempotency key of the request that succeeded gets that success again.
    """
    with immediate(db):
        row = None
        if code:
            row = db.execute(
                "UPDATE ecoupons SET redeemed_at = ?, redeemed_till = ?, redeemed_by = ?,"
                " redeem_key = ? WHERE code = ? AND redeemed_at IS NULL"
                " AND (expires_at IS NULL OR expires_at > ?) RETURNING id",
                [stamp(now), till, actor, key or f"-{code}-{stamp(now)}", code, stamp(now)],
            ).fetchone()
        coupon = ecoupons.by_code(db, code) if code else None
        if row is not None:
            result = "redeemed"
        elif coupon is not None and key and coupon.redeem_key == key:
            result = "replayed"
        else:
            result = rules.verdict(coupon.state if coupon else None, now)
        _record(db, coupon, "redeem", result, till, actor, key, now)
    return Outcome(result, coupon)


def undo(db: Database, coupon_id: int, actor: str, now: datetime) -> ecoupons.Coupon | None:
    """Make a coupon redeemed today (in its campaign's zone) valid again; None if it was not."""
    with immediate(db):
        zone = db.execute(
            "SELECT c.timezone FROM ecoupons e JOIN campaigns c ON c.id = e.campaign_id"
            " WHERE e.id = ?",
            [coupon_id],
        ).fetchone()
        if zone is None:
            return None
        since = rules.day_start(now, zone_info(zone[0]))
        row = db.execute(
            "UPDATE ecoupons SET redeemed_at = NULL, redeemed_till = NULL, redeemed_by = NULL,"
            " redeem_key = NULL WHERE id = ? AND redeemed_at >= ? RETURNING code",
            [coupon_id, stamp(since)],
        ).fetchone()
        if row is None:
            return None
        coupon = ecoupons.by_code(db, row[0])
        _record(db, coupon, "undo", "undone", "", actor, None, now)
    return coupon


def recent(db: Database, campaign_id: int, limit: int = 100) -> list[Attempt]:
    """Return a campaign's latest redemption attempts, newest first."""
    rows = db.execute(
        "SELECT r.id, e.code, r.action, r.outcome, r.till, r.actor, r.at, e.id, e.redeemed_at"
        " FROM redemptions r LEFT JOIN ecoupons e ON e.id = r.ecoupon_id"
        " WHERE r.campaign_id = ? ORDER BY r.id DESC LIMIT ?",
        [campaign_id, limit],
    )
    return [Attempt(*r[:6], unstamp(r[6]), r[7], unstamp(r[8]) if r[8] else None) for r in rows]


def count(db: Database, outcome: str | None = None) -> int:
    """Count recorded attempts (of one outcome)."""
    return db.execute(
        "SELECT count(*) FROM redemptions WHERE CAST(? AS TEXT) IS NULL OR outcome = ?",
        [outcome, outcome],
    ).fetchone()[0]


def _record(db, coupon, action, outcome, till, actor, key, now) -> None:
    db.execute(
        "INSERT INTO redemptions (ecoupon_id, campaign_id, action, outcome, till, actor,"
        " idem_key, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            coupon.id if coupon else None,
            coupon.campaign_id if coupon else None,
            action,
            outcome,
            till[:60],
            actor[:254],
            key,
            stamp(now),
        ],
    )
