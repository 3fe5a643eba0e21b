"""The destination list: paging, search, exports (exact contents), coupons and issue marks."""

import csv
import io
import re

import openpyxl
from fpdf import FPDF  # noqa: F401  (the PDF library the coupons come from)

from app.lottery.coupons import check_code, coupon_code
from app.store import audit, campaigns, get_db
from tests.factories import START, Terminal, make_campaign

from .conftest import EMAIL, PASSWORD
from .helpers import HTMX, seed_destinations

# The admin's downloads name their columns in the admin's language (English here).
HEADER = [
    "Tile no.",
    "Name",
    "Postal code",
    "Address",
    "Phone",
    "E-mail",
    "Coupon",
    "Confirmed at",
    "Issued at",
]
KEYS = [
    "issue_no",
    "name",
    "postal_code",
    "address",
    "phone",
    "email",
    "coupon",
    "confirmed_at",
    "issued_at",
]
NASTY = [
    {
        "name": '=HYPERLINK("http://x")',
        "postal_code": "100-0001",
        "address": "+1 Main St",
        "phone": "+81 90 1111 2222",
        "email": "@evil@example.jp",
    },
    {
        "name": "山田 花子",
        "postal_code": "104-0061",
        "address": "東京都中央区銀座1-2-3\n2F",
        "phone": "090-1234-5678",
        "email": "hanako@example.jp",
    },
    {
        "name": "-2+3",
        "postal_code": "060-0001",
        "address": "\tTabbed",
        "phone": "0312345678",
        "email": "x@example.jp",
    },
]


def labels(app, slug="spring"):
    with app.app_context():
        rows = get_db().execute(
            "SELECT t.no, p.label FROM tiles t JOIN prizes p ON p.id = t.prize_id"
            " JOIN campaigns c ON c.id = t.campaign_id WHERE c.slug = ?",
            [slug],
        )
        return dict(rows.fetchall())


def expected_rows(app, seeded):
    with app.app_context():
        zone = campaigns.by_slug(get_db(), "spring").tz
    stamp = START.astimezone(zone).isoformat(timespec="seconds")  # the campaign's clock
    assert "." not in stamp
    label = labels(app)
    return [
        [
            str(n),
            r["name"],
            r["postal_code"],
            r["address"],
            r["phone"],
            r["email"],
            label[n],
            stamp,
            "",
        ]
        for n, r in enumerate(seeded, start=1)
    ]


def neutral(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def test_csv_export_has_a_bom_the_header_and_exact_neutralised_rows(app, admin):
    make_campaign(app)
    seeded = seed_destinations(app, "spring", NASTY)
    response = admin.get("/admin/campaigns/spring/destinations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="spring.csv"' in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0] == HEADER
    want = [[neutral(v) for v in row] for row in expected_rows(app, seeded)]
    assert rows[1:] == want
    assert rows[1][1] == '\'=HYPERLINK("http://x")' and rows[1][4] == "'+81 90 1111 2222"
    assert rows[2][1] == "山田 花子" and rows[2][2] == "104-0061"
    assert rows[2][3] == "東京都中央区銀座1-2-3\n2F"


def test_xlsx_export_has_the_same_rows_as_text_and_no_formulas(app, admin):
    make_campaign(app)
    seeded = seed_destinations(app, "spring", NASTY)
    response = admin.get("/admin/campaigns/spring/destinations.xlsx")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    ws = wb.active
    cells = [list(r) for r in ws.iter_rows()]
    values = [["" if c.value is None else str(c.value) for c in r] for r in cells]
    assert values[0] == HEADER
    # XLSX types its cells, so text stays exactly as written: no apostrophe needed.
    assert values[1:] == [list(map(str, row)) for row in expected_rows(app, seeded)]
    assert all(c.data_type != "f" for r in cells for c in r)
    assert "+81 90 1111 2222" in values[1]
    assert cells[1][0].value == 1  # issue numbers stay numbers


def test_an_export_of_a_real_flow_matches_the_command_line(app, admin, runner):
    make_campaign(app)
    t = Terminal(app.test_client())
    t.claim(12)
    t.confirm()
    ours = admin.get("/admin/campaigns/spring/destinations.csv").data.decode("utf-8-sig")
    cli = runner.invoke(args=["campaign", "export", "spring"]).output
    ours, cli = list(csv.reader(io.StringIO(ours))), list(csv.reader(io.StringIO(cli)))
    assert cli[0] == KEYS[:8] and ours[0] == HEADER  # the command line keeps the keys
    assert [r[:8] for r in ours[1:]] == cli[1:]


def test_the_japanese_admin_downloads_japanese_headers(app, admin):
    make_campaign(app)
    admin.client.set_cookie("lang", "ja")
    ours = admin.get("/admin/campaigns/spring/destinations.csv").data.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(ours)))
    assert header[0] == "タイル番号" and header[-1] == "発行日時" and "email" not in header


