-- PostgreSQL side of schema.m028_contact_keys: the moment is a timestamptz here.
CREATE TABLE contact_keys (
    entry_id INTEGER PRIMARY KEY REFERENCES entries(id),
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    email_key TEXT NOT NULL,
    phone_key TEXT NOT NULL,
    given_at TIMESTAMPTZ NOT NULL,
    UNIQUE (campaign_id, email_key),
    UNIQUE (campaign_id, phone_key)
);
