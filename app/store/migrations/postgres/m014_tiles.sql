-- PostgreSQL side of schema.m014_tiles: here a table, its columns, constraints, indexes
-- and triggers are renamed in place, with the constraint names SQLite's copy gets.
ALTER TABLE tickets RENAME TO tiles;
ALTER TABLE tiles DROP COLUMN draw_order;
ALTER TABLE tiles RENAME CONSTRAINT tickets_pkey TO tiles_pkey;
ALTER TABLE tiles RENAME CONSTRAINT tickets_entry_id_key TO tiles_entry_id_key;
ALTER TABLE tiles RENAME CONSTRAINT tickets_check TO tiles_free_check;
ALTER TABLE tiles RENAME CONSTRAINT tickets_state_check TO tiles_state_check;
ALTER TABLE tiles RENAME CONSTRAINT tickets_campaign_id_fkey TO tiles_campaign_id_fkey;
ALTER TABLE tiles RENAME CONSTRAINT tickets_prize_id_fkey TO tiles_prize_id_fkey;
ALTER TABLE tiles RENAME CONSTRAINT tickets_entry_id_fkey TO tiles_entry_id_fkey;
ALTER INDEX tickets_free_no RENAME TO tiles_free_no;
ALTER INDEX tickets_held RENAME TO tiles_held;
ALTER INDEX tickets_changed RENAME TO tiles_changed;
ALTER FUNCTION tickets_free_count() RENAME TO tiles_free_count;
ALTER TRIGGER tickets_free_insert ON tiles RENAME TO tiles_free_insert;
ALTER TRIGGER tickets_free_delete ON tiles RENAME TO tiles_free_delete;
ALTER TRIGGER tickets_free_update ON tiles RENAME TO tiles_free_update;
ALTER TABLE entries RENAME COLUMN ticket_no TO tile_no;
ALTER TABLE draw_log RENAME COLUMN issue_no TO tile_no;
ALTER TABLE destinations RENAME COLUMN issue_no TO tile_no;
ALTER TABLE campaigns RENAME COLUMN sheets TO tile_count;
ALTER TABLE destinations
    RENAME CONSTRAINT destinations_campaign_id_issue_no_key TO destinations_campaign_id_tile_no_key;
