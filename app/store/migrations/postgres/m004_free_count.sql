-- The free count beside the version, kept by a trigger whichever code changes a tile
-- (SQLite's triggers add booleans; here a comparison is cast to an integer).
ALTER TABLE campaigns ADD COLUMN free integer NOT NULL DEFAULT 0;
CREATE FUNCTION tickets_free_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.state = 'free' THEN
            UPDATE campaigns SET free = free + 1 WHERE id = NEW.campaign_id;
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.state = 'free' THEN
            UPDATE campaigns SET free = free - 1 WHERE id = OLD.campaign_id;
        END IF;
        RETURN OLD;
    END IF;
    UPDATE campaigns SET free = free + (NEW.state = 'free')::int - (OLD.state = 'free')::int
        WHERE id = NEW.campaign_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER tickets_free_insert AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_free_count();
CREATE TRIGGER tickets_free_delete AFTER DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_free_count();
CREATE TRIGGER tickets_free_update AFTER UPDATE OF state ON tickets
    FOR EACH ROW WHEN ((NEW.state = 'free') <> (OLD.state = 'free'))
    EXECUTE FUNCTION tickets_free_count();
