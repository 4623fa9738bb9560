// Issue 21: `lint-migrations --verify` (PGlite) applies files the way the psql runner does.
import { describe, expect, it } from 'vitest';
import { readMigrationDirectory } from '../../../lib/migrations/checker/sql-file.js';
import { applyModeOf } from '../../../lib/migrations/runner/apply-mode.js';
import { pgliteFactory, verifyMigrations } from '../../../lib/migrations/verify/index.js';
import { TIMEOUTS, migrationsDir } from '../checker/helpers.js';

const engine = pgliteFactory();

describe('verify applies files with the runner\'s semantics', () => {
  it('GIVEN a file whose second statement fails WHEN verified THEN its first statement is rolled back with it, as the runner\'s transaction does', async () => {
    const dir = migrationsDir({
      '0001_accounts.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\n`,
      '0002_broken.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS plans (id bigint PRIMARY KEY);\nALTER TABLE missing ADD COLUMN IF NOT EXISTS note text;\n`,
    });
    const result = await verifyMigrations(dir, await readMigrationDirectory(dir), undefined, { engine });
    expect(result.findings.map((f) => f.rule)).toEqual(['migration/apply-failed']);
    expect(result.schemaDiff.map((c) => c.object)).toContain('table public.accounts');
    expect(result.schemaDiff.map((c) => c.object).filter((o) => o.includes('plans'))).toEqual([]);
  });

  it('GIVEN the files of the reference platform WHEN planned THEN the concurrent index runs outside a transaction and every other file inside one', async () => {
    const files = await readMigrationDirectory('apps/bitvault/migrations/bitvaultd');
    expect(files.map((f) => [f.name, applyModeOf(f.statements).inTransaction])).toEqual([
      ['0001_create_accounts_and_vault_entries.sql', true],
      ['0002_index_vault_entries_account_id.sql', false],
      ['0003_add_accounts_display_name.sql', true],
      ['0004_drop_accounts_owner_name.sql', true],
    ]);
  });

  it.each([
    ['CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)', false],
    ['DROP INDEX CONCURRENTLY IF EXISTS i', false],
    ['REINDEX INDEX CONCURRENTLY i', false],
    ['ALTER TABLE p DETACH PARTITION c CONCURRENTLY', false],
    ['VACUUM t', false],
    ['ANALYZE t', true],
    ['BEGIN; CREATE TABLE IF NOT EXISTS t (a int); COMMIT', false],
    ['CREATE INDEX IF NOT EXISTS i ON t (a)', true],
    ["ALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh'", true],
  ])('GIVEN %s WHEN planned THEN in a transaction: %s', async (sql, inTransaction) => {
    const dir = migrationsDir({ '0001_x.sql': `${sql};\n` });
    const [file] = await readMigrationDirectory(dir);
    expect(applyModeOf(file!.statements).inTransaction).toBe(inTransaction);
  });
});
