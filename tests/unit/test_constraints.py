"""Refusals by constraint name: the names match the schema, and nothing else is a refusal."""

import sqlite3

import pytest

from app.store.constraints import UNIQUE, violated
from app.store.db import connect
from app.store.errors import AlreadyDrawn, Duplicate, refusal
from app.store.schema import migrate


@pytest.fixture
def db(tmp_path):
    db = connect(str(tmp_path / "k.sqlite"), "NORMAL")
    migrate(db)
    return db


def unique_column_sets(db, table) -> set[tuple[str, ...]]:
    found = set()
    for _, name, unique, *_ in db.execute(f"PRAGMA index_list({table})").fetchall():
        if unique:
            cols = db.execute(f"PRAGMA index_info({name})").fetchall()
            found.add(tuple(c[2] for c in sorted(cols)))
    return found


def test_every_named_constraint_exists_in_the_schema(db):
    for table, columns in UNIQUE:
        assert columns in unique_column_sets(db, table), (table, columns)


def test_a_second_draw_and_a_second_address_are_refused_by_name(db):
    db.execute(
        "INSERT INTO campaigns (id, slug, title, goods, opens, closes, hold_minutes,"
        " losing, tile_count, conditions, created_at) VALUES"
        " (1, 's', 't', 'g', '', '', 1, 0, 1, '', '')"
    )
    add = "INSERT INTO entries (campaign_id, tile_no, holder, state, created_at)"
    db.execute(add + " VALUES (1, 1, 'board:a', 'held', '')")
    with pytest.raises(sqlite3.IntegrityError) as caught:
        db.execute(add + " VALUES (1, 2, 'board:a', 'held', '')")
    assert violated(caught.value) == "entries_one_per_holder"
    assert isinstance(refusal(caught.value), AlreadyDrawn)
    with pytest.raises(sqlite3.IntegrityError) as caught:
        db.execute(add + " VALUES (1, 2, 'board:b', 'nonsense', '')")  # a CHECK, not a refusal
    assert violated(caught.value) is None and refusal(caught.value) is caught.value


def test_duplicates_say_which_key_matched():
    class Diag:  # what psycopg attaches to its errors
        constraint_name = "destinations_campaign_id_phone_key_key"

    pg_error = Exception("duplicate key value violates unique constraint")
    pg_error.diag = Diag()
    found = refusal(pg_error)
    assert isinstance(found, Duplicate) and found.field == "phone"
