-- Release 2: items are listed per owner. Built concurrently, outside a transaction, safe to rerun.
SET lock_timeout = '2s';
SET statement_timeout = '30min';

CREATE INDEX CONCURRENTLY IF NOT EXISTS items_owner_idx ON items (owner);
