-- Not expand/contract safe: drops a column in the same release and takes an exclusive lock.
ALTER TABLE orders DROP COLUMN placed_at;
