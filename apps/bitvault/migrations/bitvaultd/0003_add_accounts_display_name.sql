-- Release 3 (expand): the new column is nullable and has no default, so the old code keeps working
-- and the statement needs no table rewrite. Release 3's code writes both columns and reads owner_name;
-- a batched backfill job copies owner_name into display_name; release 4's code reads display_name only.
SET lock_timeout = '2s';
SET statement_timeout = '5min';

ALTER TABLE accounts ADD COLUMN IF NOT EXISTS display_name text;
