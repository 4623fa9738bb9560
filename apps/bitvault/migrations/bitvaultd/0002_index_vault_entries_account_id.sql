-- Release 2: entries are listed per account. Built concurrently (writes continue during the build),
-- outside a transaction, and safe to rerun.
SET lock_timeout = '2s';
SET statement_timeout = '30min';

CREATE INDEX CONCURRENTLY IF NOT EXISTS vault_entries_account_id_idx ON vault_entries (account_id);
