import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MigrationInputError, lintMigrations, parseMigration } from '../../../lib/migrations/checker/index.js';
import { TIMEOUTS, TempRepo, migrationsDir } from './helpers.js';

/** The rules of the findings, with their locations relative to the directory. */
async function rules(dir: string): Promise<string[]> {
  const { findings } = await lintMigrations(dir);
  return findings.map((f) => `${path.relative(dir, f.location)} ${f.rule}`);
}

async function inputError(dir: string): Promise<readonly { location: string; message: string }[]> {
  const error = await lintMigrations(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MigrationInputError);
  return (error as MigrationInputError).problems.map((p) => ({ location: path.relative(dir, p.location), message: p.message }));
}

describe('migration files that must not be read partially (issue 13.1)', () => {
  it('GIVEN a NUL byte before a DROP TABLE WHEN linted THEN the file is unreadable input, never parsed up to the NUL', async () => {
    // GIVEN what the parser used to see ends at the NUL, so the DROP TABLE was never classified
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}SELECT 1;\0\nDROP TABLE accounts;\n` });
    // WHEN / THEN
    expect(await inputError(dir)).toEqual([{ location: '0001.sql', message: expect.stringMatching(new RegExp(`^holds a NUL byte at byte ${Buffer.byteLength(`${TIMEOUTS}SELECT 1;`)}: not a SQL text file`)) }]);
  });

  it('GIVEN bytes that are not UTF-8 WHEN linted THEN the file is unreadable input with the byte offset', async () => {
    // GIVEN 0xff never occurs in UTF-8 (decoding would silently turn it into U+FFFD)
    const dir = migrationsDir({});
    fs.writeFileSync(path.join(dir, '0001.sql'), Buffer.concat([Buffer.from("SELECT 'a"), Buffer.from([0xff, 0xfe]), Buffer.from("';\n")]));
    // WHEN / THEN
    expect(await inputError(dir)).toEqual([{ location: '0001.sql', message: expect.stringMatching(/^is not valid UTF-8 text at byte 9:/) }]);
  });
});

describe('DO blocks and function bodies (issue 13.2)', () => {
  it('GIVEN a DROP COLUMN inside DO $$ … $$ WHEN linted THEN it is a contract change like one outside', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}DO $$ BEGIN\n  IF true THEN ALTER TABLE accounts DROP COLUMN IF EXISTS legacy; END IF;\nEND $$;\n` });
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings.map((f) => `${path.relative(dir, f.location)} ${f.field} ${f.rule}`)).toEqual(['0001.sql:3:1 drop-column migration/contract-unmarked']);
    expect(result.statements.map((s) => `${s.kind} ${s.class}`)).toEqual(['set neutral', 'set neutral', 'drop-column contract']);
  });

  it('GIVEN a PL/pgSQL function whose body truncates and a LANGUAGE sql function whose body drops WHEN linted THEN both are contract changes', async () => {
    // GIVEN
    const dir = migrationsDir({
      '0001.sql': `${TIMEOUTS}CREATE OR REPLACE FUNCTION wipe() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN TRUNCATE sessions; END $f$;\n`
        + "CREATE OR REPLACE FUNCTION gone() RETURNS int LANGUAGE sql AS 'DROP TABLE IF EXISTS t; SELECT 1';\n",
    });
    // WHEN / THEN
    expect(await rules(dir)).toEqual(['0001.sql:3:1 migration/contract-unmarked', '0001.sql:4:1 migration/contract-unmarked']);
  });

  it('GIVEN a trigger function that only assigns and inserts WHEN linted THEN it stays an expand change without findings', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': `${TIMEOUTS}CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN NEW.updated_at := now(); INSERT INTO audit (id) VALUES (NEW.id); RETURN NEW; END $f$;\n` });
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.statements.at(-1)).toMatchObject({ kind: 'create-or-replace-function', class: 'expand' });
  });

  it('GIVEN dynamic EXECUTE or a DO block in another language WHEN linted THEN each is unclassifiable until excused with a reason', async () => {
    // GIVEN
    const dir = migrationsDir({
      '0001.sql': `${TIMEOUTS}DO $$ BEGIN EXECUTE 'ALTER TABLE accounts DROP COLUMN ' || 'legacy'; END $$;\nDO LANGUAGE plpython3u $$ plpy.execute("DROP TABLE t") $$;\n`,
      '0002.sql': `${TIMEOUTS}-- cdk8s-delivery:allow migration/unclassifiable reason: rebuilds partitions by name, reviewed in PR 12\nDO $$ BEGIN EXECUTE format('ANALYZE %I', 'accounts'); END $$;\n`,
    });
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.findings.map((f) => `${path.relative(dir, f.location)} ${f.rule}: ${f.message}`)).toEqual([
      '0001.sql:3:1 migration/unclassifiable: a DO block runs EXECUTE of a string built at run time, which the checker cannot see: it may contract the schema or block, and nothing here can tell',
      '0001.sql:4:1 migration/unclassifiable: a DO block runs a DO block in LANGUAGE plpython3u, whose statements the checker cannot see: it may contract the schema or block, and nothing here can tell',
    ]);
    expect(result.excused.map((e) => `${path.relative(dir, e.finding.location)} ${e.finding.rule}`)).toEqual(['0002.sql:4:1 migration/unclassifiable']);
  });

  it('GIVEN a function defined inside a DO block WHEN parsed THEN the nested body is classified too', async () => {
    // GIVEN
    const sql = "DO $$ BEGIN CREATE FUNCTION f() RETURNS void LANGUAGE sql AS 'DROP TABLE x'; END $$";
    // WHEN
    const file = await parseMigration('0001.sql', '0001.sql', sql);
    // THEN
    expect(file.statements[0]!.body!.statements.map((s) => s.nodeType)).toEqual(['CreateFunctionStmt', 'DropStmt']);
  });
});

