ALTER TABLE destinations ADD COLUMN language text;
ALTER TABLE requests ADD COLUMN language text;
