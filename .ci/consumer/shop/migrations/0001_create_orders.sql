-- expand
SET lock_timeout = '2s';
SET statement_timeout = '5min';
CREATE TABLE IF NOT EXISTS orders (
  id bigint PRIMARY KEY,
  customer text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
