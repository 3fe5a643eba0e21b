"""Invitations: who is invited to which campaign, their login ID, and what the mail did.

A mail is sent at most once on its own: an invitation is marked 'sending' (committed)
before the mail server is asked, and 'sent' after. One found still 'sending' when a
sender starts again was cut off mid-way; it becomes 'unknown' and waits for the admin to
resend it (with a new password), because nobody can tell whether it arrived.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from .db import immediate, skip_locked, stamp, unstamp

STATES = ("queued", "sending", "sent", "failed", "unknown")


@dataclass(frozen=True)
class Invitation:
    id: int
    campaign_id: int
    candidate_id: int
    login_id: str
    status: str
    name: str
    email: str
    language: str
    address: str
    purchases: int
    sent_at: datetime | None
    password_hash: str | None
    password_gen: int = 0  # raised by every mail sent: a resend ends the old sessions


_SELECT = (
    "SELECT i.id, i.campaign_id, i.candidate_id, i.login_id, i.status, c.name, c.email,"
    " c.language, c.address, c.purchases, i.sent_at, i.password_hash, i.password_gen"
    " FROM invitations i JOIN candidates c ON c.id = i.candidate_id"
)


def _invitation(row) -> Invitation:
    return Invitation(*row[:10], unstamp(row[10]) if row[10] else None, row[11], row[12])


def attach(
    db: Database,
    campaign_id: int,
    candidate_ids: list[int],
    now: datetime,
    new_login_id: Callable[[], str],
) -> int:
    """Invite candidates to a campaign (each once); return how many were newly invited."""
    # The campaign's row lock: two imports at once read the same taken IDs otherwise.
    with immediate(db, campaign=campaign_id):
        taken = {
            r[0]
            for r in db.execute(
                "SELECT login_id FROM invitations WHERE campaign_id = ?", [campaign_id]
            )
        }
        already = {
            r[0]
            for r in db.execute(
                "SELECT candidate_id FROM invitations WHERE campaign_id = ?", [campaign_id]
            )
        }
        rows = []
        for candidate_id in dict.fromkeys(candidate_ids):
            if candidate_id in already:
                continue
            login_id = new_login_id()
            while login_id in taken:
                login_id = new_login_id()
            taken.add(login_id)
            rows.append((campaign_id, candidate_id, login_id, stamp(now)))
        db.conn.executemany(
            "INSERT INTO invitations (campaign_id, candidate_id, login_id, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, candidate_id) DO NOTHING",
            rows,
        )
    return len(rows)


def claim_next(db: Database, campaign_id: int) -> Invitation | None:
    """Take the next queued invitation and mark it 'sending'; None when none is left."""
    with immediate(db):
        row = db.execute(
            "UPDATE invitations SET status = 'sending', attempts = attempts + 1"  # noqa: S608
            " WHERE id = (SELECT id FROM invitations WHERE campaign_id = ? AND status = 'queued'"
            f" ORDER BY id LIMIT 1{skip_locked(db)}) AND status = 'queued' RETURNING id",
            [campaign_id],
        ).fetchone()
    return by_id(db, row[0]) if row else None


def mark_sent(db: Database, invitation_id: int, password_hash: str, now: datetime) -> None:
    """Record a delivered mail and the hash of the password it carried."""
    with immediate(db):
        db.execute(
            "UPDATE invitations SET status = 'sent', password_hash = ?, sent_at = ?, reason = '',"
            " password_gen = password_gen + 1 WHERE id = ? AND status = 'sending'",
            [password_hash, stamp(now), invitation_id],
        )


def mark_failed(db: Database, invitation_id: int, reason: str) -> None:
    """Record a mail the server refused, with its reason."""
    with immediate(db):
        db.execute(
            "UPDATE invitations SET status = 'failed', reason = ?"
            " WHERE id = ? AND status = 'sending'",
            [reason[:500], invitation_id],
        )


def interrupted(db: Database, campaign_id: int) -> int:
    """Mark mails cut off mid-way as 'unknown'; return how many. Call before sending again."""
    with immediate(db):
        return db.execute(
            "UPDATE invitations SET status = 'unknown',"
            " reason = 'interrupted while sending: it may or may not have arrived'"
            " WHERE campaign_id = ? AND status = 'sending'",
            [campaign_id],
        ).rowcount


def requeue(db: Database, invitation_id: int) -> bool:
    """Queue one invitation to be sent again; its old password stops working at once."""
    with immediate(db):
        return (
            db.execute(
                "UPDATE invitations SET status = 'queued', password_hash = NULL, reason = ''"
                " WHERE id = ? AND status <> 'sending'",
                [invitation_id],
            ).rowcount
            == 1
        )


def by_id(db: Database, invitation_id: int) -> Invitation | None:
    """Return one invitation with its candidate's details."""
    row = db.execute(f"{_SELECT} WHERE i.id = ?", [invitation_id]).fetchone()  # noqa: S608
    return _invitation(row) if row else None


def by_login(db: Database, campaign_id: int, login_id: str) -> Invitation | None:
    """Return the invitation with this login ID in a campaign."""
    row = db.execute(
        f"{_SELECT} WHERE i.campaign_id = ? AND i.login_id = ?",  # noqa: S608
        [campaign_id, login_id],
    ).fetchone()
    return _invitation(row) if row else None


def counts(db: Database, campaign_id: int) -> dict[str, int]:
    """Count a campaign's invitations by status."""
    rows = db.execute(
        "SELECT status, count(*) FROM invitations WHERE campaign_id = ? GROUP BY status",
        [campaign_id],
    )
    return {**dict.fromkeys(STATES, 0), **dict(rows.fetchall())}


def page(db: Database, campaign_id: int, after: int = 0, size: int = 50) -> list[Invitation]:
    """Return up to `size` invitations after id `after`."""
    rows = db.execute(
        f"{_SELECT} WHERE i.campaign_id = ? AND i.id > ? ORDER BY i.id LIMIT ?",  # noqa: S608
        [campaign_id, after, size],
    )
    return [_invitation(r) for r in rows]


def reasons(db: Database, invitation_id: int) -> str:
    """Return why an invitation failed or is unknown."""
    row = db.execute("SELECT reason FROM invitations WHERE id = ?", [invitation_id]).fetchone()
    return row[0] if row else ""
