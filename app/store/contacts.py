"""Contact details given before the reveal (reveal_order = "after-contact").

The person gives their details while the draw is still covered. Giving them settles the
entry in one transaction: keyed digests of the e-mail and phone keys are recorded against
the draw (unique per campaign, so the same person is refused a second draw from any device
or address, however the details are written), and a coupon is confirmed at once with the
details as its destination. A draw that won nothing keeps the digests only: nothing to
write to the person with, nothing a later export could leak. The reveal then uncovers what
was settled; the e-coupon is made (and mailed) only then, so no mail tells the outcome first.
"""

from datetime import datetime, timedelta

from sqlite_utils import Database

from app.lottery.contact import Contact

from . import ecoupons
from .campaigns import Campaign
from .claims import Entry, _fate, settle
from .db import IntegrityError, immediate, retried, stamp, stamp_param, unstamp
from .errors import Duplicate, NotHeld, refusal

OPEN, GIVEN, LAPSED, ENDED = "open", "given", "lapsed", "ended"


@retried
def give(
    db: Database,
    campaign: Campaign,
    entry_id: int,
    contact: Contact,
    digests: tuple[str, str],
    now: datetime,
    older: list[tuple[str, str]] = (),
    language: str | None = None,
) -> Entry:
    """Record a covered draw's contact details; confirm its coupon if it drew one.

    `digests`: the person's (e-mail, phone) digests under the current key; `older`: the same
    under keys since retired, which must not match either. Raises Duplicate when this person
    drew in the campaign before, NotHeld when the draw lapsed or its details were given.
    """
    deadline = stamp(now - timedelta(minutes=campaign.hold_minutes))
    with immediate(db, campaign=campaign.id):
        _refuse_older(db, campaign.id, older)
        try:
            row = db.execute(
                "INSERT INTO contact_keys (entry_id, campaign_id, email_key, phone_key, given_at)"  # noqa: S608
                f" SELECT id, campaign_id, ?, ?, {stamp_param(db)} FROM entries"
                " WHERE id = ? AND campaign_id = ? AND revealed_at IS NULL"
                " AND (state = 'held' OR (state = 'lost' AND created_at > ?))"
                " ON CONFLICT (entry_id) DO NOTHING RETURNING entry_id",
                [*digests, stamp(now), entry_id, campaign.id, deadline],
            ).fetchone()
        except IntegrityError as exc:  # raised out: PostgreSQL has ended the transaction
            raise refusal(exc) from None
        if row is None:
            raise NotHeld(_fate(db, campaign.id, entry_id))
        state, no = db.execute(
            "SELECT state, tile_no FROM entries WHERE id = ?", [entry_id]
        ).fetchone()
        if state == "lost":
            return Entry(entry_id, no, "lost", None, None)
        # The e-coupon waits for the reveal, so no mail tells the outcome first.
        held = settle(db, campaign, entry_id, contact, now, language=language, ecoupon=False)
        if held is None:
            raise NotHeld("expired")  # the rollback takes the digests back too
        no, prize_id = held
    return Entry(entry_id, no, "confirmed", prize_id, None)


def _refuse_older(db: Database, campaign_id: int, older: list[tuple[str, str]]) -> None:
    """Raise Duplicate when digests made under a retired key name this person."""
    for field, index in (("email", 0), ("phone", 1)):
        values = [d[index] for d in older]
        if not values:
            return
        marks = ", ".join("?" * len(values))
        column = "email_key" if field == "email" else "phone_key"
        if db.execute(
            f"SELECT 1 FROM contact_keys WHERE campaign_id = ? AND {column} IN ({marks})",  # noqa: S608
            [campaign_id, *values],
        ).fetchone():
            raise Duplicate(field)


def status(db: Database, campaign: Campaign, entry: Entry, now: datetime) -> str:
    """Say where a draw stands before its reveal: OPEN for details, GIVEN, LAPSED, or ENDED
    (a loss in a campaign that has ended, uncovered without details).

    A draw whose details did not come within the hold time has lapsed, whether it held a
    coupon (given back) or won nothing: the page says the same either way.
    """
    row = db.execute(
        "SELECT e.created_at, EXISTS (SELECT 1 FROM contact_keys k WHERE k.entry_id = e.id)"
        " FROM entries e WHERE e.id = ?",
        [entry.id],
    ).fetchone()
    if row is None:
        return LAPSED
    created, given = row
    if given:
        return GIVEN
    if entry.state in ("expired", "cancelled"):
        return LAPSED
    created = unstamp(created) if isinstance(created, str) else created  # text on SQLite
    if entry.state == "lost" and created <= now - timedelta(minutes=campaign.hold_minutes):
        return LAPSED
    if campaign.phase(now) == "ended":
        # Nobody can draw again, so there is no one to stop: a loss drawn near the end (the
        # campaign may have sold out meanwhile) is uncovered without details.
        return ENDED
    return OPEN


def reveal(
    db: Database, campaign: Campaign, entry_id: int, now: datetime, ended: bool = False
) -> bool | None:
    """Uncover a draw whose details were given: True the first time (its e-coupon is made
    now), False after; None while no details were given (nothing is uncovered).

    Once the campaign has `ended`, a loss is uncovered without details (status ENDED).
    """
    with immediate(db, campaign=campaign.id):
        row = db.execute(
            "UPDATE entries SET revealed_at = ?"
            " WHERE id = ? AND campaign_id = ? AND revealed_at IS NULL"
            " AND (EXISTS (SELECT 1 FROM contact_keys k WHERE k.entry_id = entries.id)"
            " OR (state = 'lost' AND CAST(? AS INTEGER) = 1)) RETURNING id",
            [stamp(now), entry_id, campaign.id, int(ended)],
        ).fetchone()
        if row is not None:
            ecoupons.issue(db, campaign, entry_id, now)  # None for a draw that won nothing
            return True
    done = db.execute(
        "SELECT revealed_at FROM entries WHERE id = ? AND campaign_id = ?",
        [entry_id, campaign.id],
    ).fetchone()
    return False if done and done[0] else None
