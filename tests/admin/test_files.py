"""Exports and print runs as background jobs: queued, run, kept as files, downloaded."""

import csv
import io
import re

import openpyxl

from app.admin import files
from app.jobs import run_pending
from app.store import audit, get_db
from app.store import jobs as job_store
from tests.factories import make_campaign

from .helpers import Admin, seed_destinations

LINK = re.compile(r'href="(/admin/jobs/(\d+)/files/1)"')


def test_a_large_export_runs_as_a_job_and_is_downloaded(app, admin, tmp_path):
    app.config["EXPORT_INLINE_ROWS"] = 3
    make_campaign(app)
    seed_destinations(app, "spring", 5)
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert "destinations.xlsx" not in html and "Prepare XLSX in the background" in html
    assert admin.get("/admin/campaigns/spring/destinations.xlsx").status_code == 409
    assert admin.post("/admin/campaigns/spring/exports", {"format": "xlsx"}).status_code == 303
    assert "Waiting to start" in admin.get("/admin/campaigns/spring/destinations").get_data(True)
    assert run_pending(app) == 1
    html = admin.get("/admin/campaigns/spring/destinations").get_data(True)
    link, job_id = LINK.search(html).groups()
    with app.app_context():
        job = job_store.get(get_db(), int(job_id))
    assert (job.state, job.done, job.total) == ("done", 5, 5)
    with app.app_context():
        stored = job_store.read_file(get_db(), int(job_id), 1)
    assert stored[:2] == b"PK"  # in the database: any host serves it
    assert not (tmp_path / "files").exists()
    response = admin.get(link)
    assert (
        response.status_code == 200
        and "filename=spring.xlsx" in response.headers["Content-Disposition"]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        f"Person {n}" for n in range(1, 6)
    ]
    with app.app_context():
        actions = [e.action for e in audit.recent(get_db())]
    assert "queued export xlsx" in actions and "downloaded xlsx" in actions


def test_a_csv_export_job_matches_the_inline_export(app, admin):
    make_campaign(app)
    seed_destinations(app, "spring", 4)
    inline = admin.get("/admin/campaigns/spring/destinations.csv").data
    admin.post("/admin/campaigns/spring/exports", {"format": "csv"})
    run_pending(app)
    link, _ = LINK.search(admin.get("/admin/campaigns/spring/destinations").get_data(True)).groups()
    assert admin.get(link).data == inline
    assert len(list(csv.reader(io.StringIO(inline.decode("utf-8-sig"))))) == 5


def test_a_job_cut_off_by_a_restart_is_run_again(app, admin, clock):
    make_campaign(app)
    seed_destinations(app, "spring", 2)
    admin.post("/admin/campaigns/spring/exports", {"format": "xlsx"})
    with app.app_context():
        from datetime import timedelta

        db = get_db()
        job = job_store.claim(db, clock(), timedelta(seconds=60))  # a worker took it, then died
    assert job.kind == files.EXPORT and run_pending(app) == 0
    clock.advance(minutes=2)
    assert run_pending(app) == 1
    assert LINK.search(admin.get("/admin/campaigns/spring/destinations").get_data(True))


def test_bad_export_requests_are_refused(app, admin):
    make_campaign(app)
    assert admin.post("/admin/campaigns/spring/exports", {"format": "pdf"}).status_code == 400
    assert admin.get("/admin/jobs/99/files/1").status_code == 404


def test_a_file_made_on_one_host_is_downloaded_from_another(app, admin):
    """Two hosts share the database, not a disk: the second serves what the first made."""
    from app import create_app

    make_campaign(app)
    seed_destinations(app, "spring", 4)
    admin.post("/admin/campaigns/spring/exports", {"format": "csv"})
    assert run_pending(app) == 1
    link, _ = LINK.search(admin.get("/admin/campaigns/spring/destinations").get_data(True)).groups()
    other = create_app(
        {
            "TESTING": True,
            "DATABASE": app.config["DATABASE"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "CLOCK": app.config["CLOCK"],
        }
    )
    elsewhere = Admin(other.test_client())
    elsewhere.client.set_cookie(
        "session", admin.client.get_cookie("session").value
    )  # the same signed session: the hosts share SECRET_KEY
    response = elsewhere.get(link)
    assert response.status_code == 200 and response.data == admin.get(link).data
    assert response.data.decode("utf-8-sig").startswith("Tile no.,")  # the asker's language
