"""m029: the claim's tables copied to write fewer pages keep every row, count and rule."""

import random
import sqlite3
from datetime import timedelta

import pytest

from app.store import campaigns, claims, rates
from app.store.board import free_tiles
from app.store.db import connect, immediate
from app.store.schema import migrations
from tests.factories import START, conditions, contact

TABLES = {
    "tiles": "SELECT campaign_id, no, prize_id, tier, state, entry_id, held_until, version"
    " FROM tiles ORDER BY campaign_id, no",
    "draw_log": "SELECT * FROM draw_log ORDER BY campaign_id, seq",
    "rate_counts": "SELECT * FROM rate_counts ORDER BY key",
}


def dump(db) -> dict:
    return {name: db.execute(sql).fetchall() for name, sql in TABLES.items()}


@pytest.fixture
def old(tmp_path):
    """A database as it was before m029, with holds, a confirm, a return and rate counts."""
    db = connect(str(tmp_path / "old.sqlite"), "NORMAL")
    migrations.apply(db, stop_before="m029_lean_claim_writes")
    c = conditions(prizes=((25, 3), (10, 3)))
    campaigns.create(db, c, random.Random(7).randbytes(32), "", START)
    c = campaigns.by_slug(db, c.slug)
    hit = [rates.Hit("claim", "192.0.2.1", rates.windows("10 per minute"))]
    first = claims.hold(db, c, "board:a", START, no=1, hits=hit)
    claims.hold(db, c, "board:b", START, no=2)
    claims.hold(db, c, "board:c", START, no=3)
    claims.confirm(db, c, first.id, contact(1), START)
    claims.expire_due(db, c, START + timedelta(hours=1))  # tiles 2 and 3 go back
    yield db
    db.conn.close()


def test_the_copy_keeps_every_row_and_the_free_count(old):
    before = dump(old)
    free = campaigns.by_slug(old, "spring").free
    migrations.apply(old)
    assert dump(old) == before
    assert before["draw_log"] and before["rate_counts"]  # there was something to keep
    assert campaigns.by_slug(old, "spring").free == free == 5


def test_after_the_copy_draws_count_free_tiles_and_refuse_as_before(old):
    migrations.apply(old)
    c = campaigns.by_slug(old, "spring")
    held = claims.hold(old, c, "board:d", START + timedelta(hours=1), no=4)
    assert campaigns.by_slug(old, "spring").free == 4  # the triggers came back
    assert 4 not in free_tiles(old, c.id)
    # A tile's entry is still unique wherever a tile has one.
    with pytest.raises(sqlite3.IntegrityError), immediate(old):
        old.execute(
            "UPDATE tiles SET state = 'held', entry_id = ? WHERE campaign_id = ? AND no = 5",
            [held.id, c.id],
        )
    # Free tiles have none, as many as there are.
    assert old.execute("SELECT count(*) FROM tiles WHERE entry_id IS NULL").fetchone()[0] == 4
    # Draw numbers stay unique in the log.
    with pytest.raises(sqlite3.IntegrityError), immediate(old):
        old.execute(
            "INSERT INTO draw_log (campaign_id, seq, draw_no, event, tier, merit, tile_no,"
            " entry_id, at) SELECT campaign_id, seq + 100, draw_no, event, tier, merit,"
            " tile_no, entry_id, at FROM draw_log WHERE event = 'draw' LIMIT 1"
        )
