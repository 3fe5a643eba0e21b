"""Destination list files that a spreadsheet opens safely."""

import csv
import io

from .lottery.contact import FORMULA_START

DANGEROUS = (*FORMULA_START, "\t", "\r")


def safe_cell(value):
    """Quote a text cell that a spreadsheet would otherwise run as a formula."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def to_csv(header, rows) -> str:
    """Write a header and rows as CSV text with formula cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
