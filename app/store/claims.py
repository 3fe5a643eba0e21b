"""The claim machinery: hold, confirm, cancel and expire tickets.

Every instant draw (open board, speed lottery, invitation, kiosk) goes through these
functions; only the `holder` text, the campaign's strategy and the merit differ.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from app.lottery.contact import Contact

from . import accounting, ecoupons, engine, rates
from .accounting import Counted
from .campaigns import Campaign
from .db import IntegrityError, changed, immediate, retried, stamp, unstamp
from .errors import NotHeld, Refused, Taken, refusal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One draw by one holder, and what became of it."""

    id: int
    tile_no: int
    state: str  # held, confirmed, cancelled, expired, lost
    prize_id: int | None
    held_until: datetime | None


@retried
def hold(
    db: Database,
    campaign: Campaign,
    holder: str,
    now: datetime,
    no: int | None = None,
    merit: int = 0,
    counted: Counted | None = None,
    hits: Sequence[rates.Hit] = (),
) -> Entry:
    """Draw a coupon for a holder's one draw and hold it on a tile.

    The campaign's strategy chooses the tile: tile `no` on a board, the next free tile
    in a speed lottery. The coupon is drawn from what remains, weighted by `merit`.
    Raises Closed outside the period, Taken when the tile was gone, AlreadyDrawn when
    this holder drew before, Refused when `counted` (the client's address and its limits)
    may not draw now: that refusal is counted, and audited the first time.

    `hits`: the request's rate-limit hits, counted first in this same transaction (one
    commit instead of two); rates.Full when a window is full, before anything else is
    done. They are settled only if this transaction commits: a claim refused by a rollback
    (taken, closed, drawn before) leaves them for the caller to count on its own.
    """
    # A hold never outlives the receipt period: the list is final when the campaign ends.
    until = stamp(min(now + timedelta(minutes=campaign.hold_minutes), campaign.closes))
    with immediate(db, durable=False, campaign=campaign.id):
        rates.count_hits(db, hits, now)
        refused, entry = _hold(db, campaign, holder, now, no, merit, counted, until)
    rates.settle(hits)
    if refused:
        raise Refused(refused)
    return entry


def _hold(db, campaign, holder, now, no, merit, counted, until) -> tuple[str | None, Entry | None]:
    """The hold's work inside its transaction: (refusal reason, None) or (None, entry)."""
    engine.return_holds(db, campaign.id, now, due_by=now)
    if counted is not None and not accounting.count_draw(db, campaign.id, counted, now):
        # The refusal's count (and audit) commits; nothing else was written.
        return _refuse(db, campaign, counted, now), None
    return None, _claim(db, campaign, holder, now, no, merit, counted, until)


def _claim(db, campaign, holder, now, no, merit, counted, until) -> Entry:
    """Hold a tile and draw its coupon, inside the caller's transaction."""
    choose = engine.get_strategy(campaign.strategy)
    opened = engine.open_for_draw(db, campaign.id, now, draw=True)
    no = choose(db, campaign.id, no)
    address = counted.address if counted else None
    entry_id, prize_id = _draw(db, campaign.id, opened, holder, no, merit, now, until, address)
    if prize_id is None:
        _lose(db, campaign.id, entry_id, now)
        return Entry(entry_id, no, "lost", None, None)
    return Entry(entry_id, no, "held", prize_id, unstamp(until))


def _refuse(db: Database, campaign: Campaign, counted: Counted, now: datetime) -> str:
    reason, times = accounting.refuse(db, campaign.id, counted, now)
    log.info(
        "claim refused: address limit",
        extra={"campaign": campaign.slug, "reason": reason, "refusals": times},
    )
    if times == 1:  # the first refusal of an address in a campaign goes to the audit log
        db.execute(
            "INSERT INTO audit (at, actor, action, campaign_id, detail) VALUES (?, ?, ?, ?, ?)",
            [stamp(now), counted.address, f"draws refused: {reason}", campaign.id, ""],
        )
    return reason


@dataclass(frozen=True)
class Draw:
    """One holder's draw among many: their merit and where a coupon would go."""

    holder: str
    merit: int
    contact: Contact
    language: str | None = None


