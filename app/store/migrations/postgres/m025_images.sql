-- PostgreSQL side of schema.m025_images: the bytes are BYTEA here, BLOB on SQLite.
CREATE TABLE images (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL,
    media_type TEXT NOT NULL,
    data BYTEA NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (campaign_id, name)
);
CREATE INDEX images_digest ON images (campaign_id, digest);
