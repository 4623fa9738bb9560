import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationInputError } from '../../../lib/migrations/checker/index.js';
import { SCRATCH_PREFIX, connectServer, lintAndVerifyMigrations } from '../../../lib/migrations/verify/index.js';
import { TIMEOUTS, migrationsDir } from '../checker/helpers.js';
import { type TestServer, startTestServer } from './postgres-server.js';

/**
 * Issue 26, defect 3: `--database-url` leaves the server as it found it — a role that could reach beyond
 * the scratch database is refused unless the user says --allow-superuser, the scratch database is dropped
 * on SIGINT/SIGTERM, and what a killed run left behind is swept by the next one (only the tool's own).
 * On Debian's PostgreSQL, started by this file as server.test.ts does.
 */

const BIN = path.resolve(import.meta.dirname, '../../../bin/cdk8s-delivery.mjs');
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

const scratchDatabases = async () => (await sql<{ datname: string }>(server.url, "SELECT datname FROM pg_database WHERE datname LIKE 'cdk8s\\_delivery\\_verify\\_%' ORDER BY 1")).map((r) => r.datname);
const urlAs = (role: string) => server.url.replace('verify@', `${role}@`);

describe('--database-url refuses a role that reaches beyond the scratch database', () => {
  it('GIVEN a superuser URL WHEN verifying THEN it is refused with the reason and the fix, and nothing is created', async () => {
    const run = connectServer(server.url);
    await expect(run).rejects.toThrow(MigrationInputError);
    await expect(run).rejects.toThrow(/the role verify has SUPERUSER: .*COPY … FROM PROGRAM.*least-privilege role.*--allow-superuser/);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('GIVEN a CREATEROLE role and a pg_execute_server_program member WHEN verifying THEN both are refused, naming the power', async () => {
    await sql(server.url, 'CREATE ROLE roles_maker LOGIN CREATEDB CREATEROLE; CREATE ROLE program_runner LOGIN CREATEDB; GRANT pg_execute_server_program TO program_runner');
    await expect(connectServer(urlAs('roles_maker'))).rejects.toThrow(/the role roles_maker has CREATEROLE:/);
    await expect(connectServer(urlAs('program_runner'))).rejects.toThrow(/the role program_runner has pg_execute_server_program:/);
  });

  it('GIVEN a superuser URL and --allow-superuser WHEN verifying THEN it runs, and the scratch database is gone afterwards', async () => {
    const dir = migrationsDir({ '0001_plans.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS plans (id bigint PRIMARY KEY);\n` });
    const { findings } = await lintAndVerifyMigrations(dir, { databaseUrl: server.url, allowSuperuser: true });
    expect(findings).toEqual([]);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('GIVEN a migration with COPY … FROM PROGRAM WHEN verified on the server THEN it is never run: a server-access finding, and the apply stops there', async () => {
    const dir = migrationsDir({ '0001_program.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS out (line text);\nCOPY out FROM PROGRAM 'touch /tmp/cdk8s-delivery-pwned';\n` });
    const { findings } = await lintAndVerifyMigrations(dir, { databaseUrl: server.url, allowSuperuser: true });
    expect(findings.map((f) => f.rule).sort()).toEqual(['migration/apply-failed', 'migration/server-access']);
    expect(findings.find((f) => f.rule === 'migration/apply-failed')!.message).toMatch(/not run: COPY … PROGRAM would run "touch \/tmp\/cdk8s-delivery-pwned" on the database host/);
    expect(existsSync('/tmp/cdk8s-delivery-pwned')).toBe(false);
  });
});

describe('--database-url drops its scratch database', () => {
  it('GIVEN scratch databases left by killed runs WHEN the next run connects THEN only the tool\'s own old ones (name, comment, owner) are dropped', async () => {
    const old = Math.floor(Date.now() / 1000) - 7200;
    const comment = (await import('../../../lib/migrations/verify/server-engine.js')).SCRATCH_COMMENT;
    const ours = `${SCRATCH_PREFIX}${old}_aaaaaaaaaaaa`;
    const recent = `${SCRATCH_PREFIX}${old + 7000}_bbbbbbbbbbbb`;
    const uncommented = `${SCRATCH_PREFIX}${old}_cccccccccccc`;
    const someoneElses = `${SCRATCH_PREFIX}${old}_dddddddddddd`;
    for (const name of [ours, recent, uncommented]) await sql(server.leastPrivilegeUrl, `CREATE DATABASE ${name}`);
    await sql(server.url, `CREATE DATABASE ${someoneElses}`);
    for (const name of [ours, recent, someoneElses]) await sql(server.url, `COMMENT ON DATABASE ${name} IS '${comment}'`);
    // WHEN
    const engine = await connectServer(server.leastPrivilegeUrl);
    await engine.close();
    // THEN
    expect(await scratchDatabases()).toEqual([recent, uncommented, someoneElses].sort());
    for (const name of [recent, uncommented, someoneElses]) await sql(server.url, `DROP DATABASE ${name}`);
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`GIVEN a verification running on the server WHEN the CLI gets ${signal} THEN it drops the scratch database and exits ${signal === 'SIGINT' ? 130 : 143}`, async () => {
      const dir = migrationsDir({ '0001_sleep.sql': `${TIMEOUTS}SELECT pg_sleep(600);\n` });
      const before = await scratchDatabases();
      const child = spawn(process.execPath, [BIN, 'lint-migrations', dir, '--verify', '--database-url', server.leastPrivilegeUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c) => (stderr += c));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Wait for the scratch database and its session's pg_sleep.
      const deadline = Date.now() + 90_000;
      while ((await sql(server.url, "SELECT 1 FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(600)%'")).length === 0) {
        if (Date.now() > deadline) throw new Error(`the verification did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect((await scratchDatabases()).filter((d) => !before.includes(d))).toHaveLength(1);
      child.kill(signal);
      expect(await exited).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(stderr).toContain(`interrupted (${signal}); the scratch database was dropped`);
      expect(await scratchDatabases()).toEqual(before);
    }, 120_000);
  }
});
