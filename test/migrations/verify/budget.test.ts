import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../lib/cli/main.js';
import { VerifyBudgetError, lintAndVerifyMigrations, pgliteFactory } from '../../../lib/migrations/verify/index.js';
import { budget as loadBudget } from '../../load-budget.js';
import { TIMEOUTS, migrationsDir } from '../checker/helpers.js';
import { type TestServer, startTestServer } from './postgres-server.js';

/**
 * Issue 26, defect 2: a migration that never ends (`pg_sleep`, an endless loop) ends the verification
 * with an error naming the file, within the budget, on PGlite (which ignores statement_timeout: it runs in a
 * worker thread that is terminated) and on a server (statement_timeout, and the backend dropped).
 */

const engine = pgliteFactory();
// initdb once before the clocks start: the budgets count statements, not the engine's start-up.
beforeAll(async () => {
  await (await engine()).close();
}, 120_000);
const SLEEP = `${TIMEOUTS}SELECT pg_sleep(100000);\n`;
const LOOP = `${TIMEOUTS}DO $$ BEGIN LOOP END LOOP; END $$;\n`;

async function stopped(run: Promise<unknown>): Promise<{ error: VerifyBudgetError; seconds: number }> {
  const started = performance.now();
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(VerifyBudgetError);
  return { error: error as VerifyBudgetError, seconds: (performance.now() - started) / 1000 };
}

describe('lint-migrations --verify within a time budget (PGlite)', () => {
  it('GIVEN SELECT pg_sleep(100000) WHEN verified with a 2 s file budget THEN it stops with an error naming the file, in seconds', async () => {
    const dir = migrationsDir({ '0001_sleep.sql': SLEEP });
    const { error, seconds } = await stopped(lintAndVerifyMigrations(dir, { engine, budget: { fileSeconds: 2 } }));
    expect(error.problems).toEqual([{ location: `${dir}/0001_sleep.sql`, message: expect.stringMatching(/^verification stopped: the migration ran past the budget of one file \(2 s; --file-timeout\)/) }]);
    expect(seconds).toBeLessThan(loadBudget(2_000 + 5_000) / 1000);
  }, 120_000);

  it('GIVEN an endless PL/pgSQL loop WHEN verified with a 2 s file budget THEN the worker is terminated and the error names the file', async () => {
    const dir = migrationsDir({ '0001_expand.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS t (id int);\n`, '0002_loop.sql': LOOP });
    const { error, seconds } = await stopped(lintAndVerifyMigrations(dir, { engine, budget: { fileSeconds: 2 } }));
    expect(error.problems.map((p) => p.location)).toEqual([`${dir}/0002_loop.sql`]);
    expect(seconds).toBeLessThan(loadBudget(2_000 + 5_000) / 1000);
  }, 120_000);

  it('GIVEN files that each fit the file budget but not the run budget together WHEN verified THEN the run budget stops it, naming the file that ran', async () => {
    const nap = `${TIMEOUTS}SELECT pg_sleep(1.5);\n`;
    const dir = migrationsDir({ '0001_a.sql': nap, '0002_b.sql': nap, '0003_c.sql': nap });
    const { error } = await stopped(lintAndVerifyMigrations(dir, { engine, budget: { fileSeconds: 30, runSeconds: 2.5 } }));
    expect(error.problems[0]!.message).toMatch(/the run's budget \(2\.5 s for every migration together; --run-timeout\) ran out/);
    // Which file runs when 2.5 s are spent depends on the machine's load; it is one of them, named.
    expect(error.problems[0]!.location).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/000[123]_[abc]\\.sql$`));
  }, 120_000);

  it('GIVEN an endless loop WHEN the CLI verifies with --file-timeout 2 THEN it exits 2 naming the file', async () => {
    const dir = migrationsDir({ '0001_loop.sql': LOOP });
    const stderr: string[] = [];
    const code = await main(['lint-migrations', dir, '--verify', '--file-timeout', '2'], { out: () => undefined, err: (l) => stderr.push(l) });
    expect(code).toBe(2);
    expect(stderr).toEqual([expect.stringMatching(new RegExp(`^error: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/0001_loop\\.sql: verification stopped`))]);
  }, 120_000);
});

describe('lint-migrations --verify within a time budget (server)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('GIVEN SELECT pg_sleep(100000) after the migration lifted statement_timeout WHEN verified on a server with a 2 s budget THEN it stops naming the file and the scratch database is gone', async () => {
    const dir = migrationsDir({ '0001_sleep.sql': `${TIMEOUTS}SET statement_timeout = 0;\nSELECT pg_sleep(100000);\n` });
    const { error, seconds } = await stopped(lintAndVerifyMigrations(dir, { databaseUrl: server.leastPrivilegeUrl, budget: { fileSeconds: 2 } }));
    expect(error.problems.map((p) => p.location)).toEqual([`${dir}/0001_sleep.sql`]);
    expect(seconds).toBeLessThan(loadBudget(2_000 + 5_000) / 1000);
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      expect((await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'cdk8s\\_delivery\\_verify\\_%'")).rows).toEqual([]);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('GIVEN SELECT pg_sleep(100000) WHEN verified on a server THEN statement_timeout (the file budget) ends it as a statement failure of that file', async () => {
    const dir = migrationsDir({ '0001_sleep.sql': SLEEP });
    const run = lintAndVerifyMigrations(dir, { databaseUrl: server.leastPrivilegeUrl, budget: { fileSeconds: 2 } });
    // The server's own statement_timeout (set to the file budget) or the budget's kill, whichever comes first: either way the file is named.
    const outcome = await run.then((r) => r.findings.map((f) => `${f.location} ${f.message}`).join('\n'), (e: VerifyBudgetError) => e.problems.map((p) => `${p.location} ${p.message}`).join('\n'));
    expect(outcome).toMatch(new RegExp(`0001_sleep\\.sql(:\\d+:\\d+)? .*(statement timeout|verification stopped)`));
  }, 120_000);
});
