import { describe, expect, it } from 'vitest';
import { ROOT, runLauncher } from './launcher.js';
import { TIMEOUTS, migrationsDir } from '../migrations/checker/helpers.js';


const cli = (args: string[], cwd = ROOT) => runLauncher(args, { cwd });

describe('cdk8s-delivery lint-migrations --verify (the real bin, PGlite)', () => {
  it('GIVEN the bitvaultd history WHEN verified THEN it is applied twice on PGlite and passes', async () => {
    // WHEN
    const { code, stdout, stderr } = await cli(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--verify']);
    // THEN
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toBe([
      'verified on PGlite (PostgreSQL 18.6, in a child process): 0 previous migrations applied, 4 new migrations applied twice; 7 schema changes (0 contract)',
      'lint-migrations: no violations (4 migrations, 4 new)',
      '',
    ].join('\n'));
  });

  it('GIVEN a non-idempotent INSERT WHEN verified with --json THEN it exits 1 with the statement, the database\'s error and the schema diff', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001_plans.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS plans (id int PRIMARY KEY, name text NOT NULL);\nINSERT INTO plans VALUES (1, 'free');\n` });
    // WHEN
    const { code, stdout } = await cli(['lint-migrations', dir, '--verify', '--json']);
    // THEN
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.ok).toBe(false);
    expect(result.findings.filter((f: any) => f.rule === 'migration/rerun-failed')).toEqual([expect.objectContaining({
      location: `${dir}/0001_plans.sql:4:1`,
      value: "INSERT INTO plans VALUES (1, 'free')",
      message: expect.stringContaining('ERROR 23505: duplicate key value violates unique constraint "plans_pkey"'),
    })]);
    expect(result.verify.schemaDiff.map((c: any) => c.object)).toEqual(['index public.plans_pkey', 'table public.plans']);
    expect(result.verify.timings).toBeUndefined();
  });

  it('GIVEN --database-url without --verify WHEN run THEN it is a usage error', async () => {
    // WHEN
    const { code, stderr } = await cli(['lint-migrations', 'apps/bitvault/migrations/bitvaultd', '--database-url', 'postgres://127.0.0.1/x']);
    // THEN
    expect(code).toBe(2);
    expect(stderr).toContain('--database-url needs --verify');
  });
});
