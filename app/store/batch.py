"""Batch draws: requests during the period, then one transaction draws them all.

The draw itself is claims.draw_many(), the instant draw's steps once per request.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery import period
from app.lottery.contact import Contact

from . import claims, ecoupons, engine
from .campaigns import Campaign, by_id
from .db import IntegrityError, changed, immediate, retried, stamp
from .errors import Taken, refusal


class NotDue(Exception):
    """The batch draw may run only once the period has ended or every sheet is asked for."""


@dataclass(frozen=True)
class Request:
    id: int
    state: str  # waiting, confirmed, lost
    tile_no: int | None
    prize_id: int | None


@retried
def register(
    db: Database,
    campaign: Campaign,
    holder: str,
    contact: Contact,
    now: datetime,
    merit: int = 0,
    language: str | None = None,
) -> int:
    """Record a request for the batch draw (in the asker's `language`); return its id.

    Raises Closed outside the period, Taken once there are as many requests as tiles,
    AlreadyDrawn for a holder who asked before, Duplicate for an e-mail or phone number
    that asked before.
    """
    # The campaign's row lock first: two requests for the last tile both counted one free.
    with immediate(db, campaign=campaign.id):
        engine.open_for_draw(db, campaign.id, now)
        asked = db.execute(
            "SELECT count(*) FROM requests WHERE campaign_id = ?", [campaign.id]
        ).fetchone()[0]
        if asked >= campaign.tile_count:
            raise Taken
        try:
            request_id = db.execute(
                "INSERT INTO requests (campaign_id, holder, merit, name, address, phone, email,"
                " email_key, phone_key, created_at, postal_code, language)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    campaign.id,
                    holder,
                    merit,
                    contact.name,
                    contact.address,
                    contact.phone,
                    contact.email,
                    contact.email_key,
                    contact.phone_key,
                    stamp(now),
                    contact.postal_code,
                    language,
                ],
            ).fetchone()[0]
        except IntegrityError as exc:  # raised out: PostgreSQL has ended the transaction
            raise refusal(exc) from None
    return request_id


def asked(db: Database, campaign_id: int) -> int:
    """Count the requests so far."""
    return db.execute(
        "SELECT count(*) FROM requests WHERE campaign_id = ?", [campaign_id]
    ).fetchone()[0]


def request(db: Database, campaign_id: int, request_id: int, holder: str) -> Request | None:
    """Return a holder's request and, after the draw, what it won."""
    row = db.execute(
        "SELECT r.id, e.state, e.tile_no, t.prize_id FROM requests r"
        " LEFT JOIN entries e ON e.id = r.entry_id"
        " LEFT JOIN tiles t ON t.campaign_id = r.campaign_id AND t.entry_id = e.id"
        " WHERE r.id = ? AND r.campaign_id = ? AND r.holder = ?",
        [request_id, campaign_id, holder],
    ).fetchone()
    if row is None:
        return None
    return Request(row[0], row[1] or "waiting", row[2], row[3])


def due(campaign: Campaign, requests: int, now: datetime) -> bool:
    """Tell whether the batch draw should run now."""
    if campaign.draw != "batch" or campaign.batch_drawn_at is not None:
        return False
    return campaign.phase(now) == "ended" or requests >= campaign.tile_count


@retried
def run(db: Database, campaign: Campaign, now: datetime) -> int | None:
    """Draw every request in request order, in one transaction; return how many.

    Returns None when the draw had already run: it is recorded and never runs twice.
    Raises NotDue while the period is open and tiles remain to be asked for.
    """
    with immediate(db, campaign=campaign.id):
        row = db.execute(
            "SELECT batch_drawn_at, published_at, ended_at, opens, closes"
            " FROM campaigns WHERE id = ?",
            [campaign.id],
        ).fetchone()
        drawn_at, published, ended, opens, closes = row
        if drawn_at is not None:
            return None
        pending = db.execute(
            "SELECT id, holder, merit, name, address, phone, email, postal_code, language"
            " FROM requests WHERE campaign_id = ? ORDER BY id",
            [campaign.id],
        ).fetchall()
        over = period.phase(stamp(now), opens, closes, ended=ended is not None) == period.ENDED
        if not published or not (over or len(pending) >= campaign.tile_count):
            raise NotDue
        _assign(db, campaign, pending, now)
        db.execute(
            "UPDATE campaigns SET batch_drawn_at = ?, ended_at = coalesce(ended_at, ?),"
            " version = version + 1 WHERE id = ?",
            [stamp(now), stamp(now), campaign.id],
        )
        changed(db, campaign.id)
    return len(pending)


def _assign(db: Database, campaign: Campaign, pending, now: datetime) -> None:
    draws = [
        claims.Draw(holder, merit, Contact(name, address, phone, email, postal_code), language)
        for _, holder, merit, name, address, phone, email, postal_code, language in pending
    ]
    entries = claims.draw_many(db, campaign, draws, now)
    for (request_id, *_rest), entry in zip(pending, entries, strict=True):
        if (
            db.execute(
                "UPDATE requests SET entry_id = ? WHERE id = ? AND entry_id IS NULL",
                [entry.id, request_id],
            ).rowcount
            != 1
        ):
            raise AssertionError("a request was drawn twice")
    ecoupons.issue_all(db, campaign.id, now)


def run_due(db: Database, now: datetime) -> list[str]:
    """Run every batch draw that is due now; return the slugs of the campaigns drawn.

    The job runner calls this on each tick, so a draw happens soon after a period ends
    even when nobody posts a request; a page view never draws.
    """
    rows = db.execute(
        "SELECT id FROM campaigns c WHERE draw = 'batch' AND batch_drawn_at IS NULL"
        " AND published_at IS NOT NULL AND (ended_at IS NOT NULL OR closes <= ?"
        "  OR (SELECT count(*) FROM requests r WHERE r.campaign_id = c.id) >= tile_count)",
        [stamp(now)],
    ).fetchall()
    drawn = []
    for (campaign_id,) in rows:
        campaign = by_id(db, campaign_id)
        try:
            if run(db, campaign, now) is not None:
                drawn.append(campaign.slug)
        except NotDue:
            continue  # a request or a change came in between: the next tick looks again
    return drawn
