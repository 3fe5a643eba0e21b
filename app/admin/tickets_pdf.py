"""Draw tickets on A4: a grid of cards, each with its code in large type and as a QR code."""

from flask_babel import gettext as _
from fpdf import FPDF

from .printing import _font, _qr

COLUMNS, ROWS = 3, 8  # 24 tickets a page, 70 × 37 mm each (common label sheets)
CARD = (70, 37)
QR_SIZE = 24  # mm, its four-module quiet zone included
TEXT_WIDTH = 39  # mm: the text column ends 2 mm before the QR code's box


def qr_box(x: float, y: float) -> tuple[float, float, float, float]:
    """Return the QR code's box (left, top, right, bottom) on the card at (x, y), in mm."""
    left = x + CARD[0] - 2 - QR_SIZE
    top = y + (CARD[1] - QR_SIZE) / 2
    return left, top, left + QR_SIZE, top + QR_SIZE


def _fit(pdf, family, text, size, lines, minimum=5.0) -> tuple[float, list[str]]:
    """Shrink `text` from `size` points until it wraps into `lines` lines of the column."""
    while True:
        pdf.set_font(family, size=size)
        wrapped = pdf.multi_cell(TEXT_WIDTH, size * 0.45, text, dry_run=True, output="LINES")
        if len(wrapped) <= lines or size <= minimum:
            return size, wrapped[:lines]
        size -= 0.5


def _lines(pdf, family, x, y, text, size, lines) -> None:
    size, wrapped = _fit(pdf, family, text, size, lines)
    pdf.set_font(family, size=size)
    for i, line in enumerate(wrapped):
        pdf.set_xy(x, y + i * size * 0.45)
        pdf.cell(TEXT_WIDTH, size * 0.45, line)


def tickets_pdf(title: str, goods: str, codes: list[str], font: str | None = None) -> bytes:
    """Lay out tickets 24 to an A4 page; each says what it is for and how to use it.

    Every line of text stays in a column left of the QR code's box, shrinking to fit, so
    nothing printed runs into the code or its quiet zone.
    """
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0)
    pdf.c_margin = 0
    family, encode = _font(pdf, font)
    pdf.set_title(encode(title))
    pdf.set_creator("Kuji")
    per_page = COLUMNS * ROWS
    for i, code in enumerate(codes):
        if i % per_page == 0:
            pdf.add_page()
        col, row = i % COLUMNS, (i % per_page) // COLUMNS
        x, y = col * CARD[0], row * CARD[1] + 0.5
        pdf.set_draw_color(180, 180, 180)
        pdf.rect(x + 1, y + 1, CARD[0] - 2, CARD[1] - 2)
        _lines(pdf, family, x + 3, y + 3, encode(title), 7, 1)
        _lines(pdf, family, x + 3, y + 6.5, encode(goods), 7, 2)
        _lines(
            pdf, family, x + 3, y + 14, encode(_("Draw ticket: type or scan at the kiosk.")), 7, 2
        )
        size, _wrapped = _fit(pdf, family, code, 15, 1)
        pdf.set_font(family, size=size)
        pdf.set_xy(x + 3, y + 24)
        pdf.cell(TEXT_WIDTH, 8, code)
        left, top, _right, _bottom = qr_box(x, y)
        _qr(pdf, code.replace("-", ""), x=left, y=top, size=QR_SIZE, border=4)
    return bytes(pdf.output())
