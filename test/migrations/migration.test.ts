import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitvault } from '../../apps/bitvault/bitvault.js';
import { Environment } from '../../lib/core/environment.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { STAGE_WAVES } from '../../lib/gitops/argocd/argocd-target.js';
import { Migration } from '../../lib/migrations/migration.js';
import { MigrationRunner } from '../../lib/migrations/migration-runner.js';
import { checkMigrations } from '../../lib/migrations/synth-check.js';
import { DeliveryStage } from '../../lib/platform/output-folder.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize, SynthesizedObject, toYaml } from '../../lib/synth/synthesizer.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';

let objects: SynthesizedObject[];
beforeAll(() => {
  const app = new App();
  bitvault(app);
  objects = synthesize(app);
});
const find = (env: string, kind: string, name: string) => objects.find((o) => o.path.startsWith(`bitvault/${env}/`) && o.manifest.kind === kind && o.manifest.metadata.name === name)!;

describe('the bitvaultd Migration', () => {
  it.each(['dev', 'staging', 'prod'])('%s: a PreSync hook Job in wave 0 that Argo CD deletes before re-creating, bounded, never TTL-deleted', (env) => {
    const job = find(env, 'Job', 'bitvaultd-migrate');
    expect(job.path).toBe(`bitvault/${env}/bitvaultd-migrations/job-bitvaultd-migrate.yaml`);
    expect(job.manifest.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '0',
    });
    expect(job.manifest.spec.backoffLimit).toBe(2);
    expect(job.manifest.spec.activeDeadlineSeconds).toBe(1800);
    expect(job.manifest.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(job.manifest.spec.template.spec.restartPolicy).toBe('Never');
  });

  it.each([['dev', 'Deployment'], ['staging', 'Deployment'], ['prod', 'Rollout']])('%s: runs the release image, the same digest as bitvaultd', (env, kind) => {
    const job = find(env, 'Job', 'bitvaultd-migrate').manifest.spec.template.spec;
    const app = find(env, kind, 'bitvaultd').manifest.spec.template.spec;
    expect(job.containers[0].image).toBe(app.containers[0].image);
    expect(job.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(job.containers[0].command).toEqual(['bitvaultd', 'migrate', 'up']);
  });

  it('sets lock_timeout and statement_timeout for the session, reads credentials by reference, and runs restricted', () => {
    const pod = find('prod', 'Job', 'bitvaultd-migrate').manifest.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env.PGOPTIONS).toBe('-c lock_timeout=5000 -c statement_timeout=900000');
    expect(env.DATABASE_URL).toEqual({ name: 'postgres-app', key: 'uri' });
    expect(env.PGPASSWORD).toEqual({ name: 'postgres-app', key: 'password' });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(objects.some((o) => o.manifest.kind === 'Secret')).toBe(false);
  });

  it('runs after the database and before every app that uses it', () => {
    expect(find('prod', 'Job', 'bitvaultd-migrate').stage).toBe(DeliveryStage.MIGRATION);
    expect(find('prod', 'Cluster', 'postgres').stage).toBe(DeliveryStage.DATA);
    for (const [kind, name] of [['Rollout', 'bitvaultd'], ['Deployment', 'workers']]) expect(find('prod', kind, name).stage).toBe(DeliveryStage.APP);
    const wave = (name: string) => Number(objects.find((o) => o.path === `bitvault/prod/argocd/application-bitvault-prod-${name}.yaml`)!.manifest.metadata.annotations['argocd.argoproj.io/sync-wave']);
    expect(wave('bitvaultd-migrations')).toBe(STAGE_WAVES.migration);
    expect(wave('postgres')).toBeLessThan(wave('bitvaultd-migrations'));
    for (const app of ['bitvaultd', 'workers', 'gateway', 'bitvault-web']) expect(wave('bitvaultd-migrations')).toBeLessThan(wave(app));
  });
});

