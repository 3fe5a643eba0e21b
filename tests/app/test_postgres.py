"""PostgreSQL as the configured engine: db init, db copy from SQLite, backup, health check."""

from datetime import timedelta

from app import create_app
from app.store import campaigns, claims, reveals
from app.store.db import connect, get_db, stamp
from tests.factories import START, make_campaign

ENGLISH = {"LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "en_US.UTF-8"}


def _app(database, clock):
    return create_app({"TESTING": True, "DATABASE": database, "SECRET_KEY": "x", "CLOCK": clock})


def test_a_sqlite_campaign_is_copied_with_its_ids_and_draws_on(tmp_path, pg_cluster, clock):
    old = _app(str(tmp_path / "old.sqlite"), clock)
    make_campaign(old, slug="moving", prizes=((25, 3),))
    with old.app_context():
        db = get_db()
        campaign = campaigns.by_slug(db, "moving")
        first = claims.hold(db, campaign, "board:a", START, no=2)
        reveals.reveal(db, campaign.id, first.id, START + timedelta(seconds=3))
    target = pg_cluster.create()  # empty: `db copy` migrates it
    result = old.test_cli_runner().invoke(
        args=["db", "copy", str(tmp_path / "old.sqlite"), target], env=ENGLISH
    )
    assert result.exit_code == 0, result.output
    assert "tiles: 3 rows copied and counted" in result.output

    new = _app(target, clock)
    with new.app_context():
        db = get_db()
        moved = campaigns.by_slug(db, "moving")
        assert (moved.id, moved.free) == (campaign.id, 2)
        assert claims.entry(db, moved.id, first.id, START).tile_no == 2
        # SQLite's text stamps arrive as timestamptz values of the same moments.
        assert db.execute(
            "SELECT pg_typeof(revealed_at)::text, revealed_at, revealed_at > created_at"
            " FROM entries WHERE id = ?",
            [first.id],
        ).fetchone() == ("timestamp with time zone", stamp(START + timedelta(seconds=3)), True)
        # The sequences moved past the copied ids: the next draw gets a new one.
        second = claims.hold(db, moved, "board:b", START, no=3)
        assert second.id > first.id
    assert client_health(new) == (200, b"ok")
    again = old.test_cli_runner().invoke(
        args=["db", "copy", str(tmp_path / "old.sqlite"), target], env=ENGLISH
    )
    assert again.exit_code == 1 and "not empty" in again.output


def client_health(app):
    reply = app.test_client().get("/healthz")
    return reply.status_code, reply.data


def test_db_init_and_backup_on_postgresql(tmp_path, pg_cluster, clock):
    url = pg_cluster.create()
    app = _app(url, clock)  # the first start creates the tables
    runner = app.test_cli_runner()
    init = runner.invoke(args=["db", "init"], env=ENGLISH)
    assert init.exit_code == 0 and "migrations applied" in init.output
    backup = runner.invoke(args=["backup", str(tmp_path / "never-written")], env=ENGLISH)
    assert backup.exit_code == 1 and "pg_dump" in backup.output
    db = connect(url)
    try:
        assert db.execute("SELECT count(*) FROM campaigns").fetchone()[0] == 0
    finally:
        db.close()
