-- Failures of one account from every address are counted (an account-wide limit), and
-- the addresses that signed in to an account are remembered: they are still admitted
-- while strangers' guesses keep the account locked.
CREATE INDEX attempts_key ON attempts (scope, key, at);
CREATE TABLE known_addresses (
    scope text NOT NULL,
    key text NOT NULL,
    address text NOT NULL,
    last_at timestamptz NOT NULL,
    PRIMARY KEY (scope, key, address)
);
