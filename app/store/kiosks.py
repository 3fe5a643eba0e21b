"""Shop kiosks (tablets bound by a one-time link) and their single-use draw tickets."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlite_utils import Database

from app.lottery import ecoupons as rules
from app.lottery.codes import same_digest, secret_digest

from .db import immediate, stamp, unstamp

SETUP_VALID = timedelta(days=2)
# A customer's turn at a kiosk ends by itself after this long, whatever the screen does.
TURN = timedelta(minutes=10)
_rng = secrets.SystemRandom()


@dataclass(frozen=True)
class Kiosk:
    id: int
    campaign_id: int
    name: str
    store: str
    device: str | None  # the nonce in the bound browser's cookie
    bound_at: datetime | None
    revoked_at: datetime | None
    ticket_id: int | None  # the ticket of the customer at the kiosk now
    ticket_at: datetime | None
    setup_until: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class Ticket:
    id: int
    campaign_id: int
    code: str
    batch: int
    used: bool


_KIOSK = (
    "SELECT id, campaign_id, name, store, device, bound_at, revoked_at, ticket_id, ticket_at,"
    " setup_until, created_at FROM kiosks"
)


def _kiosk(row) -> Kiosk:
    r = list(row)
    for i in (5, 6, 8, 9, 10):
        r[i] = unstamp(r[i]) if r[i] else None
    return Kiosk(*r)


def register(
    db: Database, campaign_id: int, name: str, store: str, key: bytes, now: datetime
) -> tuple[int, str]:
    """Register a kiosk; return its id and the one-time setup token (kept only as a digest)."""
    token = secrets.token_urlsafe(24)
    with immediate(db):
        kiosk_id = db.execute(
            "INSERT INTO kiosks (campaign_id, name, store, setup_until, created_at)"
            " VALUES (?, ?, ?, ?, ?) RETURNING id",
            [campaign_id, name, store, stamp(now + SETUP_VALID), stamp(now)],
        ).fetchone()[0]
        db.execute(
            "UPDATE kiosks SET setup_digest = ? WHERE id = ?",
            [secret_digest(key, kiosk_id, token), kiosk_id],
        )
    return kiosk_id, token


def setup_ok(db: Database, kiosk_id: int, token: str, key: bytes, now: datetime) -> bool:
    """Tell whether a setup link is still unused, unexpired and for a live kiosk."""
    row = db.execute(
        "SELECT setup_digest, setup_until, revoked_at FROM kiosks WHERE id = ?", [kiosk_id]
    ).fetchone()
    if row is None or row[2] is not None or row[1] is None or row[1] <= stamp(now):
        return False
    return same_digest(key, row[0], kiosk_id, token)


def bind(db: Database, kiosk_id: int, token: str, key: bytes, now: datetime) -> str | None:
    """Use a setup link once: return the new device nonce for the cookie, or None."""
    if not setup_ok(db, kiosk_id, token, key, now):
        return None
    device = secrets.token_urlsafe(16)
    with immediate(db):
        row = db.execute(
            "UPDATE kiosks SET setup_digest = NULL, setup_until = NULL, device = ?, bound_at = ?"
            " WHERE id = ? AND setup_digest = ? AND revoked_at IS NULL RETURNING id",
            [device, stamp(now), kiosk_id, secret_digest(key, kiosk_id, token)],
        ).fetchone()
    return device if row else None


def get(db: Database, kiosk_id: int) -> Kiosk | None:
    """Return one kiosk."""
    row = db.execute(_KIOSK + " WHERE id = ?", [kiosk_id]).fetchone()
    return _kiosk(row) if row else None


def of_campaign(db: Database, campaign_id: int) -> list[Kiosk]:
    """Return a campaign's kiosks, oldest first."""
    return [_kiosk(r) for r in db.execute(_KIOSK + " WHERE campaign_id = ?", [campaign_id])]


def revoke(db: Database, kiosk_id: int, now: datetime) -> bool:
    """Switch a kiosk off for good; its next request is refused."""
    with immediate(db):
        return bool(
            db.execute(
                "UPDATE kiosks SET revoked_at = ?, setup_digest = NULL, ticket_id = NULL"
                " WHERE id = ? AND revoked_at IS NULL RETURNING id",
                [stamp(now), kiosk_id],
            ).fetchone()
        )


def make_tickets(db: Database, campaign_id: int, count: int, now: datetime) -> int:
    """Create a batch of `count` single-use draw tickets; return the batch number."""
    # The campaign's row lock first: two batches made at once would both read one max.
    with immediate(db, campaign=campaign_id):
        batch = db.execute(
            "SELECT coalesce(max(batch), 0) + 1 FROM kiosk_tickets WHERE campaign_id = ?",
            [campaign_id],
        ).fetchone()[0]
        made = 0
        while made < count:
            # The same code twice inserts nothing (no error, which would end the
            # transaction on PostgreSQL): draw another.
            made += bool(
                db.execute(
                    "INSERT INTO kiosk_tickets (campaign_id, batch, code, created_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT (code) DO NOTHING RETURNING id",
                    [campaign_id, batch, rules.new_ticket_code(_rng), stamp(now)],
                ).fetchone()
            )
    return batch


