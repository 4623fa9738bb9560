-- Release 1: the orders table (expand).
SET lock_timeout = '2s';
SET statement_timeout = '5min';

CREATE TABLE IF NOT EXISTS orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  placed_at timestamptz NOT NULL DEFAULT now()
);
