"""The claim machinery: hold, confirm, cancel and expire tickets.

Every draw mode (open board, invitation, kiosk) goes through these functions; only
the `holder` text and whether a tile number is given differ.
"""

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from app.lottery.contact import Contact

from .campaigns import Campaign
from .db import immediate, stamp, unstamp
from .errors import AlreadyDrawn, Duplicate, NotHeld, Taken


@dataclass(frozen=True)
class Entry:
    """One draw by one holder, and what became of it."""

    id: int
    ticket_no: int
    state: str  # held, confirmed, cancelled, expired, lost
    prize_id: int | None
    held_until: datetime | None


def hold(
    db: Database, campaign: Campaign, holder: str, now: datetime, no: int | None = None
) -> Entry:
    """Hold tile `no`, or the next free one in secret draw order, for a holder's one draw.

    Raises Taken when someone was first, AlreadyDrawn when this holder drew before.
    """
    # A hold never outlives the receipt period: the list is final when the campaign ends.
    until = stamp(min(now + timedelta(minutes=campaign.hold_minutes), campaign.closes))
    with immediate(db, durable=False):
        _expire(db, campaign.id, now)
        if no is None:
            row = db.execute(
                "SELECT no FROM tickets WHERE campaign_id = ? AND state = 'free'"
                " ORDER BY draw_order LIMIT 1",
                [campaign.id],
            ).fetchone()
            if row is None:
                raise Taken
            no = row[0]
        version = _bump(db, campaign.id)
        try:
            entry_id = db.execute(
                "INSERT INTO entries (campaign_id, ticket_no, holder, state, created_at)"
                " VALUES (?, ?, ?, 'held', ?)",
                [campaign.id, no, holder, stamp(now)],
            ).lastrowid
        except sqlite3.IntegrityError:
            raise AlreadyDrawn from None
        # The claim itself: one conditional UPDATE; no row back means someone was first.
        row = db.execute(
            "UPDATE tickets SET state = 'held', entry_id = ?, held_until = ?, version = ?"
            " WHERE campaign_id = ? AND no = ? AND state = 'free' RETURNING prize_id",
            [entry_id, until, version, campaign.id, no],
        ).fetchone()
        if row is None:
            raise Taken
        prize_id = row[0]
        if prize_id is None:
            _lose(db, campaign.id, entry_id, now)
            return Entry(entry_id, no, "lost", None, None)
    return Entry(entry_id, no, "held", prize_id, unstamp(until))


def confirm(
    db: Database, campaign: Campaign, entry_id: int, contact: Contact, now: datetime
) -> Entry:
    """Turn a live hold into a destination row; raise NotHeld or Duplicate."""
    with immediate(db):
        row = db.execute(
            "UPDATE tickets SET state = 'confirmed', held_until = NULL"
            " WHERE campaign_id = ? AND entry_id = ? AND state = 'held' AND held_until > ?"
            " RETURNING no, prize_id",
            [campaign.id, entry_id, stamp(now)],
        ).fetchone()
        if row is None:
            raise NotHeld(_fate(db, campaign.id, entry_id))
        no, prize_id = row
        try:
            db.execute(
                "INSERT INTO destinations (campaign_id, issue_no, entry_id, prize_id, name,"
                " address, phone, email, email_key, phone_key, confirmed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    campaign.id,
                    no,
                    entry_id,
                    prize_id,
                    contact.name,
                    contact.address,
                    contact.phone,
                    contact.email,
                    contact.email_key,
                    contact.phone_key,
                    stamp(now),
                ],
            )
        except sqlite3.IntegrityError as exc:
            raise Duplicate("phone" if "phone_key" in str(exc) else "email") from None
        _end_entry(db, entry_id, "confirmed", now)
        _end_if_done(db, campaign.id, now)
    return Entry(entry_id, no, "confirmed", prize_id, None)


def cancel(db: Database, campaign: Campaign, entry_id: int, now: datetime) -> int:
    """Give a held tile back to the board; return its number or raise NotHeld."""
    with immediate(db, durable=False):
        version = _bump(db, campaign.id)
        row = db.execute(
            "UPDATE tickets SET state = 'free', entry_id = NULL, held_until = NULL, version = ?"
            " WHERE campaign_id = ? AND entry_id = ? AND state = 'held' RETURNING no",
            [version, campaign.id, entry_id],
        ).fetchone()
        if row is None:
            raise NotHeld(_fate(db, campaign.id, entry_id))
        _end_entry(db, entry_id, "cancelled", now)
    return row[0]


