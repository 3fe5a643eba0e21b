"""Draw tickets on A4: a grid of cards, each with its code in large type and as a QR code."""

from flask_babel import gettext as _
from fpdf import FPDF

from .printing import _font, _qr

COLUMNS, ROWS = 3, 8  # 24 tickets a page, 70 × 37 mm each (common label sheets)
CARD = (70, 37)


def tickets_pdf(title: str, goods: str, codes: list[str], font: str | None = None) -> bytes:
    """Lay out tickets 24 to an A4 page; each says what it is for and how to use it."""
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
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
        pdf.set_xy(x + 3, y + 3)
        pdf.set_font(family, size=7)
        pdf.multi_cell(38, 3.2, encode(f"{title}\n{goods}"[:120]), new_x="LEFT")
        pdf.set_xy(x + 3, y + 19)
        pdf.set_font(family, size=7)
        pdf.cell(38, 3.5, encode(_("Draw ticket: type or scan at the kiosk.")))
        pdf.set_xy(x + 3, y + 24)
        pdf.set_font(family, size=15)
        pdf.cell(38, 8, code)
        _qr(pdf, code.replace("-", ""), x=x + 42, y=y + 5, size=26)
    return bytes(pdf.output())
