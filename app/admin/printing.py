"""Paper coupons: a printable PDF, one postcard-sized coupon per destination.

fpdf2 writes the PDF; segno gives the QR code's modules, drawn as vector squares, so
no image library is involved and the code stays sharp at any print resolution.
"""

import os
from dataclasses import dataclass

import segno
from flask_babel import gettext as _
from fpdf import FPDF

from app.lottery.coupons import check_code, coupon_code
from app.web.i18n import current_language
from app.web.keys import candidates, derive

# Codes are keyed with their own derived key; coupons printed before keys were derived per
# purpose were keyed with SECRET_KEY itself, and still verify.
CODE_KEY = "coupon-codes"

# Japanese postcard (hagaki), landscape: 148 × 100 mm.
PAGE = (100, 148)
# First font found wins; a CJK font prints Japanese names and addresses.
FONTS = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",  # Debian fonts-ipaexfont-gothic
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansJP-Regular.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipagp.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


@dataclass(frozen=True)
class Coupon:
    tile_no: int
    name: str
    address: str
    label: str
    code: str
    postal_code: str = ""


def code_for(campaign_id: int, tile_no: int) -> str:
    """Return the code printed on a coupon, made with the current SECRET_KEY."""
    return coupon_code(derive(CODE_KEY), campaign_id, tile_no)


def genuine_code(campaign_id: int, tile_no: int, code: str) -> bool:
    """Tell whether `code` was printed on this coupon, with the current or a fallback key."""
    return any(check_code(k, campaign_id, tile_no, code) for k in candidates(CODE_KEY, raw=True))


def coupons_pdf(title: str, goods: str, coupons: list[Coupon], font: str | None = None) -> bytes:
    """Lay out one coupon per page: address block for mailing, the value, issue no. and QR."""
    pdf = FPDF(orientation="L", unit="mm", format=PAGE)
    pdf.set_auto_page_break(False)
    pdf.set_margins(10, 8, 10)
    family, encode = _font(pdf, font)
    pdf.set_title(encode(title))
    pdf.set_creator("Kuji")
    for c in coupons:
        pdf.add_page()
        pdf.set_font(family, size=8)
        pdf.set_xy(10, 8)
        pdf.cell(0, 4, encode(_("No. %(no)d", no=c.tile_no)), align="R")
        # The recipient: where a window envelope or a postcard address goes.
        pdf.set_xy(10, 14)
        pdf.set_font(family, size=10)
        if c.postal_code:
            # The postal mark needs a Japanese font; Latin-1 would print "?".
            mark = "〒" if family == "coupon" else ""
            pdf.multi_cell(80, 5, encode(f"{mark}{c.postal_code}"), new_x="LEFT")
        pdf.multi_cell(80, 5, encode(c.address), new_x="LEFT")
        pdf.set_font(family, size=13)
        pdf.multi_cell(80, 7, encode(_addressee(c.name)))
        # The coupon itself.
        pdf.line(10, 52, 138, 52)
        pdf.set_xy(10, 55)
        pdf.set_font(family, size=9)
        pdf.multi_cell(88, 4.5, encode(f"{title}\n{goods}"))
        pdf.set_xy(10, 70)
        pdf.set_font(family, size=20)
        pdf.cell(88, 10, encode(c.label))
        pdf.set_xy(10, 82)
        pdf.set_font(family, size=9)
        pdf.cell(88, 5, encode(_("Issue no. %(no)d", no=c.tile_no)))
        pdf.set_xy(10, 87)
        pdf.cell(88, 5, encode(_("Coupon code %(code)s", code=c.code)))
        _qr(pdf, c.code, x=104, y=56, size=34)
    return bytes(pdf.output())


def _qr(pdf: FPDF, text: str, x: float, y: float, size: float, border: int = 2) -> None:
    qr = segno.make(text, error="m", micro=False)
    rows = list(qr.matrix_iter(border=border))
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                # One rectangle per run of dark modules keeps the PDF small.
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, "F")
            else:
                c += 1


def _font(pdf: FPDF, preferred: str | None):
    for path in (preferred, *FONTS):
        if path and os.path.exists(path):
            pdf.add_font("coupon", fname=path)
            return "coupon", str
    # No TTF at all: the core font covers Latin-1 only.
    return "helvetica", lambda s: s.encode("latin-1", "replace").decode("latin-1")


def _addressee(name: str) -> str:
    """Add the honorific 様 to a Japanese name, or to any name on a Japanese coupon."""
    return f"{name} 様" if _has_cjk(name) or current_language() == "ja" else name


def _has_cjk(text: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" for ch in text)