def test_exports_are_in_the_audit_log(app, admin):
    make_campaign(app)
    admin.get("/admin/campaigns/spring/destinations.csv")
    admin.get("/admin/campaigns/spring/destinations.xlsx")
    with app.app_context():
        actions = [(e.action, e.actor) for e in audit.recent(get_db())]
    assert ("exported csv", EMAIL) in actions and ("exported xlsx", EMAIL) in actions


def test_the_list_pages_by_fifty_with_keyset_links(app, admin):
    make_campaign(app)
    seed_destinations(app, "spring", 100)
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    nos = [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td>Person', html)]
    assert nos == list(range(1, 51)) and "100 destinations" in html
    nxt = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert nxt.endswith("after=50")
    html = admin.get(nxt).get_data(True)
    nos = [int(n) for n in re.findall(r'<td class="num">(\d+)</td><td>Person', html)]
    assert nos == list(range(51, 101))
    assert 'rel="next"' not in html and "First page" in html


def test_search_by_name_or_email_and_wildcards_are_literal(app, admin):
    make_campaign(app)
    seed_destinations(app, "spring", 30)
    html = admin.get("/admin/campaigns/spring/destinations?q=person2").get_data(True)
    assert re.findall(r"<td>(person\d+@example.jp)</td>", html) == [
        "person2@example.jp",
        *[f"person{n}@example.jp" for n in range(20, 30)],
    ]
    html = admin.get("/admin/campaigns/spring/destinations?q=Person 7").get_data(True)
    assert re.findall(r"<td>(Person \d+)</td>", html) == ["Person 7"]
    html = admin.get("/admin/campaigns/spring/destinations?q=%25").get_data(True)
    assert "0 matching destinations" in html


def test_an_htmx_search_gets_only_the_rows(app, admin):
    make_campaign(app)
    seed_destinations(app, "spring", 3)
    headers = {**HTMX, "HX-Target": "rows"}
    html = admin.get("/admin/campaigns/spring/destinations?q=Person 2", headers=headers)
    text = html.get_data(True)
    assert text.lstrip().startswith('<div id="rows">') and "<html" not in text
    assert "Person 2" in text and "Person 3" not in text


def test_before_the_end_there_are_no_coupons_to_issue(app, admin):
    make_campaign(app)
    seed_destinations(app, "spring", 3)
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "still running" in html and "Mark all issued" not in html
    assert "Print all coupons" not in html
    assert admin.post("/admin/campaigns/spring/coupons").status_code == 409
    assert admin.post("/admin/campaigns/spring/issued", {"all": "yes"}).status_code == 409


def end(app, admin, clock):
    clock.advance(days=31)
    admin.login(EMAIL, PASSWORD)


def print_run(app, admin) -> str:
    """Queue the print run, run it as a worker's thread would, and return the list's page."""
    from app.jobs import run_pending

    assert admin.post("/admin/campaigns/spring/coupons").status_code == 303
    assert run_pending(app) == 1
    return admin.get("/admin/campaigns/spring/destinations").get_data(True)


def test_after_the_end_it_is_ready_to_issue_and_prints_one_coupon_each(app, admin, clock):
    make_campaign(app)
    seeded = seed_destinations(app, "spring", 4)
    end(app, admin, clock)
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "Ready to issue" in html and "Mark all issued" in html and "Print all coupons" in html
    links = re.findall(r'href="(/admin/jobs/\d+/files/\d+)"', print_run(app, admin))
    assert len(links) == 1
    response = admin.get(links[0])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type /Page\b", pdf)) == len(seeded)
    with app.app_context():
        actions = [(e.action, e.campaign) for e in audit.recent(get_db())]
    assert ("queued coupons", "spring") in actions and ("downloaded pdf", "spring") in actions


def test_a_long_list_prints_in_batches(app, admin, clock, monkeypatch):
    from app.admin import files

    monkeypatch.setattr(files, "COUPON_BATCH", 2)
    make_campaign(app)
    seed_destinations(app, "spring", 5)
    end(app, admin, clock)
    html = print_run(app, admin)
    found = re.findall(r'href="(/admin/jobs/\d+/files/\d)">[^<]+</a> \(([^)]+)\)', html)
    assert [label for _, label in found] == [
        "issue nos. 1–2",
        "issue nos. 3–4",
        "issue nos. 5–5",
    ]
    pages = [len(re.findall(rb"/Type /Page\b", admin.get(link).data)) for link, _ in found]
    assert pages == [2, 2, 1]
    job = found[0][0].split("/")[3]
    for bad in ("4", "0", "99"):
        assert admin.get(f"/admin/jobs/{job}/files/{bad}").status_code == 404


def test_coupon_codes_are_keyed_by_the_secret(app):
    a = coupon_code(b"secret-a", 1, 7)
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", a)
    assert a != coupon_code(b"secret-b", 1, 7) and a != coupon_code(b"secret-a", 1, 8)
    assert a != coupon_code(b"secret-a", 2, 7)
    assert check_code(b"secret-a", 1, 7, a.lower().replace("-", " "))
    assert not check_code(b"secret-a", 1, 8, a)


def test_mark_selected_then_all_issued_is_audited(app, admin, clock):
    make_campaign(app)
    seed_destinations(app, "spring", 5)
    end(app, admin, clock)
    admin.get("/admin/campaigns/spring/destinations")
    response = admin.client.post(
        "/admin/campaigns/spring/issued",
        data={"csrf_token": admin.token, "no": ["2", "3"]},
    )
    assert response.status_code == 303
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "2 of 5 coupons marked issued" in html
    assert html.count("disabled>") == 2
    admin.post("/admin/campaigns/spring/issued", {"all": "yes"})
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "5 of 5 coupons marked issued" in html
    with app.app_context():
        details = [(e.action, e.detail) for e in audit.recent(get_db())]
    assert ("marked issued", "2 coupons: nos. 2-3") in details
    assert ("marked issued", "3 coupons: nos. 1, 4-5") in details
    rows = list(
        csv.reader(
            io.StringIO(
                admin.get("/admin/campaigns/spring/destinations.csv").data.decode("utf-8-sig")
            )
        )
    )
    assert all(r[7] for r in rows[1:])


def test_marking_nothing_or_garbage_is_refused(app, admin, clock):
    make_campaign(app)
    seed_destinations(app, "spring", 2)
    end(app, admin, clock)
    assert admin.post("/admin/campaigns/spring/issued", {}).status_code == 400
    assert admin.post("/admin/campaigns/spring/issued", {"no": "1; DROP"}).status_code == 400


def test_the_list_is_frozen_once_the_campaign_ends(app, admin, clock):
    make_campaign(app)
    t = Terminal(app.test_client())
    t.claim(1)
    clock.advance(days=31)
    assert t.confirm().status_code == 403
    admin.login(EMAIL, PASSWORD)
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "0 destinations" in html and "Ready to issue" in html
