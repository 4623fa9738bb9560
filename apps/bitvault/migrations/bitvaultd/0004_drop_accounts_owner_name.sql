-- migration: contract
-- Release 5 (contract): ships alone, after release 4 stopped reading and writing owner_name, so no
-- running version uses the column any more.
SET lock_timeout = '2s';
SET statement_timeout = '5min';

ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;
