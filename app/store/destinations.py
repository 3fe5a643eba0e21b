"""The destination list: who receives which coupon."""

from sqlite_utils import Database

# The documented export columns (README) still call the tile number issue_no.
HEADER = ("issue_no", "name", "postal_code", "address", "phone", "email", "coupon", "confirmed_at")
# The admin's exports also say which coupons were marked issued.
ISSUE_HEADER = (*HEADER, "issued_at")


def header(issued: bool = False, invite: bool = False) -> tuple[str, ...]:
    """Return the export's columns; an invitation campaign's also name the candidate's ID."""
    return (*(ISSUE_HEADER if issued else HEADER), *(("candidate_id",) if invite else ()))


def rows(db: Database, campaign_id: int, issued: bool = False, invite: bool = False):
    """Yield destination rows in issue-number order, as header(issued, invite) describes."""
    columns = _COLUMNS + (", d.issued_at" if issued else "") + (", i.login_id" if invite else "")
    joins = _INVITATION if invite else ""
    yield from db.execute(f"SELECT {columns}{_FROM}{joins}{_WHERE}", [campaign_id])  # noqa: S608


_COLUMNS = "d.tile_no, d.name, d.postal_code, d.address, d.phone, d.email, p.label, d.confirmed_at"
_FROM = " FROM destinations d JOIN prizes p ON p.id = d.prize_id"
_INVITATION = (
    " LEFT JOIN invitations i ON i.campaign_id = d.campaign_id AND i.candidate_id = d.candidate_id"
)
_WHERE = " WHERE d.campaign_id = ? ORDER BY d.tile_no"


def of_entry(db: Database, entry_id: int) -> dict | None:
    """Return the destination recorded for an entry, if any."""
    row = db.execute(
        "SELECT tile_no, name, address, phone, email FROM destinations WHERE entry_id = ?",
        [entry_id],
    ).fetchone()
    return (
        dict(zip(("tile_no", "name", "address", "phone", "email"), row, strict=True))
        if row
        else None
    )
