import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationInputError, lintMigrations } from '../../../lib/migrations/checker/index.js';
import { FIXTURES, TIMEOUTS, migrationsDir } from './helpers.js';

const NOT_RERUNNABLE = 'cannot be rerun after a partial failure (the migration Job retries the file)';

describe('lintMigrations', () => {
  it('GIVEN the reference history of three expand releases WHEN linted THEN it is clean and every statement is classified', async () => {
    // GIVEN
    const dir = path.join(FIXTURES, 'history');
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.statements.map((s) => `${s.location} ${s.kind} ${s.class}${s.inTransaction ? ' (in transaction)' : ''}`)).toEqual([
      `${dir}/0001_create_accounts.sql:2:1 set neutral`,
      `${dir}/0001_create_accounts.sql:3:1 set neutral`,
      `${dir}/0001_create_accounts.sql:5:1 transaction neutral`,
      `${dir}/0001_create_accounts.sql:6:1 create-table expand (in transaction)`,
      `${dir}/0001_create_accounts.sql:11:1 create-table expand (in transaction)`,
      `${dir}/0001_create_accounts.sql:17:1 transaction neutral`,
      `${dir}/0002_index_ledger_account.sql:3:1 set neutral`,
      `${dir}/0002_index_ledger_account.sql:4:1 set neutral`,
      `${dir}/0002_index_ledger_account.sql:6:1 create-index-concurrently expand`,
      `${dir}/0003_add_display_name.sql:2:1 set neutral`,
      `${dir}/0003_add_display_name.sql:3:1 set neutral`,
      `${dir}/0003_add_display_name.sql:5:1 add-column expand`,
    ]);
    expect(result.migrations).toEqual([
      { name: '0001_create_accounts.sql', isNew: true, marker: 'expand', contract: false },
      { name: '0002_index_ledger_account.sql', isNew: true, marker: 'expand', contract: false },
      { name: '0003_add_display_name.sql', isNew: true, marker: 'expand', contract: false },
    ]);
  });

  it('GIVEN a contract statement in an unmarked migration WHEN linted THEN migration/contract-unmarked reports it once (not also squawk/ban-drop-column)', async () => {
    // GIVEN
    const dir = migrationsDir({ '0004_drop.sql': `${TIMEOUTS}ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;\n` });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0004_drop.sql:3:1`,
        field: 'drop-column',
        value: 'ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name',
        rule: 'migration/contract-unmarked',
        message: 'drop-column is a contract change in a migration not marked as one: the previous release still reads or writes the column while it runs next to the new one',
        fix: 'stop using the column in one release, then drop it in a later release, in a migration marked `-- migration: contract`, once no running version reads it: ALTER TABLE … DROP COLUMN IF EXISTS …',
      },
    ]);
  });

  it('GIVEN the same statement in a migration marked `-- migration: contract` WHEN linted without a release THEN it is accepted', async () => {
    // GIVEN
    const dir = path.join(FIXTURES, 'contract');
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.migrations).toEqual([{ name: '0004_drop_owner_name.sql', isNew: true, marker: 'contract', contract: true }]);
    expect(result.statements.at(-1)).toMatchObject({ kind: 'drop-column', class: 'contract', blocking: false, target: 'accounts' });
  });

  it('GIVEN a type change in a contract migration WHEN linted THEN the marker allows the contract but squawk still reports the table rewrite', async () => {
    // GIVEN
    const dir = migrationsDir({ '0005.sql': `-- migration: contract\n${TIMEOUTS}BEGIN;\nALTER TABLE accounts ALTER COLUMN amount TYPE numeric;\nCOMMIT;\n` });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0005.sql:5:42`,
        field: 'alter-column-type',
        value: 'ALTER TABLE accounts ALTER COLUMN amount TYPE numeric',
        rule: 'squawk/changing-column-type',
        message:
          'Changing a column type requires an `ACCESS EXCLUSIVE` lock on the table which blocks reads and writes while the table is rewritten. Changing the type of the column may also break other clients reading from the table.',
        fix: 'add a column of the new type (expand), backfill it in batches, switch the code, then drop the old column in a marked contract migration',
      },
    ]);
  });

  it('GIVEN blocking statements squawk knows WHEN linted THEN squawk reports each with its safe alternative', async () => {
    // GIVEN a migration without lock_timeout, with a plain index, a validated CHECK, a UNIQUE constraint and a volatile default
    const dir = migrationsDir({
      '0001.sql': [
        'CREATE INDEX IF NOT EXISTS accounts_owner_idx ON accounts (owner_name);',
        'BEGIN;',
        'ALTER TABLE accounts ADD CONSTRAINT amount_positive CHECK (amount > 0);',
        'ALTER TABLE accounts ADD CONSTRAINT owner_unique UNIQUE (owner_name);',
        'ALTER TABLE accounts ADD COLUMN IF NOT EXISTS token uuid DEFAULT gen_random_uuid();',
        'COMMIT;',
        '',
      ].join('\n'),
    });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    const index = 'CREATE INDEX IF NOT EXISTS accounts_owner_idx ON accounts (owner_name)';
    const check = 'ALTER TABLE accounts ADD CONSTRAINT amount_positive CHECK (amount > 0)';
    const unique = 'ALTER TABLE accounts ADD CONSTRAINT owner_unique UNIQUE (owner_name)';
    const timeouts = "start the file with SET lock_timeout = '2s'; and SET statement_timeout = '…'; so a blocked lock fails fast instead of queueing every query behind it";
    const notValid = 'By default new constraints require a table scan and block writes to the table while that scan occurs.';
    expect(findings).toEqual([
      { location: `${dir}/0001.sql:1:1`, field: 'create-index', value: index, rule: 'squawk/require-concurrent-index-creation', message: 'During normal index creation, table updates are blocked, but reads are still allowed.', fix: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS … outside a transaction' },
      { location: `${dir}/0001.sql:1:1`, field: 'create-index', value: index, rule: 'squawk/require-lock-timeout', message: 'Missing `set lock_timeout` before potentially slow SHARE lock operations', fix: timeouts },
      { location: `${dir}/0001.sql:1:1`, field: 'create-index', value: index, rule: 'squawk/require-statement-timeout', message: 'Missing `set statement_timeout` before potentially slow operations', fix: timeouts },
      { location: `${dir}/0001.sql:3:22`, field: 'add-constraint', value: check, rule: 'squawk/constraint-missing-not-valid', message: notValid, fix: 'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT … in a separate transaction' },
      { location: `${dir}/0001.sql:4:22`, field: 'add-unique-constraint', value: unique, rule: 'squawk/constraint-missing-not-valid', message: notValid, fix: 'ADD CONSTRAINT … NOT VALID, then ALTER TABLE … VALIDATE CONSTRAINT … in a separate transaction' },
      {
        location: `${dir}/0001.sql:4:26`, field: 'add-unique-constraint', value: unique, rule: 'squawk/disallowed-unique-constraint',
        message: 'Adding a `UNIQUE` constraint requires an `ACCESS EXCLUSIVE` lock which blocks reads and writes to the table while the index is built.',
        fix: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS … outside a transaction, then ADD CONSTRAINT … UNIQUE USING INDEX …',
      },
      {
        location: `${dir}/0001.sql:5:66`, field: 'add-column-volatile-default', value: 'ALTER TABLE accounts ADD COLUMN IF NOT EXISTS token uuid DEFAULT gen_random_uuid()', rule: 'squawk/adding-field-with-default',
        message: 'Adding a generated column requires a table rewrite with an `ACCESS EXCLUSIVE` lock. In Postgres versions 11+, non-VOLATILE DEFAULTs can be added without a rewrite.',
        fix: 'add the column without a volatile DEFAULT (a constant is fine), backfill it in batches, then SET DEFAULT for new rows',
      },
    ]);
  });

  it('GIVEN the safe forms of the same changes WHEN linted THEN there is nothing to report', async () => {
    // GIVEN concurrent indexes outside transactions, NOT VALID + VALIDATE, a unique index attached USING INDEX, a constant default
    const dir = migrationsDir({
      '0001.sql': [
        TIMEOUTS,
        'CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_owner_idx ON accounts (owner_name);',
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_owner_key ON accounts (owner_name);',
        'BEGIN;',
        'ALTER TABLE accounts ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID;',
        'ALTER TABLE accounts ADD CONSTRAINT owner_unique UNIQUE USING INDEX accounts_owner_key;',
        "ALTER TABLE accounts ADD COLUMN IF NOT EXISTS currency text NOT NULL DEFAULT 'EUR';",
        'COMMIT;',
        'BEGIN;',
        'ALTER TABLE accounts VALIDATE CONSTRAINT amount_positive;',
        'COMMIT;',
        '',
      ].join('\n'),
    });
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.statements.filter((s) => s.class !== 'neutral').map((s) => `${s.kind} ${s.class}`)).toEqual([
      'create-index-concurrently expand',
      'create-index-concurrently expand',
      'add-constraint-not-valid expand',
      'add-constraint-using-index expand',
      'add-column expand',
      'validate-constraint expand',
    ]);
  });

  it('GIVEN blocking statements squawk has no rule for WHEN linted THEN the migration rules report them', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}VACUUM FULL accounts;\nUPDATE accounts SET currency = 'EUR';\nLOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;\n` });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0001.sql:3:1`, field: 'vacuum-full', value: 'VACUUM FULL accounts', rule: 'migration/table-rewrite',
        message: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock: nothing else can use it until the rewrite ends',
        fix: 'do not rewrite live tables from a migration: use pg_repack or REPACK (CONCURRENTLY) out of band, or keep the table as is',
      },
      {
        location: `${dir}/0001.sql:4:1`, field: 'update-all-rows', value: "UPDATE accounts SET currency = 'EUR'", rule: 'migration/unbatched-backfill',
        message: 'update-all-rows touches every row in one transaction: long row locks, WAL and bloat on a large table',
        fix: 'backfill in batches (… WHERE id > $last ORDER BY id LIMIT 10000, one transaction each) from a job after the expand migration',
      },
      {
        location: `${dir}/0001.sql:5:1`, field: 'lock-table', value: 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE', rule: 'migration/explicit-lock',
        message: 'LOCK TABLE holds the lock until the transaction ends and queues every query on the table behind it',
        fix: "drop the explicit lock; if one is unavoidable, SET lock_timeout = '2s' first and keep the transaction short",
      },
    ]);
  });

  it('GIVEN CONCURRENTLY inside BEGIN … COMMIT WHEN linted THEN squawk reports CREATE INDEX and the migration rule reports DROP INDEX', async () => {
    // GIVEN a contract migration (the drop is allowed) that wraps both in a transaction
    const dir = migrationsDir({
      '0001.sql': `-- migration: contract\n${TIMEOUTS}BEGIN;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON accounts (a);\nDROP INDEX CONCURRENTLY IF EXISTS b_idx;\nCOMMIT;\n`,
    });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0001.sql:5:14`, field: 'create-index-concurrently', value: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON accounts (a)', rule: 'squawk/ban-concurrent-index-creation-in-transaction',
        message: 'While regular index creation can happen inside a transaction, this is not allowed when the `CONCURRENTLY` option is used.',
        fix: 'move CREATE INDEX CONCURRENTLY IF NOT EXISTS … out of BEGIN … COMMIT: it cannot run inside a transaction',
      },
      {
        location: `${dir}/0001.sql:6:1`, field: 'drop-index-concurrently', value: 'DROP INDEX CONCURRENTLY IF EXISTS b_idx', rule: 'migration/concurrently-in-transaction',
        message: 'CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects the statement',
        fix: 'move it after COMMIT (or out of a runner transaction), keeping IF [NOT] EXISTS so a rerun is safe',
      },
    ]);
  });

  it('GIVEN a runner that wraps every file in a transaction WHEN a concurrent index is created THEN it is reported (assumeInTransaction)', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}CREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON accounts (a);\n` });
    // WHEN
    const wrapped = await lintMigrations(dir, { assumeInTransaction: true });
    const plain = await lintMigrations(dir);
    // THEN
    expect(wrapped.findings.map((f) => `${f.location} ${f.rule}`)).toEqual([`${dir}/0001.sql:3:14 squawk/ban-concurrent-index-creation-in-transaction`]);
    expect(plain.findings).toEqual([]);
  });

  it('GIVEN statements that cannot be rerun WHEN linted THEN squawk or the idempotency rule reports each, unless a transaction makes the file all-or-nothing', async () => {
    // GIVEN
    const dir = migrationsDir({
      '0001.sql': [
        TIMEOUTS,
        'CREATE TABLE settings (key text PRIMARY KEY, value text);',
        'CREATE SEQUENCE invoice_numbers;',
        'CREATE VIEW active_accounts AS SELECT * FROM accounts;',
        "INSERT INTO settings (key, value) VALUES ('currency', 'EUR');",
        "INSERT INTO settings (key, value) VALUES ('locale', 'de') ON CONFLICT DO NOTHING;",
        'BEGIN;',
        'CREATE SEQUENCE ticket_numbers;',
        "INSERT INTO settings (key, value) VALUES ('region', 'eu');",
        'COMMIT;',
        '',
      ].join('\n'),
    });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0001.sql:4:1`, field: 'create-table', value: 'CREATE TABLE settings (key text PRIMARY KEY, value text)', rule: 'squawk/prefer-robust-stmts',
        message: "Missing `IF NOT EXISTS`, the migration can't be rerun if it fails part way through.", fix: 'add IF NOT EXISTS so a rerun after a partial failure skips what exists',
      },
      {
        location: `${dir}/0001.sql:5:1`, field: 'create-sequence', value: 'CREATE SEQUENCE invoice_numbers', rule: 'migration/non-idempotent',
        message: `create-sequence ${NOT_RERUNNABLE}: the second run fails because it already exists`, fix: 'use CREATE SEQUENCE IF NOT EXISTS …',
      },
      {
        location: `${dir}/0001.sql:6:1`, field: 'create-view', value: 'CREATE VIEW active_accounts AS SELECT * FROM accounts', rule: 'migration/non-idempotent',
        message: `create-view ${NOT_RERUNNABLE}: the second run fails because it already exists`, fix: 'use CREATE OR REPLACE VIEW …',
      },
      {
        location: `${dir}/0001.sql:7:1`, field: 'insert', value: "INSERT INTO settings (key, value) VALUES ('currency', 'EUR')", rule: 'migration/non-idempotent',
        message: `insert ${NOT_RERUNNABLE}: the second run inserts the rows again, or fails on a unique key`, fix: 'use INSERT … ON CONFLICT DO NOTHING (or DO UPDATE)',
      },
    ]);
  });

  it('GIVEN an unknown or misplaced marker WHEN linted THEN migration/invalid-marker reports it and the file stays an expand migration', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `-- migration: contracts\n${TIMEOUTS}-- migration: contract\nALTER TABLE accounts DROP COLUMN IF EXISTS a;\n` });
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings.map(({ location, rule, message }) => ({ location, rule, message }))).toEqual([
      { location: `${dir}/0001.sql:1:1`, rule: 'migration/invalid-marker', message: 'unknown migration marker "contracts": the checker would treat the file as an expand migration' },
      { location: `${dir}/0001.sql:4:1`, rule: 'migration/invalid-marker', message: 'the migration marker is only read in the file header, before the first statement' },
      { location: `${dir}/0001.sql:5:1`, rule: 'migration/contract-unmarked', message: expect.stringMatching(/^drop-column is a contract change/) },
    ]);
    expect(result.migrations[0].marker).toBe('expand');
  });

  it('GIVEN a project .squawk.toml that excludes a rule WHEN linted THEN squawk still applies the rule', async () => {
    // GIVEN
    const dir = migrationsDir({
      '0001.sql': `${TIMEOUTS}CREATE INDEX IF NOT EXISTS a_idx ON accounts (a);\n`,
      '.squawk.toml': 'excluded_rules = ["require-concurrent-index-creation"]\n',
    });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings.map(({ location, rule }) => `${location} ${rule}`)).toEqual([`${dir}/0001.sql:3:1 squawk/require-concurrent-index-creation`]);
  });

  it('GIVEN a squawk-ignore comment WHEN linted THEN it is reported: squawk honours it silently, without a reason', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}-- squawk-ignore require-concurrent-index-creation\nCREATE INDEX IF NOT EXISTS a_idx ON accounts (a);\n` });
    // WHEN
    const { findings } = await lintMigrations(dir);
    // THEN
    expect(findings).toEqual([
      {
        location: `${dir}/0001.sql:3:1`,
        field: 'excuse',
        value: '-- squawk-ignore require-concurrent-index-creation',
        rule: 'migration/squawk-ignore',
        message: 'squawk-ignore silences squawk without a reason a reviewer can read, and hides the finding from this checker',
        fix: 'replace it with `-- cdk8s-delivery:allow squawk/<rule> reason: <why it is safe here>` right above the statement',
      },
    ]);
  });
});

