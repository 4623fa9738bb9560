import { parse } from 'libpg-query';
import { describe, expect, it } from 'vitest';
import { classifyStatement } from '../../../lib/migrations/checker/classify.js';

async function classify(sql: string, createdTables: string[] = []) {
  const tree = await parse(sql);
  const { kind, class: cls, blocking } = classifyStatement(tree.stmts![0].stmt as Record<string, any>, { createdTables: new Set(createdTables) });
  return { kind, class: cls, blocking };
}

describe('classifyStatement', () => {
  it.each([
    ['CREATE TABLE IF NOT EXISTS t (id bigint)', 'create-table'],
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)', 'create-index-concurrently'],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a text', 'add-column'],
    ["ALTER TABLE t ADD COLUMN a text NOT NULL DEFAULT ''", 'add-column'],
    ['ALTER TABLE t ADD COLUMN a timestamptz DEFAULT now()', 'add-column'],
    ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID', 'add-constraint-not-valid'],
    ['ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id) NOT VALID', 'add-constraint-not-valid'],
    ['ALTER TABLE t VALIDATE CONSTRAINT c', 'validate-constraint'],
    ['ALTER TABLE t ADD CONSTRAINT u UNIQUE USING INDEX i', 'add-constraint-using-index'],
    ['ALTER TABLE t ALTER COLUMN a SET DEFAULT 0', 'set-default'],
    ["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok'", 'add-enum-value'],
    ['CREATE OR REPLACE VIEW v AS SELECT 1', 'create-or-replace-view'],
    ['CREATE SEQUENCE IF NOT EXISTS s', 'create-sequence'],
    ['REINDEX INDEX CONCURRENTLY i', 'reindex-concurrently'],
  ])('GIVEN %s THEN it is expand (%s)', async (sql, kind) => {
    // WHEN
    const result = await classify(sql);
    // THEN
    expect(result).toEqual({ kind, class: 'expand', blocking: false });
  });

  it.each([
    ['ALTER TABLE t DROP COLUMN IF EXISTS a', 'drop-column', false],
    ['DROP TABLE IF EXISTS t', 'drop-table', false],
    ['ALTER TABLE t RENAME COLUMN a TO b', 'rename-column', false],
    ['ALTER TABLE t RENAME TO u', 'rename-table', false],
    ['ALTER TABLE t ALTER COLUMN a TYPE bigint', 'alter-column-type', true],
    ['ALTER TABLE t ALTER COLUMN a SET NOT NULL', 'set-not-null', true],
    ['ALTER TABLE t ALTER COLUMN a DROP NOT NULL', 'drop-not-null', false],
    ['ALTER TABLE t ALTER COLUMN a DROP DEFAULT', 'drop-default', false],
    ['ALTER TABLE t DROP CONSTRAINT IF EXISTS c', 'drop-constraint', false],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', 'drop-index-concurrently', false],
    ['DROP INDEX IF EXISTS i', 'drop-index', true],
    ['ALTER TABLE t ADD COLUMN a text NOT NULL', 'add-required-column', false],
    ['TRUNCATE t', 'truncate', false],
    ['DELETE FROM t', 'delete-all-rows', true],
    ['REVOKE SELECT ON t FROM app', 'revoke', false],
    // The worst subcommand decides: a DROP COLUMN next to an ADD COLUMN is still a contract.
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS b text, DROP COLUMN IF EXISTS a', 'drop-column', false],
  ])('GIVEN %s THEN it is contract (%s, blocking %s)', async (sql, kind, blocking) => {
    // WHEN
    const result = await classify(sql);
    // THEN
    expect(result).toEqual({ kind, class: 'contract', blocking });
  });

  it.each([
    ['CREATE INDEX IF NOT EXISTS i ON t (a)', 'create-index'],
    ['ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)', 'add-constraint'],
    ['ALTER TABLE t ADD CONSTRAINT u UNIQUE (a)', 'add-unique-constraint'],
    ['ALTER TABLE t ADD CONSTRAINT p PRIMARY KEY (a)', 'add-primary-key'],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a uuid DEFAULT gen_random_uuid()', 'add-column-volatile-default'],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a bigserial', 'add-column-volatile-default'],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a int GENERATED ALWAYS AS (b * 2) STORED', 'add-generated-column'],
    ['ALTER TABLE t ADD COLUMN IF NOT EXISTS a bigint UNIQUE', 'add-column-with-constraint'],
    ['VACUUM FULL t', 'vacuum-full'],
    ['CLUSTER t USING i', 'cluster'],
    ['REINDEX INDEX i', 'reindex'],
    ['REFRESH MATERIALIZED VIEW mv', 'refresh-materialized-view'],
    ['LOCK TABLE t IN ACCESS EXCLUSIVE MODE', 'lock-table'],
    ['UPDATE t SET a = 0', 'update-all-rows'],
    ['ALTER TABLE t SET TABLESPACE fast', 'set-tablespace'],
  ])('GIVEN %s THEN it is blocking (%s)', async (sql, kind) => {
    // WHEN
    const result = await classify(sql);
    // THEN
    expect(result).toEqual({ kind, class: 'blocking', blocking: true });
  });

  it.each([
    ["SET lock_timeout = '2s'", 'set'],
    ['BEGIN', 'transaction'],
    ['COMMIT', 'transaction'],
    ['UPDATE t SET a = 0 WHERE id BETWEEN 1 AND 1000', 'update'],
    ['INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING', 'insert'],
    ['VACUUM (FULL FALSE) t', 'vacuum'],
  ])('GIVEN %s THEN it is neutral (%s)', async (sql, kind) => {
    // WHEN
    const result = await classify(sql);
    // THEN
    expect(result).toEqual({ kind, class: 'neutral', blocking: false });
  });

  it('GIVEN a table created earlier in the same migration WHEN it is indexed or constrained THEN the statement is expand', async () => {
    // GIVEN a table the same file created: no rows, no old code
    const created = ['accounts', 'billing.invoices'];
    // WHEN / THEN
    expect(await classify('CREATE INDEX i ON accounts (a)', created)).toEqual({ kind: 'create-index', class: 'expand', blocking: false });
    expect(await classify('ALTER TABLE public.accounts ALTER COLUMN a SET NOT NULL', created)).toEqual({ kind: 'set-not-null', class: 'expand', blocking: false });
    expect(await classify('ALTER TABLE billing.invoices ADD CONSTRAINT c CHECK (a > 0)', created)).toEqual({ kind: 'add-constraint', class: 'expand', blocking: false });
    // AND a table of the same name in another schema is not the new one
    expect(await classify('CREATE INDEX i ON billing.accounts (a)', created)).toEqual({ kind: 'create-index', class: 'blocking', blocking: true });
  });

  it('GIVEN a statement WHEN classified THEN the result names its target and a reason', async () => {
    // GIVEN
    const tree = await parse('ALTER TABLE billing.invoices DROP COLUMN IF EXISTS note');
    // WHEN
    const result = classifyStatement(tree.stmts![0].stmt as Record<string, any>);
    // THEN
    expect(result).toEqual({ kind: 'drop-column', class: 'contract', blocking: false, reason: 'removes a column the previous release may use', target: 'billing.invoices' });
  });
});
