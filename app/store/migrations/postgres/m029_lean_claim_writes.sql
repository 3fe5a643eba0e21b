-- PostgreSQL side of schema.m029_lean_claim_writes. Tables have no rowid here, so only the
-- tile's entry changes: unique where there is one, so free tiles (entry_id NULL) stay out
-- of the index and a claim adds one entry to it. The name stays the constraint's.
ALTER TABLE tiles DROP CONSTRAINT tiles_entry_id_key;
CREATE UNIQUE INDEX tiles_entry_id_key ON tiles (entry_id) WHERE entry_id IS NOT NULL;
