"""The campaign form's problems sit beside their fields, named by the form's labels."""

import re

from tests.admin.helpers import Admin


def _form(**changes) -> dict:
    form = {
        "title": "Spring",
        "slug": "spring",
        "goods": "DVD-RAM",
        "timezone": "Asia/Tokyo",
        "opens": "2026-12-10T09:00",
        "closes": "2026-12-20T09:00",
        "mode": "board",
        "draw": "instant",
        "reveal": "scratch",
        "issue": "paper",
        "prize-1-label": "10% off",
        "prize-1-value": "10",
        "prize-1-unit": "percent",
        "prize-1-count": "10",
        "action": "preview",
    }
    form.update(changes)
    return form


def test_each_problem_is_shown_under_its_own_field_in_japanese(admin: Admin):
    admin.client.set_cookie("lang", "ja")
    admin.get("/admin/campaigns/new")
    form = _form(slug="Bad Slug!", closes="2026-12-01T09:00", **{"prize-1-count": "many"})
    form.update({"prize-3-label": "", "prize-2-label": "5% off", "prize-2-value": "x"})
    response = admin.post("/admin/campaigns/new", form)
    assert response.status_code == 422
    page = admin.text()
    slug = re.search(r'<p class="error" id="e-slug">([^<]+)</p>', page)
    assert slug and "slug:" not in slug.group(1) and "必須" in slug.group(1)
    assert 'name="slug" aria-invalid="true" aria-describedby="e-slug"' in page
    closes = re.search(r'<p class="error" id="e-closes">([^<]+)</p>', page).group(1)
    assert closes == "開始日時より後にしてください。"  # not "opens" from the file
    assert re.search(r'<p class="error" id="e-prize-1-count">[^<]*整数', page)
    assert re.search(r'<p class="error" id="e-prize-2-value">', page)
    summary = page.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#f-slug">スラッグ</a>' in summary
    assert '<a href="#p1-count">賞品 1：枚数</a>' in summary
    assert "slug:" not in summary and "closes:" not in summary and "prizes[" not in summary


def test_the_english_form_names_its_labels_too(admin: Admin):
    admin.client.set_cookie("lang", "en")
    admin.get("/admin/campaigns/new")
    admin.post("/admin/campaigns/new", _form(title=""))
    page = admin.text()
    assert re.search(r'<p class="error" id="e-title">required text</p>', page)
    assert '<a href="#f-title">Title</a>: required text' in page
