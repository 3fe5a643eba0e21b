"""Invitations in a real browser, with a real SMTP server: import, filter, send, log in, draw."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from app import create_app
from app.admin.passwords import hash_password
from app.store import admins, get_db
from tests.e2e.test_board import uncover
from tests.factories import make_campaign
from tests.invite.conftest import CSV, credentials
from tests.server import export, serve
from tests.smtp import smtp_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser_context_args(locale="en-US")]
EMAIL, PASSWORD = "shop@example.jp", "a long invitation password"


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A live server that sends its mail to a real SMTP server on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("invite")
    db_path = folder / "kuji.sqlite"
    app = create_app({"DATABASE": str(db_path), "SECRET_KEY": "x"})
    moment = datetime.now(UTC)
    make_campaign(
        app,
        slug="vip",
        mode="invite",
        prizes=((25, 2), (10, 2)),
        opens=moment - timedelta(hours=1),
        closes=moment + timedelta(days=1),
    )
    with app.app_context():
        admins.create(get_db(), EMAIL, hash_password(PASSWORD), moment)
    (folder / "list.csv").write_bytes(CSV.encode("cp932"))
    with (
        smtp_server() as (port, inbox),
        serve(
            db_path, workers=2, MAIL_SERVER="127.0.0.1", MAIL_PORT=port, JOB_POLL_SECONDS=0.2
        ) as server,
    ):
        yield server, inbox, folder / "list.csv"


def test_import_filter_send_then_log_in_draw_change_address_and_confirm(page: Page, shop):
    server, inbox, csv_file = shop
    page.goto(server.url + "/admin/")
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Candidates").first.click()
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 3 new and 0 updated candidates")).to_be_visible(timeout=15000)
    page.reload()
    # Women who like cooking: the count follows the filters as they change.
    page.get_by_label("female").check()
    page.get_by_label("Hobbies (any of, separated by ;)").fill("cooking")
    expect(page.locator("#count")).to_contain_text("2 candidates match")
    page.get_by_label("male", exact=True).check()
    page.get_by_label("female").uncheck()
    page.get_by_label("Hobbies (any of, separated by ;)").fill("golf")
    expect(page.locator("#count")).to_contain_text("1 candidate matches")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("heading", name=re.compile("Invitations"))).to_be_visible()
    page.get_by_role("button", name="Send 1 invitation").click()
    expect(page.locator("#invitations")).to_contain_text("sent", timeout=15000)

    messages = inbox.to("taro@example.jp")
    assert len(messages) == 1 and len(inbox.messages) == 1
    body = inbox.body(messages[0])
    login_id, password = credentials(body)
    link = re.search(r"http://\S+/c/vip/login", body).group(0)

    person = page.context.browser.new_page(locale="en-US")
    person.goto(link)
    person.get_by_label("ID").fill(login_id)
    person.get_by_label("Password").fill(password)
    person.get_by_role("button", name="Log in").click()
    expect(person.get_by_text("Welcome, Taro Sato.")).to_be_visible()
    person.get_by_role("button", name="Draw").click()
    expect(person.get_by_text(re.compile("You won"))).to_have_count(0)  # covered
    uncover(person)
    expect(person.get_by_text(re.compile("You won"))).to_be_visible()
    address = person.get_by_label("Address")
    expect(address).to_have_value("1-1 Umeda Osaka")
    address.fill("2-2 Namba, Osaka")
    person.get_by_label(re.compile("Postal code")).fill("〒５３０－０００１")
    person.get_by_label("Phone").fill("090-1111-2222")
    person.get_by_role("button", name="Confirm").click()
    expect(person.get_by_role("heading", name="Thank you!")).to_be_visible()
    rows = export(server.db_path, "vip")
    assert [(r["name"], r["postal_code"], r["address"], r["candidate_id"]) for r in rows] == [
        ("Taro Sato", "530-0001", "2-2 Namba, Osaka", login_id.replace("-", ""))
    ]
