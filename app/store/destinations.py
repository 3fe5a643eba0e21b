"""The destination list: who receives which coupon."""

from sqlite_utils import Database

HEADER = ("issue_no", "name", "address", "phone", "email", "coupon", "confirmed_at")


def rows(db: Database, campaign_id: int):
    """Yield destination rows in issue-number order, as HEADER describes."""
    yield from db.execute(
        "SELECT d.issue_no, d.name, d.address, d.phone, d.email, p.label, d.confirmed_at"
        " FROM destinations d JOIN prizes p ON p.id = d.prize_id"
        " WHERE d.campaign_id = ? ORDER BY d.issue_no",
        [campaign_id],
    )


def of_entry(db: Database, entry_id: int) -> dict | None:
    """Return the destination recorded for an entry, if any."""
    row = db.execute(
        "SELECT issue_no, name, address, phone, email FROM destinations WHERE entry_id = ?",
        [entry_id],
    ).fetchone()
    return (
        dict(zip(("issue_no", "name", "address", "phone", "email"), row, strict=True))
        if row
        else None
    )
