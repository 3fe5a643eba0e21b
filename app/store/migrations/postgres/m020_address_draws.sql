-- Draws counted per client address (IPv4, or IPv6 /64) and campaign, so a redraw loop
-- or a hoarder is refused whichever worker serves it; rate limits counted here too.
ALTER TABLE entries ADD COLUMN address text;
CREATE TABLE address_draws (
    campaign_id bigint NOT NULL REFERENCES campaigns(id),
    address text NOT NULL,
    draws integer NOT NULL DEFAULT 0,
    holds integer NOT NULL DEFAULT 0,
    redraws integer NOT NULL DEFAULT 0,
    redrawn_at timestamptz,
    refused integer NOT NULL DEFAULT 0,
    refused_at timestamptz,
    PRIMARY KEY (campaign_id, address)
);
CREATE TABLE rate_counts (
    key text PRIMARY KEY,
    hits integer NOT NULL,
    until timestamptz NOT NULL
);
CREATE INDEX rate_counts_until ON rate_counts (until);
