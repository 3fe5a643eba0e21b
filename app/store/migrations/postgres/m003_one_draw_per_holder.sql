CREATE UNIQUE INDEX entries_one_per_holder ON entries (campaign_id, holder);
