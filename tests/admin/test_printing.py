"""Printed coupons carry Japanese names in a Japanese font."""

import os

import pytest

from app.admin.printing import FONTS, Coupon, coupons_pdf

IPAEX = FONTS[0]


@pytest.mark.skipif(not os.path.exists(IPAEX), reason="make test installs fonts-ipaexfont-gothic")
def test_a_japanese_name_is_printed_in_an_embedded_japanese_font():
    coupon = Coupon(7, "山田 花子", "東京都中央区銀座1-2-3", "25 % off", "K7-ABCD")
    pdf = coupons_pdf("春のキャンペーン", "DVD-RAM 最大40%オフ", [coupon])
    assert pdf.startswith(b"%PDF")
    assert b"IPAexGothic" in pdf  # the font is embedded, so the names are not blank
    # The glyphs of the name are in the embedded subset: its ToUnicode map lists them.
    start = pdf.index(b"begincmap")
    cmap = pdf[start : pdf.index(b"endcmap", start)].upper()
    for ch in "山田花子":
        assert f"{ord(ch):04X}".encode() in cmap
