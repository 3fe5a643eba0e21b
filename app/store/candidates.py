"""The shop's candidate list: import, filter, sample."""

import json
from datetime import datetime

from sqlite_utils import Database

from app.lottery.candidates import Candidate, Filter

from .db import immediate, stamp

CHUNK = 2000


def import_candidates(db: Database, rows: list[Candidate], now: datetime) -> tuple[int, int]:
    """Add or update candidates (one per e-mail); return (added, updated)."""
    added = updated = 0
    for start in range(0, len(rows), CHUNK):
        a, u = _import_chunk(db, rows[start : start + CHUNK], now)
        added, updated = added + a, updated + u
    return added, updated


def _import_chunk(db: Database, rows: list[Candidate], now: datetime) -> tuple[int, int]:
    keys = [c.email_key for c in rows]
    with immediate(db):
        known = set()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ", ".join("?" * len(part))
            known.update(
                r[0]
                for r in db.execute(
                    f"SELECT email_key FROM candidates WHERE email_key IN ({marks})",  # noqa: S608
                    part,
                )
            )
        db.conn.executemany(
            "INSERT INTO candidates (email, email_key, name, age, sex, family, income, purchases,"
            " language, address, extra, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (email_key) DO UPDATE SET email = excluded.email, name = excluded.name,"
            " age = excluded.age, sex = excluded.sex, family = excluded.family,"
            " income = excluded.income, purchases = excluded.purchases,"
            " language = excluded.language, address = excluded.address,"
            " extra = excluded.extra, imported_at = excluded.imported_at",
            (
                (
                    c.email,
                    c.email_key,
                    c.name,
                    c.age,
                    c.sex,
                    c.family,
                    c.income,
                    c.purchases,
                    c.language,
                    c.address,
                    json.dumps(c.extra, ensure_ascii=False),
                    stamp(now),
                )
                for c in rows
            ),
        )
        ids = _ids(db, keys)
        db.conn.executemany(
            "DELETE FROM candidate_hobbies WHERE candidate_id = ?", ((ids[k],) for k in keys)
        )
        db.conn.executemany(
            "INSERT INTO candidate_hobbies (candidate_id, hobby) VALUES (?, ?)",
            ((ids[c.email_key], h) for c in rows for h in c.hobbies),
        )
    return len(rows) - len(known), len(known)


def ids_of(db: Database, keys: list[str]) -> list[int]:
    """Return the ids of the candidates with these e-mail keys, in the keys' order."""
    found = _ids(db, keys)
    return [found[k] for k in keys if k in found]


def _ids(db: Database, keys: list[str]) -> dict[str, int]:
    ids = {}
    for start in range(0, len(keys), 500):
        part = keys[start : start + 500]
        marks = ", ".join("?" * len(part))
        ids.update(
            db.execute(
                f"SELECT email_key, id FROM candidates WHERE email_key IN ({marks})",  # noqa: S608
                part,
            ).fetchall()
        )
    return ids


def _where(f: Filter) -> tuple[str, list]:
    clauses, params = [], []
    for column, low, high in (
        ("age", f.age_min, f.age_max),
        ("family", f.family_min, f.family_max),
        ("income", f.income_min, f.income_max),
    ):
        if low is not None:
            clauses.append(f"{column} >= ?")
            params.append(low)
        if high is not None:
            clauses.append(f"{column} <= ?")
            params.append(high)
    if f.sexes:
        clauses.append(f"sex IN ({', '.join('?' * len(f.sexes))})")
        params += f.sexes
    if f.hobbies:
        marks = ", ".join("?" * len(f.hobbies))
        clauses.append(
            f"id IN (SELECT candidate_id FROM candidate_hobbies WHERE hobby IN ({marks}))"  # noqa: S608
        )
        params += f.hobbies
    if f.new_only:
        clauses.append("purchases = 0")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count(db: Database, f: Filter) -> int:
    """Count the candidates matching a filter."""
    where, params = _where(f)
    return db.execute(f"SELECT count(*) FROM candidates{where}", params).fetchone()[0]  # noqa: S608


def matching_ids(db: Database, f: Filter) -> list[int]:
    """Return the ids of the candidates matching a filter, in import order."""
    where, params = _where(f)
    rows = db.execute(f"SELECT id FROM candidates{where} ORDER BY id", params)  # noqa: S608
    return [r[0] for r in rows]


def total(db: Database) -> int:
    """Count every candidate."""
    return db.execute("SELECT count(*) FROM candidates").fetchone()[0]


def page(db: Database, f: Filter, after: int = 0, size: int = 50) -> list[dict]:
    """Return up to `size` matching candidates after id `after`, for the admin list."""
    where, params = _where(f)
    glue = " AND " if where else " WHERE "
    rows = db.execute(
        "SELECT id, name, email, age, sex, family, income, purchases, language FROM candidates"  # noqa: S608
        f"{where}{glue}id > ? ORDER BY id LIMIT ?",  # noqa: S608
        [*params, after, size],
    )
    keys = ("id", "name", "email", "age", "sex", "family", "income", "purchases", "language")
    return [dict(zip(keys, r, strict=True)) for r in rows]
