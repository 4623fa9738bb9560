import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintMigrations } from '../../../lib/migrations/checker/index.js';
import { lintAndVerifyMigrations, pgliteFactory, startPglite } from '../../../lib/migrations/verify/index.js';
import { TIMEOUTS, migrationsDir } from '../checker/helpers.js';

/**
 * Issue 26, defect 6: functions in languages the checker cannot read are unclassifiable, COPY … PROGRAM is
 * a clear finding (and never run, nor a crash, under --verify), and a corrupt PGlite cache is rebuilt.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('migration checks of issue 26', () => {
  for (const language of ['plpython3u', 'plperl', 'pltcl']) {
    it(`GIVEN a ${language} function that drops a column, called by the next statement WHEN linted without --verify THEN it is migration/unclassifiable`, async () => {
      const dir = migrationsDir({
        '0001_sneaky.sql': `${TIMEOUTS}CREATE OR REPLACE FUNCTION sneaky() RETURNS void AS $$ plpy.execute("ALTER TABLE accounts DROP COLUMN email") $$ LANGUAGE ${language};\nSELECT sneaky();\n`,
      });
      const { findings } = await lintMigrations(dir);
      expect(findings).toContainEqual(expect.objectContaining({
        location: `${dir}/0001_sneaky.sql:3:1`,
        rule: 'migration/unclassifiable',
        message: expect.stringContaining(`a function in LANGUAGE ${language}, whose statements the checker cannot see`),
      }));
    });
  }

  it('GIVEN COPY … FROM PROGRAM WHEN linted THEN it is migration/server-access with the program; WHEN verified THEN it is not run and nothing crashes', async () => {
    const dir = migrationsDir({ '0001_copy.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS out (line text);\nCOPY out FROM PROGRAM 'id';\n` });
    const linted = await lintMigrations(dir);
    expect(linted.findings).toEqual([expect.objectContaining({ location: `${dir}/0001_copy.sql:4:1`, rule: 'migration/server-access', message: expect.stringContaining('COPY … FROM PROGRAM runs "id" as a program on the database host') })]);
    const verified = await lintAndVerifyMigrations(dir, { engine: pgliteFactory() });
    expect(verified.findings.map((f) => f.rule).sort()).toEqual(['migration/apply-failed', 'migration/server-access']);
  }, 120_000);

  it('GIVEN a cached PGlite data directory that looks like a cluster but whose control file is damaged WHEN PGlite starts THEN it runs initdb and replaces the cache', async () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-pglite-cache-'));
    dirs.push(cacheDir);
    // The folder the engine uses: found by letting it make one first.
    const first = await startPglite({ cacheDir });
    await first.close();
    const [template] = readdirSync(cacheDir).filter((f) => f.endsWith('-datadir-v2'));
    const control = path.join(cacheDir, template!, 'global', 'pg_control');
    const damaged = Buffer.alloc(statSync(control).size, 0x5a);
    writeFileSync(control, damaged);
    // WHEN
    const engine = await startPglite({ cacheDir });
    try {
      expect(await engine.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await engine.close();
    }
    // THEN the cache is a real cluster again
    expect(readFileSync(control).equals(damaged)).toBe(false);
    expect(readFileSync(path.join(cacheDir, template!, 'PG_VERSION'), 'utf8')).toBe('18\n');
  }, 180_000);
});