def expire_due(db: Database, campaign: Campaign, now: datetime) -> bool:
    """Return lapsed holds to the board; cheap when there are none."""
    if not db.execute(
        "SELECT 1 FROM tickets WHERE campaign_id = ? AND state = 'held' AND held_until <= ?"
        " LIMIT 1",
        [campaign.id, stamp(now)],
    ).fetchone():
        return False
    with immediate(db, durable=False):
        return _expire(db, campaign.id, now)


def entry(
    db: Database, campaign_id: int, entry_id: int, now: datetime, holder: str | None = None
) -> Entry | None:
    """Return an entry of this campaign (only if `holder` drew it), lapsed holds as expired."""
    row = db.execute(
        "SELECT e.id, e.ticket_no, e.state, t.prize_id, t.held_until FROM entries e"
        " JOIN tickets t ON t.campaign_id = e.campaign_id AND t.no = e.ticket_no"
        " WHERE e.id = ? AND e.campaign_id = ? AND (? IS NULL OR e.holder = ?)",
        [entry_id, campaign_id, holder, holder],
    ).fetchone()
    if row is None:
        return None
    entry_id, no, state, prize_id, until = row
    if state != "held":
        return Entry(entry_id, no, state, prize_id, None)
    if until is None or until <= stamp(now):
        return Entry(entry_id, no, "expired", prize_id, None)
    return Entry(entry_id, no, state, prize_id, unstamp(until))


def _expire(db: Database, campaign_id: int, now: datetime) -> bool:
    due = [campaign_id, stamp(now)]
    lapsed = (
        "SELECT entry_id FROM tickets WHERE campaign_id = ? AND state = 'held' AND held_until <= ?"
    )
    if not db.execute(lapsed + " LIMIT 1", due).fetchone():
        return False
    version = _bump(db, campaign_id)
    db.execute(
        f"UPDATE entries SET state = 'expired', ended_at = ? WHERE id IN ({lapsed})",  # noqa: S608
        [stamp(now), *due],
    )
    db.execute(
        "UPDATE tickets SET state = 'free', entry_id = NULL, held_until = NULL, version = ?"
        " WHERE campaign_id = ? AND state = 'held' AND held_until <= ?",
        [version, *due],
    )
    return True


def _lose(db: Database, campaign_id: int, entry_id: int, now: datetime) -> None:
    db.execute(
        "UPDATE tickets SET state = 'lost', held_until = NULL WHERE entry_id = ?", [entry_id]
    )
    _end_entry(db, entry_id, "lost", now)
    _end_if_done(db, campaign_id, now)


def _end_entry(db: Database, entry_id: int, state: str, now: datetime) -> None:
    db.execute(
        "UPDATE entries SET state = ?, ended_at = ? WHERE id = ?", [state, stamp(now), entry_id]
    )


def _end_if_done(db: Database, campaign_id: int, now: datetime) -> None:
    """End the campaign once every tile is confirmed or lost."""
    # The free count is kept by triggers; without statistics the planner would walk the
    # whole board for "any held tile?", so the partial index is named.
    if db.execute("SELECT free FROM campaigns WHERE id = ?", [campaign_id]).fetchone()[0]:
        return
    if db.execute(
        "SELECT 1 FROM tickets INDEXED BY tickets_held"
        " WHERE campaign_id = ? AND state = 'held' LIMIT 1",
        [campaign_id],
    ).fetchone():
        return
    db.execute(
        "UPDATE campaigns SET ended_at = ?, version = version + 1"
        " WHERE id = ? AND ended_at IS NULL",
        [stamp(now), campaign_id],
    )


def _bump(db: Database, campaign_id: int) -> int:
    return db.execute(
        "UPDATE campaigns SET version = version + 1 WHERE id = ? RETURNING version", [campaign_id]
    ).fetchone()[0]


def _fate(db: Database, campaign_id: int, entry_id: int) -> str | None:
    row = db.execute(
        "SELECT state FROM entries WHERE id = ? AND campaign_id = ?", [entry_id, campaign_id]
    ).fetchone()
    if row and row[0] == "held":
        return "expired"  # still marked held, but its time ran out
    return row[0] if row else None
