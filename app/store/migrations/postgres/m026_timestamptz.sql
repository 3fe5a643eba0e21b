-- PostgreSQL side of schema.m026_timestamptz: the moments that later migrations added as
-- text (m016, m018, m019 ran the same SQL on both engines; m025's file copied SQLite's TEXT)
-- become timestamptz like every other, so PostgreSQL compares them as times, never as text.
-- Their values are store.db.stamp() text ("2026-12-03T09:27:25.123456+00:00") or, for
-- entries copied by m016 from created_at, PostgreSQL's own output ("… 09:27:25.123456+00"):
-- both carry their offset, so the session's zone changes nothing. An empty text (never
-- written by Kuji, but a hand edit could leave one) becomes NULL rather than failing.
ALTER TABLE entries
    ALTER COLUMN revealed_at TYPE timestamptz USING nullif(revealed_at, '')::timestamptz;
ALTER TABLE kiosk_tickets
    ALTER COLUMN revealed_at TYPE timestamptz USING nullif(revealed_at, '')::timestamptz;
ALTER TABLE campaigns
    ALTER COLUMN shop_notified_at TYPE timestamptz USING nullif(shop_notified_at, '')::timestamptz;
ALTER TABLE images
    ALTER COLUMN created_at TYPE timestamptz USING created_at::timestamptz;
