import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MigrationInputError } from '../../../lib/migrations/checker/index.js';
import { connectServer, lintAndVerifyMigrations } from '../../../lib/migrations/verify/index.js';
import { TIMEOUTS, migrationsDir } from '../checker/helpers.js';
import { bitvaultdFiles, release } from './helpers.js';
import { type TestServer, startTestServer } from './postgres-server.js';

// Debian's postgresql, started by this file on 127.0.0.1 and stopped by PID: the --database-url path.
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function scratchDatabases(): Promise<string[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'cdk8s\\_delivery\\_verify\\_%'")).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('--database-url: the same checks on a real PostgreSQL server', () => {
  it('GIVEN a non-idempotent CREATE TABLE WHEN verified on the server THEN the rerun fails with the server\'s error, and the scratch database is gone afterwards', async () => {
    // GIVEN
    const dir = migrationsDir({ '0001_plans.sql': `${TIMEOUTS}CREATE TABLE plans (id int PRIMARY KEY);\n` });
    // WHEN
    const { findings, verify } = await lintAndVerifyMigrations(dir, { databaseUrl: server.leastPrivilegeUrl });
    // THEN
    expect(verify.engine).toMatch(/^postgres:\/\/cdk8s_delivery_verify@127\.0\.0\.1:\d+ \(PostgreSQL \d+\.\d+.*, scratch database cdk8s_delivery_verify_\d{10,}_[0-9a-f]{12}\)$/);
    expect(findings.filter((f) => f.rule === 'migration/rerun-failed')).toEqual([expect.objectContaining({
      location: `${dir}/0001_plans.sql:3:1`,
      message: expect.stringContaining('ERROR 42P07: relation "plans" already exists'),
    })]);
    expect(await scratchDatabases()).toEqual([]);
  });

  it('GIVEN the bitvaultd contract release WHEN verified on the server THEN the dropped column is found by the schema diff, as on PGlite', async () => {
    // GIVEN
    const files = bitvaultdFiles();
    const names = Object.keys(files);
    const previous = release(Object.fromEntries(names.slice(0, 3).map((n) => [n, files[n]])));
    // WHEN
    const { findings, verify } = await lintAndVerifyMigrations(migrationsDir(files), { previous, current: { images: {} }, databaseUrl: server.leastPrivilegeUrl });
    // THEN
    expect(findings).toEqual([]);
    expect(verify.previousMigrations).toEqual(names.slice(0, 3));
    expect(verify.contracts.map((c) => [c.name, c.changes.map((x) => x.object)])).toEqual([[names[3], ['column public.accounts.owner_name']]]);
    expect(verify.rerunDiff).toEqual([]);
  });

  it('GIVEN a server that refuses the connection WHEN connecting THEN it is an input error that shows the URL without its password', async () => {
    // GIVEN a port nothing listens on (ours, with the server's port + 1 taken as unlikely)
    const url = server.url.replace('verify@', 'verify:s3cret@').replace(/:(\d+)\//, (_, p) => `:${Number(p) === 1 ? 2 : 1}/`);
    // WHEN
    const run = connectServer(url);
    // THEN
    await expect(run).rejects.toThrow(MigrationInputError);
    await expect(run).rejects.toThrow(/^postgres:\/\/verify:\*\*\*@127\.0\.0\.1:\d\/postgres: cannot connect to the database server/);
  });
});
