"""A campaign's uploaded images: stored once by name, served by content hash."""

from dataclasses import dataclass

from sqlite_utils import Database

from .db import immediate, stamp


@dataclass(frozen=True)
class Image:
    name: str
    digest: str
    media_type: str


def save(
    db: Database, campaign_id: int, name: str, digest: str, media_type: str, data: bytes, now
) -> None:
    """Store (or replace) the campaign's image called `name`."""
    with immediate(db, durable=False):
        db.execute(
            "INSERT INTO images (campaign_id, name, digest, media_type, data, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (campaign_id, name) DO UPDATE SET digest = excluded.digest,"
            " media_type = excluded.media_type, data = excluded.data,"
            " created_at = excluded.created_at",
            [campaign_id, name, digest, media_type, data, stamp(now)],
        )


def named(db: Database, campaign_id: int) -> dict[str, Image]:
    """Return the campaign's images by name (without their bytes)."""
    rows = db.execute(
        "SELECT name, digest, media_type FROM images WHERE campaign_id = ? ORDER BY name",
        [campaign_id],
    ).fetchall()
    return {r[0]: Image(r[0], r[1], r[2]) for r in rows}


def find(db: Database, campaign_id: int, name: str) -> Image | None:
    """Return the campaign's image called `name`, or None."""
    row = db.execute(
        "SELECT name, digest, media_type FROM images WHERE campaign_id = ? AND name = ?",
        [campaign_id, name],
    ).fetchone()
    return Image(*row) if row else None


def content(db: Database, campaign_id: int, digest: str) -> tuple[str, bytes] | None:
    """Return (media type, bytes) of the campaign's image with this content hash, or None."""
    row = db.execute(
        "SELECT media_type, data FROM images WHERE campaign_id = ? AND digest = ? LIMIT 1",
        [campaign_id, digest],
    ).fetchone()
    return (row[0], bytes(row[1])) if row else None
