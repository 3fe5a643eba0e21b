"""The destination list: who receives which coupon."""

from sqlite_utils import Database

HEADER = ("issue_no", "name", "postal_code", "address", "phone", "email", "coupon", "confirmed_at")
# The admin's exports also say which coupons were marked issued.
ISSUE_HEADER = (*HEADER, "issued_at")


def rows(db: Database, campaign_id: int, issued: bool = False):
    """Yield destination rows in issue-number order, as HEADER (or ISSUE_HEADER) describes."""
    yield from db.execute(ISSUE_ROWS if issued else ROWS, [campaign_id])


_COLUMNS = "d.issue_no, d.name, d.postal_code, d.address, d.phone, d.email, p.label, d.confirmed_at"
_FROM = (
    " FROM destinations d JOIN prizes p ON p.id = d.prize_id"
    " WHERE d.campaign_id = ? ORDER BY d.issue_no"
)
ROWS = f"SELECT {_COLUMNS}{_FROM}"
ISSUE_ROWS = f"SELECT {_COLUMNS}, d.issued_at{_FROM}"


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
