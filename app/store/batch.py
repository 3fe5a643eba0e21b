"""Batch draws: requests during the period, then one transaction assigns every sheet."""

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from app.lottery.contact import Contact
from app.lottery.draw import LOSING, Tier, pick_tier
from app.lottery.fairness import uniform_for_draw

from . import ecoupons, engine
from .campaigns import Campaign
from .db import immediate, stamp
from .errors import AlreadyDrawn, Duplicate, Taken


class NotDue(Exception):
    """The batch draw may run only once the period has ended or every sheet is asked for."""


@dataclass(frozen=True)
class Request:
    id: int
    state: str  # waiting, confirmed, lost
    tile_no: int | None
    prize_id: int | None


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
    with immediate(db):
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
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ).lastrowid
        except sqlite3.IntegrityError as exc:
            text = str(exc)
            if "holder" in text:
                raise AlreadyDrawn from None
            raise Duplicate("phone" if "phone_key" in text else "email") from None
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


def run(db: Database, campaign: Campaign, now: datetime) -> int | None:
    """Assign every request a sheet in request order, in one transaction; return how many.

    Returns None when the draw had already run: it is recorded and never runs twice.
    Raises NotDue while the period is open and tiles remain to be asked for.
    """
    with immediate(db):
        row = db.execute(
            "SELECT batch_drawn_at, seed, tilt, published_at, ended_at, closes"
            " FROM campaigns WHERE id = ?",
            [campaign.id],
        ).fetchone()
        drawn_at, seed, tilt, published, ended, closes = row
        if drawn_at is not None:
            return None
        pending = db.execute(
            "SELECT id, holder, merit, name, address, phone, email, email_key, phone_key"
            " FROM requests WHERE campaign_id = ? ORDER BY id",
            [campaign.id],
        ).fetchall()
        over = ended is not None or stamp(now) >= closes
        if not published or not (over or len(pending) >= campaign.tile_count):
            raise NotDue
        _assign(db, campaign, bytes.fromhex(seed), tilt, pending, now)
        db.execute(
            "UPDATE campaigns SET batch_drawn_at = ?, ended_at = coalesce(ended_at, ?),"
            " version = version + 1 WHERE id = ?",
            [stamp(now), stamp(now), campaign.id],
        )
    return len(pending)


def _assign(db, campaign, seed, tilt, pending, now) -> None:
    found = engine.tiers(db, campaign.id)
    free = {t.number: t.free for t, _ in found}
    prize_of = {t.number: pid for t, pid in found}
    ranks = {t.number: t.rank for t, _ in found}
    tiles = [
        r[0]
        for r in db.execute(
            "SELECT no FROM tiles WHERE campaign_id = ? AND state = 'free' ORDER BY no LIMIT ?",
            [campaign.id, len(pending)],
        )
    ]
    first = engine.next_draw_no(db, campaign.id, len(pending))
    at = stamp(now)
    drawn = []
    for i, (request_id, holder, merit, *_rest) in enumerate(pending):
        tiers = [Tier(n, ranks[n], free[n]) for n in free]
        tier = pick_tier(tiers, tilt, merit, uniform_for_draw(seed, first + i))
        free[tier] -= 1
        drawn.append((request_id, holder, merit, tiles[i], tier, first + i))
    db.conn.executemany(
        "INSERT INTO entries (campaign_id, tile_no, holder, state, created_at, ended_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            (campaign.id, no, holder, "lost" if tier == LOSING else "confirmed", at, at)
            for _, holder, _, no, tier, _ in drawn
        ),
    )
    entry_of = dict(
        db.execute(
            # A batch campaign has no other draws: every entry is this run's.
            "SELECT tile_no, id FROM entries WHERE campaign_id = ?",
            [campaign.id],
        ).fetchall()
    )
    db.conn.executemany(
        "UPDATE tiles SET state = ?, entry_id = ?, prize_id = ?, tier = ?"
        " WHERE campaign_id = ? AND no = ? AND state = 'free'",
        (
            ("lost" if tier == LOSING else "confirmed", entry_of[no], prize_of[tier], tier)
            + (campaign.id, no)
            for _, _, _, no, tier, _ in drawn
        ),
    )
    db.conn.executemany(
        "UPDATE tiers SET free = ? WHERE campaign_id = ? AND number = ?",
        ((count, campaign.id, number) for number, count in free.items()),
    )
    db.conn.executemany(
        "UPDATE requests SET entry_id = ? WHERE id = ?",
        ((entry_of[no], request_id) for request_id, _, _, no, _, _ in drawn),
    )
    seq = db.execute(
        "UPDATE campaigns SET events = events + ? WHERE id = ? RETURNING events",
        [len(drawn), campaign.id],
    ).fetchone()[0] - len(drawn)
    db.conn.executemany(
        "INSERT INTO draw_log (campaign_id, seq, draw_no, event, tier, merit, tile_no,"
        " entry_id, at) VALUES (?, ?, ?, 'draw', ?, ?, ?, ?, ?)",
        (
            (campaign.id, seq + i + 1, s, tier, merit, no, entry_of[no], at)
            for i, (_, _, merit, no, tier, s) in enumerate(drawn)
        ),
    )
    contact = {r[0]: r[3:] for r in pending}
    db.conn.executemany(
        "INSERT INTO destinations (campaign_id, tile_no, entry_id, prize_id, name, address,"
        " phone, email, email_key, phone_key, confirmed_at, postal_code, language)"
        " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, postal_code, language FROM requests"
        " WHERE id = ?",
        (
            (campaign.id, no, entry_of[no], prize_of[tier], *contact[request_id], at, request_id)
            for request_id, _, _, no, tier, _ in drawn
            if tier != LOSING
        ),
    )
    ecoupons.issue_all(db, campaign.id, now)
