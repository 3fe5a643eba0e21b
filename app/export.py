"""Destination list files that a spreadsheet opens safely."""

import csv
import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from .lottery.contact import FORMULA_START

DANGEROUS = (*FORMULA_START, "\t", "\r")
BOM = "\ufeff"


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
