import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { Migration } from '../../lib/migrations/migration.js';
import { checkMigrations } from '../../lib/migrations/synth-check.js';
import { pgliteFactory } from '../../lib/migrations/verify/index.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize, toYaml } from '../../lib/synth/synthesizer.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';

const OLD = `ghcr.io/acme/api@sha256:${'1'.repeat(64)}`;
const NEW = `ghcr.io/acme/api@sha256:${'2'.repeat(64)}`;
const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";

function platformWith(migrationsDir: string, image: string, verify?: boolean) {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.dev(), Environment.prod()] });
  platform.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
    const api = new StatelessService(env, 'api', { image, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir, verify });
  });
  return app;
}

// Every engine the synth opens is a real PGlite, counted.
const factory = pgliteFactory();
let opened = 0;
const engine = () => {
  opened++;
  return factory();
};

describe('synth-time verification of a Migration', () => {
  let repo: string;
  const migrations = () => join(repo, 'migrations');
  const write = (name: string, sql: string) => writeFileSync(join(migrations(), name), sql);

  beforeAll(() => {
    // GIVEN a repository whose last commit shipped release 1 (accounts with owner_name) with the api at OLD
    repo = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-verify-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    mkdirSync(migrations());
    write('0001_accounts.sql', `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner_name text);\n`);
    const app = platformWith(migrations(), OLD);
    for (const o of synthesize(app)) {
      mkdirSync(join(repo, 'dist', o.path, '..'), { recursive: true });
      writeFileSync(join(repo, 'dist', o.path), toYaml(o.manifest));
    }
    git('add', '-A');
    git('commit', '-qm', 'release 1');
  });

  async function check(image: string, verify?: boolean) {
    const app = platformWith(migrations(), image, verify);
    opened = 0;
    const findings = await checkMigrations(app, synthesize(app), { outdir: join(repo, 'dist'), baseRef: 'HEAD', engine });
    return { findings: findings.map((f) => [f.location.replace(repo, '<repo>'), f.rule]), opened };
  }

  it('GIVEN migrations unchanged since the committed release WHEN synthesized THEN no database is started', async () => {
    // WHEN
    const result = await check(OLD);
    // THEN
    expect(result).toEqual({ findings: [], opened: 0 });
  });

  it('GIVEN a new migration whose DO block drops a column, not marked contract WHEN synthesized THEN execution finds the contract in every environment, on one database', async () => {
    // GIVEN
    write('0002_cleanup.sql', `${TIMEOUTS}DO $$ BEGIN EXECUTE 'ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name'; END $$;\n`);
    // WHEN
    const result = await check(NEW);
    // THEN the release rule applies too: it ships with the api's new image. (Where the statement
    // classifier also flags the statement, its contract-unmarked finding stands in for schema-contract.)
    expect(result.opened).toBe(1);
    for (const env of ['dev', 'prod']) {
      const here = result.findings.filter((f) => f[0] === `shop/${env}/api-migrations: <repo>/migrations/0002_cleanup.sql:3:1`).map((f) => f[1]);
      expect(here).toContain('migration/contract-with-image-change');
      expect(here.filter((r) => r === 'migration/schema-contract' || r === 'migration/contract-unmarked')).toHaveLength(1);
    }
    expect(result.findings).toHaveLength(4);
  });

  it('GIVEN the same migration with verify: false WHEN synthesized THEN no database is started and only the linter judges', async () => {
    // WHEN
    const result = await check(OLD, false);
    // THEN
    expect(result.opened).toBe(0);
    expect(result.findings.map((f) => f[1])).not.toContain('migration/schema-contract');
  });

  it('GIVEN a new migration that is not idempotent WHEN synthesized THEN the synth fails with the database\'s error', async () => {
    // GIVEN
    write('0002_cleanup.sql', `${TIMEOUTS}CREATE TABLE plans (id int PRIMARY KEY);\n`);
    // WHEN
    const app = platformWith(migrations(), OLD);
    const findings = await checkMigrations(app, synthesize(app), { outdir: join(repo, 'dist'), baseRef: 'HEAD', engine });
    // THEN
    expect(findings.filter((f) => f.rule === 'migration/rerun-failed').map((f) => [f.location.replace(repo, '<repo>'), f.message.replace(/^.*: ERROR/, 'ERROR')])).toEqual([
      ['shop/dev/api-migrations: <repo>/migrations/0002_cleanup.sql:3:1', 'ERROR 42P07: relation "plans" already exists'],
      ['shop/prod/api-migrations: <repo>/migrations/0002_cleanup.sql:3:1', 'ERROR 42P07: relation "plans" already exists'],
    ]);
  });
});