def draw_many(db: Database, campaign: Campaign, draws: list[Draw], now: datetime) -> list[Entry]:
    """Draw for many holders at once, inside the caller's write transaction (a batch draw).

    Each draw takes the lowest free tile and is the instant draw's, step for step: the
    same tier rule, log line and claim statement as hold(), then the same destination row
    as confirm() for a coupon, or a loss. The caller decides the campaign may draw now.
    """
    version, seed, tilt = db.execute(
        "UPDATE campaigns SET version = version + 1 WHERE id = ? RETURNING version, seed, tilt",
        [campaign.id],
    ).fetchone()
    changed(db, campaign.id)
    opened = engine.Opened(version, bytes.fromhex(seed), tilt)
    choose = engine.get_strategy("next")
    drawn = []
    for d in draws:
        no = choose(db, campaign.id, None)
        entry_id, prize_id = _draw(db, campaign.id, opened, d.holder, no, d.merit, now, None)
        if prize_id is None:
            _lose(db, campaign.id, entry_id, now)
            drawn.append(Entry(entry_id, no, "lost", None, None))
            continue
        if not db.execute(
            "UPDATE tiles SET state = 'confirmed' WHERE campaign_id = ? AND entry_id = ?"
            " AND state = 'held' RETURNING no",
            [campaign.id, entry_id],
        ).fetchone():
            raise AssertionError("a tile drawn in this transaction was not held")
        _destine(db, campaign.id, no, entry_id, prize_id, d.contact, now, language=d.language)
        _end_entry(db, entry_id, "confirmed", now)
        drawn.append(Entry(entry_id, no, "confirmed", prize_id, None))
    return drawn


def _draw(
    db, campaign_id, opened, holder, no, merit, now, until, address=None
) -> tuple[int, int | None]:
    """Enter `holder` on tile `no`, draw its tier and hold it; return (entry id, prize id).

    `address`: the client network the draw counts against (store.accounting), if any.
    """
    try:
        entry_id = db.execute(
            "INSERT INTO entries (campaign_id, tile_no, holder, state, created_at, address)"
            " VALUES (?, ?, ?, 'held', ?, ?) RETURNING id",
            [campaign_id, no, holder, stamp(now), address],
        ).fetchone()[0]
    except IntegrityError as exc:  # raised out: PostgreSQL has ended the transaction
        raise refusal(exc) from None
    s, tier, prize_id = engine.draw_tier(db, campaign_id, opened, merit)
    # The claim itself: one conditional UPDATE; no row back means someone was first,
    # and the rollback puts the drawn coupon back untouched.
    if not db.execute(
        "UPDATE tiles SET state = 'held', entry_id = ?, held_until = ?, version = ?,"
        " prize_id = ?, tier = ? WHERE campaign_id = ? AND no = ? AND state = 'free'"
        " RETURNING no",
        [entry_id, until, opened.version, prize_id, tier, campaign_id, no],
    ).fetchone():
        raise Taken
    engine.log(
        db, campaign_id, "draw", tier, no, entry_id, now, draw_no=s, merit=merit, seq=opened.seq
    )
    return entry_id, prize_id


@retried
def confirm(
    db: Database,
    campaign: Campaign,
    entry_id: int,
    contact: Contact,
    now: datetime,
    candidate_id: int | None = None,
    language: str | None = None,
    hits: Sequence[rates.Hit] = (),
) -> Entry:
    """Turn a live hold into a destination row (an invitee's names its candidate).

    `language` is the one the person confirmed in: their coupon's e-mail is written in it.
    `hits`: the request's rate-limit hits, counted first in this transaction, as hold()'s.
    Raises NotHeld, Duplicate or rates.Full.
    """
    with immediate(db, campaign=campaign.id):
        rates.count_hits(db, hits, now)
        row = settle(db, campaign, entry_id, contact, now, candidate_id, language)
        if row is None:
            raise NotHeld(_fate(db, campaign.id, entry_id))
    rates.settle(hits)
    no, prize_id = row
    return Entry(entry_id, no, "confirmed", prize_id, None)


def settle(
    db: Database,
    campaign: Campaign,
    entry_id: int,
    contact: Contact,
    now: datetime,
    candidate_id: int | None = None,
    language: str | None = None,
    *,
    ecoupon: bool = True,
) -> tuple[int, int] | None:
    """In the caller's transaction: confirm a live hold, write its destination, end the entry.

    Return the tile's (no, prize_id), or None when the hold is not live. `ecoupon=False`
    leaves the e-coupon to a later step (details given before the reveal).
    """
    campaign_id = campaign.id
    row = db.execute(
        "UPDATE tiles SET state = 'confirmed', held_until = NULL"
        " WHERE campaign_id = ? AND entry_id = ? AND state = 'held' AND held_until > ?"
        " RETURNING no, prize_id",
        [campaign_id, entry_id, stamp(now)],
    ).fetchone()
    if row is None:
        return None
    no, prize_id = row
    _destine(db, campaign_id, no, entry_id, prize_id, contact, now, candidate_id, language)
    if ecoupon:
        ecoupons.issue(db, campaign, entry_id, now)
    _end_entry(db, entry_id, "confirmed", now)
    accounting.end_hold(db, entry_id, now, redraw=False)
    engine.end_if_done(db, campaign_id, now)
    return no, prize_id


