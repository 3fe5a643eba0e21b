"""Which unique constraint refused a write, named as PostgreSQL names it on every engine.

psycopg reports the constraint's name (`exc.diag.constraint_name`). SQLite reports only the
table and columns ("UNIQUE constraint failed: destinations.campaign_id, destinations.email_key"),
or the index for an expression index, so its columns are looked up here under the name
PostgreSQL gives the same constraint by default (<table>_<columns>_key) or the index's own.
Callers map names to domain errors; no caller reads an error's message text.
"""

import sqlite3

# Unique constraints the store turns into domain errors: (table, columns) → name.
UNIQUE = {
    ("entries", ("campaign_id", "holder")): "entries_one_per_holder",
    ("destinations", ("campaign_id", "tile_no")): "destinations_campaign_id_tile_no_key",
    ("destinations", ("campaign_id", "email_key")): "destinations_campaign_id_email_key_key",
    ("destinations", ("campaign_id", "phone_key")): "destinations_campaign_id_phone_key_key",
    ("destinations", ("entry_id",)): "destinations_entry_id_key",
    ("requests", ("campaign_id", "holder")): "requests_campaign_id_holder_key",
    ("requests", ("campaign_id", "email_key")): "requests_campaign_id_email_key_key",
    ("requests", ("campaign_id", "phone_key")): "requests_campaign_id_phone_key_key",
    ("contact_keys", ("campaign_id", "email_key")): "contact_keys_campaign_id_email_key_key",
    ("contact_keys", ("campaign_id", "phone_key")): "contact_keys_campaign_id_phone_key_key",
    ("ecoupons", ("code",)): "ecoupons_code_key",
    ("ecoupons", ("destination_id",)): "ecoupons_destination_id_key",
    ("kiosk_tickets", ("code",)): "kiosk_tickets_code_key",
    ("plays", ("campaign_id", "holder")): "plays_campaign_id_holder_key",
    ("play_moves", ("play_id", "seq")): "play_moves_pkey",
}
_SQLITE_UNIQUE = "UNIQUE constraint failed: "


def violated(exc: Exception) -> str | None:
    """Return the name of the unique constraint `exc` broke, or None if it was not one."""
    diag = getattr(exc, "diag", None)  # psycopg
    if diag is not None:
        return getattr(diag, "constraint_name", None)
    if not isinstance(exc, sqlite3.IntegrityError):
        return None
    if exc.sqlite_errorname not in ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"):
        return None
    detail = str(exc).removeprefix(_SQLITE_UNIQUE)
    if detail.startswith("index '"):
        return detail[len("index '") : -1]
    columns = [c.strip().split(".", 1) for c in detail.split(",")]
    if not columns or any(len(c) != 2 for c in columns):
        return None
    table = columns[0][0]
    return UNIQUE.get((table, tuple(c[1] for c in columns)))
