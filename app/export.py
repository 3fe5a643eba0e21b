"""Destination list files that a spreadsheet opens safely."""

import csv
import io

from openpyxl import Workbook

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
    """Write a header and rows as an XLSX workbook with formula cells neutralised."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append(list(header))
    for row in rows:
        # After safe_cell no text starts with "=", so openpyxl never stores it as a formula.
        ws.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
