-- New campaigns commit to the seed and the tier counts together (kuji-draw-v2), so the
-- counts stay secret until the end. Campaigns made before keep the commitment they
-- published, SHA-256 of the seed alone (kuji-draw-v1).
ALTER TABLE campaigns ADD COLUMN algorithm text NOT NULL DEFAULT 'kuji-draw-v1';
