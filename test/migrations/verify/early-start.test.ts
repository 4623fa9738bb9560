import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Environment } from '../../../lib/core/environment.js';
import { PostgresBackup } from '../../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../../lib/data/postgres/postgres-cluster.js';
import { listenForMigrations } from '../../../lib/migrations/constructed.js';
import { Migration } from '../../../lib/migrations/migration.js';
import { verifyAppMigrations } from '../../../lib/migrations/synth-check.js';
import { EarlyVerification } from '../../../lib/migrations/verify/early-start.js';
import type { KillableEngine } from '../../../lib/migrations/verify/budget.js';
import { type EarlyPglite, startPglite } from '../../../lib/migrations/verify/pglite-engine.js';
import { Platform } from '../../../lib/platform/platform.js';
import { Probe } from '../../../lib/pod/probe.js';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';

const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

/** A start counted, its child a fake one: what EarlyVerification decides, not what PGlite does. */
function countedStart() {
  const calls = { started: 0, discarded: 0 };
  const start = (): EarlyPglite => {
    calls.started++;
    return { take: () => undefined, discard: async () => { calls.discarded++; } };
  };
  return { calls, start };
}

/** Whether a synth starting now would start the child early (a Migration of `dir` constructed). */
function startsEarly(m: { verify?: boolean } = {}): number {
  const { calls, start } = countedStart();
  new EarlyVerification(start).consider({ migrationsDir: dir, verify: m.verify ?? true });
  return calls.started;
}

/** A synth of `dir`'s files whose verification ran on PGlite, was read from the cache, or had nothing to verify. */
async function lastSynth(outcome: 'ran' | 'cached' | 'none'): Promise<void> {
  const early = new EarlyVerification(countedStart().start);
  early.consider({ migrationsDir: dir, verify: true });
  await early.settled({ verified: new Set(outcome === 'none' ? [] : [dir]), ran: new Set(outcome === 'ran' ? [dir] : []) });
}

const env = { ...process.env };
// One cache folder for the file (PGlite's template is made there once: initdb takes seconds); each test starts with
// no markers and the cache private to the user.
const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'early-start-cache-'));
let dir: string;
beforeEach(() => {
  process.env.XDG_CACHE_HOME = cache;
  delete process.env.CDK8S_DELIVERY_VERIFY_CACHE;
  delete process.env.CDK8S_DELIVERY_PGLITE_EARLY;
  fs.rmSync(path.join(cache, 'cdk8s-delivery', 'pglite-early'), { recursive: true, force: true });
  fs.chmodSync(cache, 0o700);
  if (fs.existsSync(path.join(cache, 'cdk8s-delivery'))) fs.chmodSync(path.join(cache, 'cdk8s-delivery'), 0o700);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'early-start-sql-'));
  fs.writeFileSync(path.join(dir, '0001_items.sql'), `${TIMEOUTS}CREATE TABLE IF NOT EXISTS items (id bigint);\n`);
});
afterEach(() => {
  process.env = { ...env };
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

describe('EarlyVerification: whether PGlite starts while the app is built', () => {
  it('GIVEN migration files never synthesized here WHEN the first Migration is constructed THEN the child starts, once for all Migrations', async () => {
    const { calls, start } = countedStart();
    const early = new EarlyVerification(start);
    early.consider({ migrationsDir: dir, verify: true });
    early.consider({ migrationsDir: dir, verify: true });
    expect(calls.started).toBe(1);
    // AND an unused child is discarded once the verification is done
    await early.settled({ verified: new Set(), ran: new Set() });
    expect(calls.discarded).toBe(1);
  });

  it('GIVEN the last synth of the same files verified them (on PGlite, result stored, or from the cache) WHEN synthesized again THEN it starts early only with the verification cache off', async () => {
    for (const outcome of ['ran', 'cached'] as const) {
      await lastSynth(outcome);
      expect(startsEarly()).toBe(0);
      process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
      expect(startsEarly()).toBe(1);
      delete process.env.CDK8S_DELIVERY_VERIFY_CACHE;
    }
  });

  it('GIVEN the last synth ran PGlite with the verification cache off (nothing stored) WHEN synthesized with the cache on THEN it starts early; a later cached synth does not hide a cold one', async () => {
    process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
    await lastSynth('ran');
    delete process.env.CDK8S_DELIVERY_VERIFY_CACHE;
    expect(startsEarly()).toBe(1);
    // AND the bench's order: cold runs, then a synth whose verification is cached, then a cold run again
    await lastSynth('cached');
    process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
    expect(startsEarly()).toBe(1);
  });

  it('GIVEN the last synth of the same files had nothing to verify (unchanged since the base ref) THEN it does not start early, even with the cache off; a changed file does', async () => {
    await lastSynth('none');
    process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
    expect(startsEarly()).toBe(0);
    // WHEN a migration is added
    fs.writeFileSync(path.join(dir, '0002_more.sql'), `${TIMEOUTS}ALTER TABLE items ADD COLUMN IF NOT EXISTS name text;\n`);
    expect(startsEarly()).toBe(1);
  });

  it('GIVEN no marker and a folder exactly as committed in git (a fresh clone) THEN it does not start early; an edited file does', () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'release 1');
    expect(startsEarly()).toBe(0);
    fs.appendFileSync(path.join(dir, '0001_items.sql'), 'CREATE INDEX IF NOT EXISTS items_id ON items (id);\n');
    expect(startsEarly()).toBe(1);
  });

  it('GIVEN verify: false, CDK8S_DELIVERY_PGLITE_EARLY=off, or no Migration THEN nothing starts', async () => {
    expect(startsEarly({ verify: false })).toBe(0);
    process.env.CDK8S_DELIVERY_PGLITE_EARLY = 'off';
    expect(startsEarly()).toBe(0);
    delete process.env.CDK8S_DELIVERY_PGLITE_EARLY;
    const c = countedStart();
    const early = new EarlyVerification(c.start);
    const stop = listenForMigrations(early.consider);
    new App(); // an app without Migrations
    stop();
    expect(c.calls.started).toBe(0);
  });

  it('GIVEN a cache folder others may write to THEN its markers are neither read nor written (every synth guesses "new")', async () => {
    fs.mkdirSync(path.join(cache, 'cdk8s-delivery'), { recursive: true });
    fs.chmodSync(path.join(cache, 'cdk8s-delivery'), 0o777);
    await lastSynth('none');
    const markers = path.join(cache, 'cdk8s-delivery', 'pglite-early');
    expect(fs.existsSync(markers) ? fs.readdirSync(markers) : []).toEqual([]);
    expect(startsEarly()).toBe(1);
  });

  it('GIVEN a Migration constructed while listening THEN it is considered with its folder', () => {
    const seen: string[] = [];
    const stop = listenForMigrations((m) => seen.push(m.migrationsDir));
    appWith(dir);
    stop();
    appWith(dir);
    expect(seen).toEqual([dir, dir]); // dev and prod, then nothing once stopped
  });
});