describe('which files are migrations (issue 13.3)', () => {
  it('GIVEN a symlinked .sql file and an upper-case .SQL file WHEN linted THEN both are read and checked', async () => {
    // GIVEN
    const elsewhere = migrationsDir({ 'drop.sql': `${TIMEOUTS}DROP TABLE IF EXISTS accounts;\n` });
    const dir = migrationsDir({ '0002_Legacy.SQL': `${TIMEOUTS}ALTER TABLE accounts DROP COLUMN IF EXISTS legacy;\n` });
    fs.symlinkSync(path.join(elsewhere, 'drop.sql'), path.join(dir, '0001_drop.sql'));
    // WHEN
    const result = await lintMigrations(dir);
    // THEN
    expect(result.migrations.map((m) => m.name)).toEqual(['0001_drop.sql', '0002_Legacy.SQL']);
    expect(result.findings.map((f) => `${path.relative(dir, f.location)} ${f.rule}`)).toEqual([
      '0001_drop.sql:3:1 migration/contract-unmarked',
      '0002_Legacy.SQL:3:1 migration/contract-unmarked',
    ]);
  });

  it('GIVEN a symlink that points nowhere and a directory named x.sql WHEN linted THEN each is an input error, not skipped', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001.sql': TIMEOUTS });
    fs.symlinkSync(path.join(dir, 'missing.sql.orig'), path.join(dir, '0002.sql'));
    fs.mkdirSync(path.join(dir, '0003.sql'));
    // WHEN / THEN
    expect(await inputError(dir)).toEqual([
      { location: '0002.sql', message: `cannot read the migration: a symbolic link to ${path.join(dir, 'missing.sql.orig')}, which does not exist` },
      { location: '0003.sql', message: 'cannot read the migration: is a directory' },
    ]);
  });

  it('GIVEN a committed symlinked migration WHEN linted against that commit THEN it counts as shipped and unchanged', async () => {
    // GIVEN
    const repo = new TempRepo();
    repo.write({ 'db/shared/0001.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS t (id int);\n` });
    fs.mkdirSync(repo.path('db/migrations'));
    fs.symlinkSync('../shared/0001.sql', repo.path('db/migrations/0001.sql'));
    repo.commit('first');
    // WHEN
    const result = await lintMigrations(repo.path('db/migrations'), { base: 'HEAD' });
    // THEN
    expect(result.findings).toEqual([]);
    expect(result.migrations).toEqual([{ name: '0001.sql', isNew: false, marker: 'expand', contract: false }]);
  });
});
