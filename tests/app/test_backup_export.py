"""Online backups under load, and exports that keep what people wrote."""

import io
import sqlite3
import threading
import time

import openpyxl
import pytest

from app.commands import campaign as campaign_commands
from app.export import to_csv, to_xlsx
from app.lottery.contact import clean_contact
from app.store import campaigns, claims
from app.store.db import backup, connect
from app.store.schema import migrate
from tests.admin.helpers import seed_destinations
from tests.factories import START, conditions

PHONE = "+81 90 1111 2222"


def contact(n):
    return clean_contact(
        {
            "name": f"P{n}",
            "postal_code": "104-0061",
            "address": "Tokyo",
            "phone": f"090{n:08d}",
            "email": f"p{n}@example.jp",
        }
    )


def confirmed_in(path: str) -> set[int]:
    with sqlite3.connect(path) as copy:
        tiles = {n for (n,) in copy.execute("SELECT no FROM tiles WHERE state = 'confirmed'")}
        listed = {n for (n,) in copy.execute("SELECT tile_no FROM destinations")}
    assert tiles == listed  # the copy is one moment: no confirmation is half there
    return listed


def test_a_backup_under_concurrent_writes_holds_every_confirmed_destination(tmp_path):
    path = str(tmp_path / "live.sqlite")
    db = connect(path, "NORMAL")
    migrate(db)
    c = conditions(prizes=((25, 20000),), opens=START, closes=START.replace(year=2099))
    campaigns.create(db, c, b"\x07" * 32, "", START)
    done: list[int] = []  # tiles whose confirm() has returned
    lock, stop = threading.Lock(), threading.Event()

    def writer(first: int):
        own = connect(path, "NORMAL")
        campaign = campaigns.by_slug(own, c.slug)
        for no in range(first, 20001, 2):
            if stop.is_set():
                return
            entry = claims.hold(own, campaign, f"board:{no}", START, no=no)
            claims.confirm(own, campaign, entry.id, contact(no), START)
            with lock:
                done.append(no)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    try:
        copies = []
        for n in range(3):
            while len(done) < 50 * (n + 1):
                time.sleep(0.01)
            with lock:
                before = set(done)
            dest = str(tmp_path / f"copy{n}.sqlite")
            backup(path, dest)
            copies.append((dest, before))
        with lock:
            after = len(done)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert after > 150 and all(t.is_alive() is False for t in threads)
    for dest, before in copies:
        assert before <= confirmed_in(dest)
        with sqlite3.connect(dest) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Writers kept confirming between and after the copies.
    assert len(confirmed_in(copies[-1][0])) < len(done)


def test_the_backup_command_copies_the_running_database(app, runner, campaign, tmp_path):
    seed_destinations(app, "spring", 3)
    dest = tmp_path / "backup.sqlite"
    result = runner.invoke(args=["backup", str(dest)], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 0, result.output
    assert "pages copied and checked" in result.output
    assert confirmed_in(str(dest)) == {1, 2, 3}
    assert not (tmp_path / "backup.sqlite.part").exists()


def test_the_backup_command_refuses_to_overwrite_the_database(app, runner):
    result = runner.invoke(args=["backup", app.config["DATABASE"]], env={"LANG": "en_US.UTF-8"})
    assert result.exit_code == 1 and "the database itself" in result.output


def test_xlsx_keeps_phone_numbers_and_formulas_as_written_text():
    rows = [[1, '=HYPERLINK("http://x")', PHONE, "-5", "@x", "山田"]]
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(["n", "a", "b", "c", "d", "e"], rows))).active
    cells = list(sheet.iter_rows())[1]
    assert [c.value for c in cells] == rows[0]
    assert cells[0].data_type == "n"
    assert all(c.data_type == "s" for c in cells[1:])  # text, never a formula


def test_csv_still_quotes_what_a_spreadsheet_would_run():
    assert to_csv(["phone"], [[PHONE]]).splitlines()[1] == f"'{PHONE}"


@pytest.fixture
def nasty(app, campaign):
    seed_destinations(
        app,
        "spring",
        [{"name": "=1+1", "address": "Tokyo", "phone": PHONE, "email": "a@example.jp"}],
    )


def test_the_command_line_writes_xlsx_to_a_file(app, runner, nasty, tmp_path):
    out = tmp_path / "spring.xlsx"
    result = runner.invoke(args=["campaign", "export", "spring", "--format", "xlsx", "-o", out])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    header = rows[0]
    assert rows[1][header.index("phone")] == PHONE and rows[1][header.index("name")] == "=1+1"


def test_the_command_line_writes_xlsx_to_a_redirected_stdout(app, runner, nasty):
    result = runner.invoke(args=["campaign", "export", "spring", "--format", "xlsx"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"PK")  # a zip file


def test_the_command_line_refuses_to_write_xlsx_to_a_terminal(app, runner, nasty, monkeypatch):
    monkeypatch.setattr(campaign_commands, "is_terminal", lambda stream: True)
    result = runner.invoke(args=["campaign", "export", "spring", "--format", "xlsx"])
    assert result.exit_code == 1 and "--output" in result.output
    assert b"PK" not in result.stdout_bytes


def test_csv_to_a_file_is_what_stdout_gets(app, runner, nasty, tmp_path):
    out = tmp_path / "spring.csv"
    assert runner.invoke(args=["campaign", "export", "spring", "-o", out]).exit_code == 0
    printed = runner.invoke(args=["campaign", "export", "spring"]).stdout
    assert out.read_text("utf-8") == printed and f"'{PHONE}" in printed