describe('lintMigrations input errors', () => {
  it('GIVEN SQL that does not parse WHEN linted THEN it rejects with every parser position (file:line:column)', async () => {
    // GIVEN a syntax error after a multi-byte character, and a second broken file
    const dir = migrationsDir({
      '0001.sql': "SELECT 'é';\nALTER TABLE accounts DROPP COLUMN a;\n",
      '0002.sql': 'CREATE TABLE (id bigint);\n',
      '0003.sql': `${TIMEOUTS}SELECT 1;\n`,
    });
    // WHEN
    const error = await lintMigrations(dir).catch((e: unknown) => e);
    // THEN
    expect(error).toBeInstanceOf(MigrationInputError);
    expect((error as MigrationInputError).problems).toEqual([
      { location: `${dir}/0001.sql:2:22`, message: 'SQL does not parse: syntax error at or near "DROPP"' },
      { location: `${dir}/0002.sql:1:14`, message: 'SQL does not parse: syntax error at or near "("' },
    ]);
  });

  it('GIVEN a directory that does not exist WHEN linted THEN it rejects with the path', async () => {
    // GIVEN
    const dir = path.join(migrationsDir({}), 'missing');
    // WHEN
    const error = await lintMigrations(dir).catch((e: unknown) => e);
    // THEN
    expect((error as MigrationInputError).problems).toEqual([{ location: dir, message: expect.stringMatching(/^cannot read the migrations directory: no such file or directory \(ENOENT\)$/) }]);
    expect(fs.existsSync(dir)).toBe(false);
  });
});