// A small platform whose migrations live in a temporary git repository.
function platformWith(migrationsDir: string, image: string) {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
  platform.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
    const api = new StatelessService(env, 'api', { image, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    const worker = new QueueWorker(env, 'worker', { image: DIGEST_IMAGE });
    new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir, usedBy: [api, worker] });
  });
  return app;
}

describe('migration checks at synth', () => {
  const OLD = `ghcr.io/acme/api@sha256:${'1'.repeat(64)}`;
  const NEW = `ghcr.io/acme/api@sha256:${'2'.repeat(64)}`;
  let repo: string;

  beforeAll(() => {
    // GIVEN a repository whose last commit shipped one expand migration and the api at OLD
    repo = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-migrations-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 'ci@example.com');
    git('config', 'user.name', 'ci');
    mkdirSync(join(repo, 'migrations'));
    writeFileSync(join(repo, 'migrations', '0001_accounts.sql'), "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nCREATE TABLE IF NOT EXISTS accounts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, owner_name text);\n");
    const app = platformWith(join(repo, 'migrations'), OLD);
    for (const o of synthesize(app)) {
      mkdirSync(join(repo, 'dist', o.path, '..'), { recursive: true });
      writeFileSync(join(repo, 'dist', o.path), toYaml(o.manifest));
    }
    git('add', '-A');
    git('commit', '-qm', 'release 1');
    // WHEN the next release adds a contract migration
    writeFileSync(join(repo, 'migrations', '0002_drop_owner_name.sql'), "-- migration: contract\nSET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;\n");
  });

  async function check(image: string) {
    const app = platformWith(join(repo, 'migrations'), image);
    return checkMigrations(app, synthesize(app), { outdir: join(repo, 'dist'), baseRef: 'HEAD' });
  }

  it('rejects a contract migration that ships with an image change of a workload using the database', async () => {
    const findings = await check(NEW);
    expect(findings.map((f) => [f.location.replace(repo, '<repo>'), f.rule])).toEqual([['shop/prod/api-migrations: <repo>/migrations/0002_drop_owner_name.sql:1:1', 'migration/contract-with-image-change']]);
    expect(findings[0].message).toContain('Rollout/shop-prod/api/api');
  });

  it('accepts the same contract migration when no image changes', async () => {
    expect(await check(OLD)).toEqual([]);
  });

  it('reports SQL that does not parse, with the position, at the construct', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-broken-'));
    writeFileSync(join(broken, '0001_broken.sql'), 'ALTER TABLE accounts ADD COLUMN;\n');
    const app = platformWith(broken, OLD);
    const findings = await checkMigrations(app, synthesize(app), { outdir: join(broken, 'dist') });
    expect(findings).toEqual([expect.objectContaining({ rule: 'migration/input', field: 'migrationsDir' })]);
    expect(findings[0].location).toMatch(/^shop\/prod\/api-migrations: .*0001_broken\.sql:1:\d+$/);
  });

  it('reports invalid props at the construct path', () => {
    const findings = synthFindings(() => {
      const app = new App();
      const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
      platform.forEachEnvironment((env) => {
        const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
        const api = new StatelessService(env, 'api', { image: OLD, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
        new Migration(env, 'api-migrations', { database: db, release: api, runner: MigrationRunner.command([]), migrationsDir: join(repo, 'nope'), backoffLimit: 9, activeDeadlineSeconds: 600 });
      });
      synthesize(app);
    });
    expect(findings.map((f) => [f.location, f.field])).toEqual([
      ['shop/prod/api-migrations', 'runner'],
      ['shop/prod/api-migrations', 'migrationsDir'],
      ['shop/prod/api-migrations', 'backoffLimit'],
      ['shop/prod/api-migrations', 'activeDeadlineSeconds'],
    ]);
    expect(findings[3].message).toBe('must be a whole number above the statement timeout (900s), or the Job is killed mid-statement');
  });
});
