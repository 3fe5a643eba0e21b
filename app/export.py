"""Destination list files that a spreadsheet opens safely."""

import csv
import io
from datetime import tzinfo

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from app.lottery.contact import FORMULA_START
from app.store.db import unstamp
from app.web.i18n import iso_moment

DANGEROUS = (*FORMULA_START, "\t", "\r")
BOM = "\ufeff"


# The export's columns as the admin's language names them; the command line keeps the keys.
LABELS = {
    "issue_no": _l("Tile no."),
    "name": _l("Name"),
    "postal_code": _l("Postal code"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "coupon": _l("Coupon"),
    "confirmed_at": _l("Confirmed at"),
    "issued_at": _l("Issued at"),
    "candidate_id": _l("Candidate ID"),
}
MOMENTS = ("confirmed_at", "issued_at")


def labelled(header) -> list[str]:
    """Return the export's column keys as the reader's language names them."""
    return [str(LABELS.get(key, key)) for key in header]


def zoned(header, rows, zone: tzinfo):
    """Yield rows whose moments read as ISO 8601 in `zone`, with the offset and whole seconds."""
    at = [i for i, key in enumerate(header) if key in MOMENTS]
    for row in rows:
        row = list(row)
        for i in at:
            if row[i]:
                row[i] = iso_moment(unstamp(row[i]), zone)
        yield row


def safe_cell(value):
    """Quote a text cell that a spreadsheet would otherwise run as a formula."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def to_csv(header, rows, bom: bool = False) -> str:
    """Write a header and rows as CSV text with formula cells neutralised.

    With `bom`, the text starts with a byte order mark so Excel reads it as UTF-8.
    """
    out = io.StringIO()
    if bom:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(header, rows, title: str = "destinations") -> bytes:
    """Write a header and rows as an XLSX workbook whose text cells are text, never formulas.

    Unlike CSV, XLSX says what a cell is: "+81 90 1234 5678" or "=SUM(A1)" stay exactly as
    written, as text, with no apostrophe in front.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append([_text(ws, v) for v in header])
    for row in rows:
        ws.append([_text(ws, v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(ws, value: str) -> WriteOnlyCell:
    # openpyxl would store a string starting with "=" as a formula; a typed cell is text.
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell
