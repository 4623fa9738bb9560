// Issue 21: the SQL travels with the manifests and the Job's own command applies it on a real PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { type JobRun, materialise, runJob, type SynthesizedJob, synthJob, type TestDatabase } from './runner/job-runner.js';
import { startTestServer, type TestServer } from './verify/postgres-server.js';

const BITVAULT = 'apps/bitvault/migrations/bitvaultd';
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

let server: TestServer;
let work: string;
let databases = 0;

beforeAll(async () => {
  server = await startTestServer();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-runner-'));
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** A fresh database on the test server, and a client on it. */
async function freshDatabase(): Promise<{ database: TestDatabase; client: pg.Client }> {
  const name = `runner_${++databases}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  const database = { host: url.hostname, port: url.port, dbname: name, username: url.username, password: '' };
  const client = new pg.Client({ host: database.host, port: Number(database.port), database: name, user: database.username });
  await client.connect();
  return { database, client };
}

/** A migrations directory holding these files. */
function migrationsDir(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

const bitvaultFile = (name: string) => fs.readFileSync(path.join(BITVAULT, name), 'utf8');

/** Synthesizes the Job, mounts its ConfigMaps into a fresh directory, and runs it. */
async function deliverAndRun(dir: string, database: TestDatabase): Promise<{ run: JobRun; synthesized: SynthesizedJob }> {
  const synthesized = synthJob(dir);
  const mount = path.join(work, `mount-${path.basename(dir)}-${Math.random().toString(36).slice(2)}`);
  materialise(synthesized, mount);
  return { run: await runJob(synthesized, mount, database), synthesized };
}

async function columns(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY column_name", [table]);
  return rows.map((r) => r.column_name);
}

async function history(client: pg.Client): Promise<{ version: string; checksum: string; in_transaction: boolean }[]> {
  const { rows } = await client.query('SELECT version, checksum, in_transaction FROM cdk8s_delivery.schema_migrations ORDER BY version');
  return rows;
}

/** The schema (tables, columns, indexes with validity) and the history: what a rerun must not change. */
async function state(client: pg.Client): Promise<unknown> {
  const tables = await client.query("SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2");
  const indexes = await client.query("SELECT c.relname, i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1");
  const applied = await client.query('SELECT version, checksum, in_transaction, applied_at FROM cdk8s_delivery.schema_migrations ORDER BY version');
  return { tables: tables.rows, indexes: indexes.rows, applied: applied.rows };
}

describe('the psql runner on PostgreSQL, run with the Job\'s own command', () => {
  it('GIVEN the README\'s worked example WHEN expand, migrate code, then contract ship THEN each release applies what it added, the contract drops the old column, and a rerun changes nothing', async () => {
    const { database, client } = await freshDatabase();
    try {
      // Releases 1-3 (expand): 0001-0003.
      const files: Record<string, string> = {};
      for (const name of ['0001_create_accounts_and_vault_entries.sql', '0002_index_vault_entries_account_id.sql', '0003_add_accounts_display_name.sql']) files[name] = bitvaultFile(name);
      const dir = migrationsDir('worked-example', files);
      const expand = await deliverAndRun(dir, database);
      expect(expand.run.stderr).toBe('');
      expect(expand.run.code).toBe(0);
      expect(await columns(client, 'accounts')).toEqual(['created_at', 'display_name', 'id', 'owner_name']);
      expect((await history(client)).map((h) => [h.version, h.in_transaction])).toEqual([
        ['0001_create_accounts_and_vault_entries.sql', true],
        ['0002_index_vault_entries_account_id.sql', false], // CREATE INDEX CONCURRENTLY: outside a transaction
        ['0003_add_accounts_display_name.sql', true],
      ]);
      const index = await client.query("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'vault_entries_account_id_idx'");
      expect(index.rows).toEqual([{ indisvalid: true }]);
      await client.query("INSERT INTO accounts (owner_name, display_name) VALUES ('alice', 'Alice')");

      // Release 4 (migrate code): a new image, no migration: the delivered SQL is the same objects, byte for byte.
      const code = synthJob(dir);
      expect(code.configMaps.map((c) => toYaml(c))).toEqual(expand.synthesized.configMaps.map((c) => toYaml(c)));

      // Release 5 (contract): 0004 alone.
      fs.writeFileSync(path.join(dir, '0004_drop_accounts_owner_name.sql'), bitvaultFile('0004_drop_accounts_owner_name.sql'));
      const contract = await deliverAndRun(dir, database);
      expect(contract.run.code).toBe(0);
      expect(contract.run.stdout).toContain('cdk8s-delivery: applying 0004_drop_accounts_owner_name.sql');
      expect(contract.run.stdout).toContain('cdk8s-delivery: 0003_add_accounts_display_name.sql already applied');
      expect(contract.synthesized.configMaps.map((c) => c.metadata.name)).not.toEqual(expand.synthesized.configMaps.map((c) => c.metadata.name));
      expect(await columns(client, 'accounts')).toEqual(['created_at', 'display_name', 'id']);
      expect((await client.query('SELECT display_name FROM accounts')).rows).toEqual([{ display_name: 'Alice' }]);
      const sha256 = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(path.join(dir, '0004_drop_accounts_owner_name.sql'))).digest('hex');
      expect((await history(client)).at(-1)).toEqual({ version: '0004_drop_accounts_owner_name.sql', checksum: sha256, in_transaction: true });

      // Argo CD reruns the hook on every sync: nothing changes.
      const before = await state(client);
      const rerun = await deliverAndRun(dir, database);
      expect(rerun.run.code).toBe(0);
      expect(rerun.run.stdout).not.toContain('applying');
      expect(await state(client)).toEqual(before);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('GIVEN an applied migration WHEN its text changes THEN the run fails before applying anything, naming the file and both checksums', async () => {
    const { database, client } = await freshDatabase();
    try {
      const dir = migrationsDir('edited', { '0001_accounts.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\n` });
      expect((await deliverAndRun(dir, database)).run.code).toBe(0);
      const applied = (await history(client))[0]!.checksum;
      fs.writeFileSync(path.join(dir, '0001_accounts.sql'), `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, email text);\n`);
      fs.writeFileSync(path.join(dir, '0002_plans.sql'), `${TIMEOUTS}CREATE TABLE IF NOT EXISTS plans (id bigint PRIMARY KEY);\n`);
      const { run } = await deliverAndRun(dir, database);
      expect(run.code).toBe(3); // psql: an error in the script with ON_ERROR_STOP
      expect(run.stderr).toMatch(new RegExp(`cdk8s-delivery: applied migrations were changed since: 0001_accounts\\.sql \\(applied with sha256 ${applied}, delivered with [0-9a-f]{64}\\)`));
      expect(run.stderr).toContain('HINT:  a shipped migration is never edited');
      expect((await history(client)).map((h) => h.version)).toEqual(['0001_accounts.sql']);
      expect((await client.query("SELECT to_regclass('public.plans') AS t")).rows).toEqual([{ t: null }]);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('GIVEN a file that fails part-way WHEN the Job runs THEN the files before it stay applied, the failing one leaves nothing and is not recorded, and the Job fails', async () => {
    const { database, client } = await freshDatabase();
    try {
      const dir = migrationsDir('failing', {
        '0001_accounts.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY)`, // no final semicolon: psql runs it at the end of the file
        '0002_plans.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS plans (id bigint PRIMARY KEY);\n`,
        '0003_broken.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\nALTER TABLE missing ADD COLUMN IF NOT EXISTS note text;\n`,
        '0004_later.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS later (id bigint PRIMARY KEY);\n`,
      });
      const { run } = await deliverAndRun(dir, database);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('relation "missing" does not exist');
      expect((await history(client)).map((h) => h.version)).toEqual(['0001_accounts.sql', '0002_plans.sql']);
      const exists = async (t: string) => (await client.query('SELECT to_regclass($1) IS NOT NULL AS e', [`public.${t}`])).rows[0].e;
      expect([await exists('accounts'), await exists('plans'), await exists('invoices'), await exists('later')]).toEqual([true, true, false, false]);

      // Fixed in a later commit (the file was never applied, so it may still change): the next sync applies 0003 and 0004.
      fs.writeFileSync(path.join(dir, '0003_broken.sql'), `${TIMEOUTS}CREATE TABLE IF NOT EXISTS invoices (id bigint PRIMARY KEY);\n`);
      expect((await deliverAndRun(dir, database)).run.code).toBe(0);
      expect((await history(client)).map((h) => h.version)).toEqual(['0001_accounts.sql', '0002_plans.sql', '0003_broken.sql', '0004_later.sql']);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('GIVEN two runners started together WHEN one holds the advisory lock THEN the other waits for it and then applies nothing', async () => {
    const { database, client } = await freshDatabase();
    try {
      const dir = migrationsDir('concurrent', {
        '0001_log.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS runs (at timestamptz NOT NULL DEFAULT clock_timestamp());\n`,
        // Not idempotent on purpose: applied twice it would leave two rows.
        '0002_record.sql': `${TIMEOUTS}INSERT INTO runs DEFAULT VALUES;\n`,
      });
      const synthesized = synthJob(dir);
      const mount = path.join(work, 'mount-concurrent');
      materialise(synthesized, mount);
      // The test holds the lock first, so both runners are certainly waiting at once.
      await client.query('SELECT pg_advisory_lock(1845738660954244059)');
      const first = runJob(synthesized, mount, database);
      const second = runJob(synthesized, mount, database);
      for (let waiting = 0; waiting < 2;) {
        await new Promise((r) => setTimeout(r, 100));
        waiting = Number((await client.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n);
      }
      await client.query('SELECT pg_advisory_unlock(1845738660954244059)');
      const runs = await Promise.all([first, second]);
      expect(runs.map((r) => r.code)).toEqual([0, 0]);
      const applying = runs.map((r) => (r.stdout.match(/applying/g) ?? []).length).sort();
      expect(applying).toEqual([0, 2]);
      expect(Number((await client.query('SELECT count(*) AS n FROM runs')).rows[0].n)).toBe(1);
      expect((await history(client)).map((h) => h.version)).toEqual(['0001_log.sql', '0002_record.sql']);
    } finally {
      await client.end();
    }
  }, 60_000);

  it('GIVEN a concurrent index build that fails WHEN the Job is retried THEN the INVALID index it left is an error, not recorded as applied', async () => {
    const { database, client } = await freshDatabase();
    try {
      await client.query('CREATE TABLE emails (address text); INSERT INTO emails VALUES ($$a@example.com$$), ($$a@example.com$$)');
      const dir = migrationsDir('invalid-index', {
        '0001_unique_email.sql': `${TIMEOUTS}CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS emails_address_key ON emails (address);\n`,
      });
      const first = await deliverAndRun(dir, database);
      expect(first.run.code).toBe(3);
      expect(first.run.stderr).toContain('could not create unique index "emails_address_key"');
      // The retry: IF NOT EXISTS skips the INVALID index the failed build left.
      const retry = await deliverAndRun(dir, database);
      expect(retry.run.code).toBe(3);
      expect(retry.run.stderr).toContain('cdk8s-delivery: 0001_unique_email.sql leaves INVALID index public.emails_address_key');
      expect(await history(client)).toEqual([]);
    } finally {
      await client.end();
    }
  }, 60_000);
});