function appWith(migrationsDir: string) {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.prod()] });
  platform.forEachEnvironment((e) => {
    const db = new PostgresCluster(e, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
    const api = new StatelessService(e, 'api', { image: `ghcr.io/acme/api@sha256:${'1'.repeat(64)}`, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    new Migration(e, 'api-migrations', { database: db, release: api, migrationsDir });
  });
  return app;
}

describe('verifyAppMigrations with a child started early', () => {
  /** An early start whose engine is a real PGlite (started now), counted; `fails`: its start fails. */
  function realEarly(fails = false) {
    const calls = { taken: 0, discarded: 0 };
    let engine: Promise<KillableEngine> | undefined;
    const start = (): EarlyPglite => {
      engine = fails ? Promise.reject(new Error('PGlite stopped (exit code 1)')) : startPglite();
      engine.catch(() => undefined);
      return {
        take: () => { calls.taken++; return engine; },
        discard: async () => { calls.discarded++; await (await engine?.catch(() => undefined))?.kill(); },
      };
    };
    return { calls, start };
  }

  const findingsOf = async (early?: EarlyVerification) => {
    const stop = early ? listenForMigrations(early.consider) : () => undefined;
    const app = appWith(dir);
    stop();
    const checks = await verifyAppMigrations(app, { outdir: path.join(dir, 'dist'), early });
    return (await checks.findings(synthesize(app))).map((f) => [f.location.replace(dir, '<dir>'), f.rule]);
  };

  it('GIVEN a new migration that is not idempotent THEN the early engine runs the verification, with the same findings as without it; a failed early start is replaced', async () => {
    process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
    fs.writeFileSync(path.join(dir, '0002_bad.sql'), `${TIMEOUTS}CREATE TABLE items2 (id bigint);\n`);
    const without = await findingsOf();
    expect(without.map((f) => f[1])).toContain('migration/rerun-failed'); // found by running it twice on PostgreSQL
    const ok = realEarly();
    expect(await findingsOf(new EarlyVerification(ok.start))).toEqual(without);
    expect(ok.calls).toEqual({ taken: 1, discarded: 1 }); // discard after take: a no-op of the real one
    const failing = realEarly(true);
    expect(await findingsOf(new EarlyVerification(failing.start))).toEqual(without);
    expect(failing.calls.taken).toBe(1);
  });

  it('GIVEN migrations unchanged since the base ref THEN the early child is discarded unused, and the next synth does not start one', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'release 1');
    // AND the last synth of these files ran PGlite (before they were committed), the verification cache off
    await lastSynth('ran');
    process.env.CDK8S_DELIVERY_VERIFY_CACHE = 'off';
    const early = realEarly();
    expect(await findingsOf(new EarlyVerification(early.start))).toEqual([]);
    expect(early.calls).toEqual({ taken: 0, discarded: 1 });
    expect(startsEarly()).toBe(0);
  });
});