def batch_codes(db: Database, campaign_id: int, batch: int) -> list[str]:
    """Return the codes of one batch, in the order they were made."""
    rows = db.execute(
        "SELECT code FROM kiosk_tickets WHERE campaign_id = ? AND batch = ? ORDER BY id",
        [campaign_id, batch],
    )
    return [r[0] for r in rows]


def batches(db: Database, campaign_id: int) -> list[dict]:
    """Return each batch with its size, how many were used, and when it was made."""
    rows = db.execute(
        "SELECT t.batch, count(*), count(e.id), min(t.created_at) FROM kiosk_tickets t"
        " LEFT JOIN entries e ON e.campaign_id = t.campaign_id AND e.holder = 'kiosk:' || t.id"
        " WHERE t.campaign_id = ? GROUP BY t.batch ORDER BY t.batch DESC",
        [campaign_id],
    )
    return [
        {"batch": b, "count": n, "used": used, "created_at": unstamp(at)} for b, n, used, at in rows
    ]


def ticket_by_code(db: Database, code: str) -> Ticket | None:
    """Return the ticket with this bare code; used once its holder has drawn."""
    row = db.execute(
        "SELECT t.id, t.campaign_id, t.code, t.batch, EXISTS (SELECT 1 FROM entries e"
        "  WHERE e.campaign_id = t.campaign_id AND e.holder = 'kiosk:' || t.id)"
        " FROM kiosk_tickets t WHERE t.code = ?",
        [code],
    ).fetchone()
    return Ticket(*row[:4], bool(row[4])) if row else None


def ticket(db: Database, ticket_id: int) -> Ticket | None:
    """Return one ticket by id."""
    row = db.execute("SELECT code FROM kiosk_tickets WHERE id = ?", [ticket_id]).fetchone()
    return ticket_by_code(db, row[0]) if row else None


def begin_turn(db: Database, kiosk_id: int, ticket_id: int, now: datetime) -> None:
    """Let the customer holding `ticket_id` play at this kiosk."""
    with immediate(db, durable=False):
        db.execute(
            "UPDATE kiosks SET ticket_id = ?, ticket_at = ? WHERE id = ? AND revoked_at IS NULL",
            [ticket_id, stamp(now), kiosk_id],
        )


def turn(kiosk: Kiosk, now: datetime) -> int | None:
    """Return the ticket id of the customer at the kiosk now, if their turn has not lapsed."""
    if kiosk.ticket_id is None or kiosk.ticket_at is None or now - kiosk.ticket_at > TURN:
        return None
    return kiosk.ticket_id


def end_turn(db: Database, kiosk_id: int) -> None:
    """Forget the customer at the kiosk."""
    with immediate(db, durable=False):
        db.execute("UPDATE kiosks SET ticket_id = NULL, ticket_at = NULL WHERE id = ?", [kiosk_id])


def mark_used(db: Database, ticket_id: int, kiosk_id: int, entry_id: int, now: datetime) -> None:
    """Note where and when a ticket was drawn with (the entry is what makes it used)."""
    with immediate(db):
        db.execute(
            "UPDATE kiosk_tickets SET used_at = coalesce(used_at, ?), kiosk_id = ?, entry_id = ?"
            " WHERE id = ?",
            [stamp(now), kiosk_id, entry_id, ticket_id],
        )


def reveal(db: Database, ticket_id: int, now: datetime) -> None:
    """Note that the customer with this (drawn) ticket pressed Reveal; the first press counts."""
    with immediate(db, durable=False):
        db.execute(
            "UPDATE kiosk_tickets SET revealed_at = coalesce(revealed_at, ?)"
            " WHERE id = ? AND entry_id IS NOT NULL",
            [stamp(now), ticket_id],
        )


def revealed(db: Database, ticket_id: int) -> bool:
    """Tell whether the customer with this ticket has revealed their draw."""
    row = db.execute("SELECT revealed_at FROM kiosk_tickets WHERE id = ?", [ticket_id]).fetchone()
    return bool(row and row[0])


def free_tiles(db: Database, campaign_id: int, limit: int) -> list[int]:
    """Return the lowest free tile numbers of a board, at most `limit`."""
    rows = db.execute(
        "SELECT no FROM tiles WHERE campaign_id = ? AND state = 'free' ORDER BY no LIMIT ?",
        [campaign_id, limit],
    )
    return [r[0] for r in rows]
