ALTER TABLE destinations ADD COLUMN postal_code text NOT NULL DEFAULT '';
ALTER TABLE requests ADD COLUMN postal_code text NOT NULL DEFAULT '';
