"""The shop's poster and flier: the goods, the coupons, the period and a QR code, in print."""

import io

import pdfplumber
import pytest

from app.admin.poster import SIZES, qr_box
from tests.factories import make_campaign

TO_PT = 72 / 25.4


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_the_poster_says_what_when_and_where_clear_of_its_qr_code(app, admin, size):
    make_campaign(app, timezone="Asia/Tokyo")
    admin.client.set_cookie("lang", "ja")
    response = admin.get(f"/admin/campaigns/spring/poster-{size}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.data)) as doc:
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert round(page.width / TO_PT) == SIZES[size][0]
        text = page.extract_text().replace(" ", "")
        assert "DVD-RAM" in text  # the goods
        assert "2026年12月" in text and "JST" in text  # the period, with the year and zone
        assert "25%off×70枚" in text  # a coupon to win, and how many
        left, top, right, bottom = (v * TO_PT for v in qr_box(size))
        inside = [
            c["text"]
            for c in page.chars
            if c["x1"] > left and c["x0"] < right and c["bottom"] > top and c["top"] < bottom
        ]
        assert inside == []
        dark = [r for r in page.rects if r["x0"] >= left - 0.01 and r["x1"] <= right + 0.01
                and r["top"] >= top - 0.01 and r["bottom"] <= bottom + 0.01]  # fmt: skip
        assert len(dark) > 50  # the QR code's modules
        assert all(c["x0"] >= 0 and c["x1"] <= page.width for c in page.chars)


def test_the_poster_is_linked_from_the_monitor_and_refused_for_invitations(app, admin):
    make_campaign(app)
    html = admin.get("/admin/campaigns/spring").get_data(as_text=True)
    assert "/admin/campaigns/spring/poster-a4.pdf" in html
    assert admin.get("/admin/campaigns/spring/poster-a3.pdf").status_code == 404
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),))
    assert admin.get("/admin/campaigns/vip/poster-a4.pdf").status_code == 409
