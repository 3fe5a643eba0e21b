"""Moments on PostgreSQL are timestamptz, every one of them, and m026 kept the old values."""

import random
import re
from datetime import timedelta

from app.store import campaigns, claims, images, kiosks, notices, reveals, schema
from app.store.db import connect, stamp
from tests.factories import START, conditions

# A column that holds a moment, by the names the schema gives them.
MOMENT = re.compile(r"(.*_)?(at|until)|opens|closes")


def _columns(db) -> dict[tuple[str, str], str]:
    rows = db.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = current_schema()"
    )
    return {(table, column): kind for table, column, kind in rows}


def test_no_moment_is_text_on_a_migrated_postgresql_database(pg_cluster):
    db = connect(pg_cluster.create(pg_cluster.template))
    try:
        columns = _columns(db)
    finally:
        db.close()
    moments = {key: kind for key, kind in columns.items() if MOMENT.fullmatch(key[1])}
    # The rule finds the moments, old and new, so an empty match cannot pass for a clean one.
    for key in (("tiles", "held_until"), ("entries", "revealed_at"), ("images", "created_at")):
        assert key in moments
    assert {k: v for k, v in moments.items() if v != "timestamp with time zone"} == {}


def test_m026_turns_the_text_moments_into_times_keeping_each_one(pg_cluster, monkeypatch):
    url = pg_cluster.create()
    db = connect(url)
    try:
        # The database as it was before m026: the moments written then are text.
        before = schema.postgres_names()[: schema.postgres_names().index("m026_timestamptz")]
        monkeypatch.setattr(schema, "postgres_names", lambda: before)
        schema.migrate(db)
        assert _columns(db)[("entries", "revealed_at")] == "text"
        c = conditions(slug="old")
        campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
        campaign = campaigns.by_slug(db, "old")
        shown, copied, drawn = (
            claims.hold(db, campaign, f"board:{n}", START, no=n) for n in (1, 2, 3)
        )
        moment = START + timedelta(seconds=5, microseconds=250)
        reveals.reveal(db, campaign.id, shown.id, moment)
        # m016 filled revealed_at from created_at: PostgreSQL's own text, "… 12:00:00+00".
        db.execute("UPDATE entries SET revealed_at = created_at WHERE id = ?", [copied.id])
        kiosk_id, _ = kiosks.register(db, campaign.id, "till 1", "Ginza", b"k" * 32, START)
        batch = kiosks.make_tickets(db, campaign.id, 1, START)
        code = kiosks.batch_codes(db, campaign.id, batch)[0]
        ticket = kiosks.ticket_by_code(db, code)
        kiosks.mark_used(db, ticket.id, kiosk_id, drawn.id, START)
        kiosks.reveal(db, ticket.id, moment)
        images.save(db, campaign.id, "logo", "d" * 64, "image/png", b"png", moment)
        assert notices.claim(db, campaign.id, moment)

        monkeypatch.undo()
        schema.migrate(db)
        assert schema.applied(db) == schema.names()
        kinds = _columns(db)
        for key in (
            ("entries", "revealed_at"),
            ("kiosk_tickets", "revealed_at"),
            ("campaigns", "shop_notified_at"),
            ("images", "created_at"),
        ):
            assert kinds[key] == "timestamp with time zone", key
        # Each value is the same moment, read back as store.db.stamp() writes it.
        assert db.execute(
            "SELECT revealed_at FROM entries WHERE id IN (?, ?) ORDER BY id",
            [shown.id, copied.id],
        ).fetchall() == [(stamp(moment),), (stamp(START),)]
        assert (
            db.execute(
                "SELECT t.revealed_at, c.shop_notified_at, i.created_at FROM kiosk_tickets t"
                " JOIN campaigns c ON c.id = t.campaign_id JOIN images i ON i.campaign_id = c.id"
                " WHERE t.id = ?",
                [ticket.id],
            ).fetchone()
            == (stamp(moment),) * 3
        )
        # Compared as times now: the reveal five seconds after the draw comes after it.
        assert db.execute(
            "SELECT count(*) FROM entries WHERE revealed_at > created_at"
        ).fetchone() == (1,)
        # The code that reads and writes them goes on working on the converted columns.
        assert reveals.revealed(db, shown.id) and not reveals.revealed(db, drawn.id)
        assert reveals.reveal(db, campaign.id, drawn.id, moment) is True
        assert kiosks.revealed(db, ticket.id)
        assert notices.claim(db, campaign.id, moment) is False
        notices.release(db, campaign.id)
        assert notices.due(db, START + timedelta(days=400)) == [(campaign.id, "")]
    finally:
        db.close()
