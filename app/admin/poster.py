"""A campaign's poster (A4) and flier (A5) to print for the shop: what to win, until when,
and a QR code that opens the campaign.

Laid out top to bottom in one column so every line stays clear of the QR code and its
quiet zone; long text shrinks to fit its lines rather than running off the page.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from fpdf import FPDF

from .printing import _font, _qr

SIZES = {"a4": (210, 297), "a5": (148, 210)}


@dataclass(frozen=True)
class Poster:
    title: str
    goods: str
    prizes: list[str]  # each coupon to win, as people read it ("25%オフ ×70")
    period: str  # the receipt period, dates with the year and the zone
    url: str  # the campaign's address, in the QR code


def qr_box(size: str) -> tuple[float, float, float, float]:
    """Return the QR code's box (left, top, right, bottom) on the page, in mm."""
    width, height = SIZES[size]
    side = width * 0.42
    left, top = (width - side) / 2, height - side - height * 0.12
    return left, top, left + side, top + side


def poster_pdf(poster: Poster, size: str = "a4", font: str | None = None) -> bytes:
    """Lay out the poster on one page of `size` ("a4" or "a5")."""
    width, height = SIZES[size]
    scale = width / 210  # an A5 flier is the A4 poster, smaller
    margin = 14 * scale
    column = width - 2 * margin
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(margin, margin, margin)
    pdf.c_margin = 0
    family, encode = _font(pdf, font)
    pdf.set_title(encode(poster.title))
    pdf.set_creator("Kuji")
    pdf.add_page()
    pdf.set_fill_color(179, 84, 30)
    pdf.rect(0, 0, width, 10 * scale, "F")
    left, top, right, bottom = qr_box(size)
    y = margin + 4 * scale
    limit = top - 3 * scale  # nothing printed above the QR code reaches its box

    def block(text, points, lines, gap=2.0, colour=(29, 29, 31)):
        nonlocal y
        pdf.set_text_color(*colour)
        points *= scale
        while True:
            pdf.set_font(family, size=points)
            wrapped = pdf.multi_cell(
                column, points * 0.5, encode(text), dry_run=True, output="LINES"
            )
            if len(wrapped) <= lines or points <= 8:
                break
            points -= 1
        for line in wrapped[:lines]:
            if y + points * 0.5 > limit:
                return
            pdf.set_xy(margin, y)
            pdf.cell(column, points * 0.5, line, align="C")
            y += points * 0.5
        y += gap * scale

    block(poster.title, 18, 2, colour=(138, 59, 14))
    block(poster.goods, 30, 3, gap=6)
    block(_("Draw a coupon:"), 16, 1)
    for prize in poster.prizes[:6]:
        block(prize, 20, 1, gap=0.5, colour=(138, 59, 14))
    y += 4 * scale
    block(poster.period, 16, 2)
    # Whatever came before, the QR code keeps its place: text that would reach it is cut.
    _qr(pdf, poster.url, x=left, y=top, size=right - left, border=4)
    y, limit = bottom + 2 * scale, height - 4 * scale
    block(_("Scan the code with your phone to take part."), 14, 2)
    return bytes(pdf.output())