@retried
def cancel(db: Database, campaign: Campaign, entry_id: int, now: datetime) -> int:
    """Give a held tile back to the board and its coupon to the pool; raise NotHeld."""
    with immediate(db, durable=False, campaign=campaign.id):
        freed = engine.return_holds(db, campaign.id, now, entry_id=entry_id, state="cancelled")
        if not freed:
            raise NotHeld(_fate(db, campaign.id, entry_id))
    return freed[0]


@retried
def expire_due(db: Database, campaign: Campaign, now: datetime) -> bool:
    """Return lapsed holds to the board; cheap when there are none."""
    if not db.execute(
        "SELECT 1 FROM tiles WHERE campaign_id = ? AND state = 'held' AND held_until <= ?"
        " ORDER BY held_until LIMIT 1",
        [campaign.id, stamp(now)],
    ).fetchone():
        return False
    with immediate(db, durable=False, campaign=campaign.id):
        return bool(engine.return_holds(db, campaign.id, now, due_by=now))


def entry(
    db: Database, campaign_id: int, entry_id: int, now: datetime, holder: str | None = None
) -> Entry | None:
    """Return an entry of this campaign (only if `holder` drew it), lapsed holds as expired."""
    # A tile given back may hold someone else's coupon now: read it only while it is ours.
    row = db.execute(
        "SELECT e.id, e.tile_no, e.state, CASE WHEN t.entry_id = e.id THEN t.prize_id END,"
        " t.held_until FROM entries e"
        " JOIN tiles t ON t.campaign_id = e.campaign_id AND t.no = e.tile_no"
        " WHERE e.id = ? AND e.campaign_id = ? AND (CAST(? AS TEXT) IS NULL OR e.holder = ?)",
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


def _destine(
    db: Database,
    campaign_id: int,
    no: int,
    entry_id: int,
    prize_id: int,
    contact: Contact,
    now: datetime,
    candidate_id: int | None = None,
    language: str | None = None,
) -> None:
    """Record where a drawn coupon goes; raise Duplicate for a person already listed."""
    try:
        db.execute(
            "INSERT INTO destinations (campaign_id, tile_no, entry_id, prize_id, name,"
            " postal_code, address, phone, email, email_key, phone_key, confirmed_at,"
            " candidate_id, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                campaign_id,
                no,
                entry_id,
                prize_id,
                contact.name,
                contact.postal_code,
                contact.address,
                contact.phone,
                contact.email,
                contact.email_key,
                contact.phone_key,
                stamp(now),
                candidate_id,
                language,
            ],
        )
    except IntegrityError as exc:
        raise refusal(exc) from None


def _lose(db: Database, campaign_id: int, entry_id: int, now: datetime) -> None:
    db.execute("UPDATE tiles SET state = 'lost', held_until = NULL WHERE entry_id = ?", [entry_id])
    _end_entry(db, entry_id, "lost", now)
    accounting.end_hold(db, entry_id, now, redraw=False)
    engine.end_if_done(db, campaign_id, now)


def _end_entry(db: Database, entry_id: int, state: str, now: datetime) -> None:
    db.execute(
        "UPDATE entries SET state = ?, ended_at = ? WHERE id = ?", [state, stamp(now), entry_id]
    )


def _fate(db: Database, campaign_id: int, entry_id: int) -> str | None:
    row = db.execute(
        "SELECT state FROM entries WHERE id = ? AND campaign_id = ?", [entry_id, campaign_id]
    ).fetchone()
    if row and row[0] == "held":
        return "expired"  # still marked held, but its time ran out
    return row[0] if row else None


def entry_of(db: Database, campaign_id: int, holder: str, now: datetime) -> Entry | None:
    """Return the one draw a holder made in a campaign, if any."""
    row = db.execute(
        "SELECT id FROM entries WHERE campaign_id = ? AND holder = ?", [campaign_id, holder]
    ).fetchone()
    return entry(db, campaign_id, row[0], now, holder=holder) if row else None
