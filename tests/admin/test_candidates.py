"""The admin's candidate list and invitations: import in the background, filter, invite, send."""

import io
import re

from app.jobs import run_pending
from tests.factories import make_campaign
from tests.invite.conftest import CSV

from .helpers import HTMX


def upload(admin, data: bytes, name="list.csv"):
    admin.get("/admin/candidates")
    return admin.post(
        "/admin/candidates/import",
        {"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_imports_in_the_background_and_reports_bad_lines(app, admin):
    bad = CSV + "Nobody,not-an-email,30,male,,1,0,0,,\n"
    answer = upload(admin, bad.encode("cp932"))
    assert answer.status_code == 303
    job = int(re.search(r"job=(\d+)", answer.location).group(1))
    waiting = admin.get(f"/admin/jobs/{job}").get_data(as_text=True)
    assert "hx-trigger" in waiting  # it polls until done
    assert run_pending(app) == 1
    done = admin.get(f"/admin/jobs/{job}").get_data(as_text=True)
    assert "Imported 3 new and 0 updated candidates" in done and "Line 5: email" in done
    assert "hx-trigger" not in done
    assert "3 candidates in the list" in admin.get("/admin/candidates").get_data(as_text=True)


def test_an_import_done_before_its_page_loads_still_shows_its_report(app, admin):
    answer = upload(admin, CSV.encode("cp932"))
    assert run_pending(app) == 1  # a quick job ends before the browser follows the redirect
    page = admin.get(answer.location).get_data(as_text=True)
    assert "Imported 3 new and 0 updated candidates" in page


def test_a_file_that_is_not_text_is_refused_and_nothing_queued(app, admin):
    answer = upload(admin, "name,email\n".encode("utf-16"))
    assert answer.status_code == 400 and "UTF-8" in answer.get_data(as_text=True)
    assert run_pending(app) == 0


def test_filters_count_live_and_invite_a_sample(app, admin):
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),))
    upload(admin, CSV.encode())
    run_pending(app)
    count = admin.get("/admin/candidates/count?sex=female&hobby=cooking", headers=HTMX)
    assert "2 candidates match" in count.get_data(as_text=True)
    new = admin.get("/admin/candidates/count?new_only=1", headers=HTMX)
    assert "1 candidate matches" in new.get_data(as_text=True)
    bad = admin.get("/admin/candidates/count?age_min=abc", headers=HTMX)
    assert bad.status_code == 400
    answer = admin.post(
        "/admin/candidates/invite",
        {"campaign": "vip", "sex": "female", "hobby": "cooking", "sample": "1"},
    )
    assert answer.status_code == 303 and answer.location.endswith(
        "/admin/campaigns/vip/invitations"
    )
    page = admin.get("/admin/campaigns/vip/invitations").get_data(as_text=True)
    assert '<dd id="queued">1</dd>' in page and "Send 1 invitation" in page


def test_sending_runs_in_the_background_and_lands_in_the_outbox(app, admin):
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),))
    upload(admin, CSV.encode())
    run_pending(app)
    admin.post("/admin/candidates/invite", {"campaign": "vip"})
    assert admin.post("/admin/campaigns/vip/invitations/send").status_code == 303
    assert run_pending(app) == 1
    page = admin.get("/admin/campaigns/vip/invitations").get_data(as_text=True)
    assert '<dd id="sent">3</dd>' in page and '<dd id="queued">0</dd>' in page
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert "3 messages" in outbox and "taro@example.jp" in outbox and "/c/vip/login" in outbox
    # Resend one: a new mail with a new password.
    invitation = re.search(r"/admin/campaigns/vip/invitations/(\d+)/resend", page).group(1)
    admin.post(f"/admin/campaigns/vip/invitations/{invitation}/resend")
    run_pending(app)
    assert "4 messages" in admin.get("/admin/outbox").get_data(as_text=True)
    assert "sent an invitation again" in admin.get("/admin/audit").get_data(as_text=True)


def test_only_invitation_campaigns_take_invitations(app, admin, campaign):
    assert admin.get("/admin/campaigns/spring/invitations").status_code == 404
    assert admin.post("/admin/candidates/invite", {"campaign": "spring"}).status_code == 400


def test_invitation_links_use_public_url_never_the_host_header(app, admin):
    app.config["PUBLIC_URL"] = "https://kuji.example.jp/"
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),))
    upload(admin, CSV.encode())
    run_pending(app)
    admin.post("/admin/candidates/invite", {"campaign": "vip"})
    # The admin's request reached http://localhost/; the links name the configured site.
    assert admin.post("/admin/campaigns/vip/invitations/send").status_code == 303
    run_pending(app)
    outbox = admin.get("/admin/outbox").get_data(as_text=True)
    assert "https://kuji.example.jp/c/vip/login" in outbox and "http://localhost/c/" not in outbox


def test_without_public_url_nothing_is_sent(app, admin):
    app.config["PUBLIC_URL"] = None
    make_campaign(app, slug="vip", mode="invite", prizes=((25, 3),))
    upload(admin, CSV.encode())
    run_pending(app)
    admin.post("/admin/candidates/invite", {"campaign": "vip"})
    refused = admin.post("/admin/campaigns/vip/invitations/send")
    assert refused.status_code == 409 and "Set PUBLIC_URL" in refused.get_data(as_text=True)
    assert run_pending(app) == 0
    assert "0 messages" in admin.get("/admin/outbox").get_data(as_text=True)


def test_bad_lines_and_files_are_reported_in_the_admins_language(app, admin):
    admin.client.set_cookie("lang", "ja")
    bad = CSV + "Nobody,not-an-email,30,male,,1,0,0,,\nShort,row\n"
    answer = upload(admin, bad.encode("utf-8"))
    job = int(re.search(r"job=(\d+)", answer.location).group(1))
    run_pending(app)
    done = admin.get(f"/admin/jobs/{job}").get_data(as_text=True)
    assert "は正しいメールアドレスではありません" in done
    assert "セルが 2 個あります（10 個のはずです）" in done
    assert "is not a valid e-mail address" not in done
    admin.client.set_cookie("lang", "en")
    assert "is not a valid e-mail address" in admin.get(f"/admin/jobs/{job}").get_data(True)
    answer = upload(admin, b"name\nx\n")
    job = int(re.search(r"job=(\d+)", answer.location).group(1))
    run_pending(app)
    admin.client.set_cookie("lang", "ja")
    assert "列がありません" in admin.get(f"/admin/jobs/{job}").get_data(as_text=True)
