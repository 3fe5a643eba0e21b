-- PostgreSQL side of schema.m027_free_count_per_statement. The free count was kept by a
-- trigger per tile: laying out a board of N tiles updated its campaign's row N times in one
-- transaction, and as no version of a row can be pruned while its transaction runs, each
-- update walked the chain of the ones before it: 8,000 tiles took 39 s, 100,000 would take
-- well over an hour. Inserts and deletes (a layout, a re-layout, a copy) now count once per
-- statement from its transition table; a state change (a draw, a return) touches one tile
-- per statement and keeps its row trigger.
CREATE FUNCTION tiles_free_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaigns c SET free = c.free + n.free
        FROM (SELECT campaign_id, count(*) AS free FROM added WHERE state = 'free'
              GROUP BY campaign_id) n
        WHERE c.id = n.campaign_id;
    RETURN NULL;
END
$$;
CREATE FUNCTION tiles_free_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE campaigns c SET free = c.free - n.free
        FROM (SELECT campaign_id, count(*) AS free FROM removed WHERE state = 'free'
              GROUP BY campaign_id) n
        WHERE c.id = n.campaign_id;
    RETURN NULL;
END
$$;
DROP TRIGGER tiles_free_insert ON tiles;
DROP TRIGGER tiles_free_delete ON tiles;
CREATE TRIGGER tiles_free_insert AFTER INSERT ON tiles REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_free_added();
CREATE TRIGGER tiles_free_delete AFTER DELETE ON tiles REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION tiles_free_removed();
