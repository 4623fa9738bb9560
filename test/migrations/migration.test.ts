import { App } from 'cdk8s';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bitvault } from '../../apps/bitvault/bitvault.js';
import { Environment } from '../../lib/core/environment.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { STAGE_WAVES } from '../../lib/gitops/argocd/argocd-target.js';
import { Migration, MIGRATIONS_MOUNT_PATH } from '../../lib/migrations/migration.js';
import { MigrationRunner } from '../../lib/migrations/migration-runner.js';
import { checkMigrations } from '../../lib/migrations/synth-check.js';
import { DeliveryStage } from '../../lib/platform/output-folder.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize, SynthesizedObject, toYaml } from '../../lib/synth/synthesizer.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';
import { rolloutPlans } from '../../lib/review/diagrams/rollout-plan.js';
import { type Finding } from '../../lib/validation/finding.js';
import { shopWith } from './runner/job-runner.js';
import { shopApp } from '../fixtures/shop/shop.js';

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

  it.each([['dev', 'Deployment'], ['staging', 'Deployment'], ['prod', 'Rollout']])('%s: runs psql from the database\'s pinned image on the SQL delivered next to it (issue 21)', (env) => {
    const job = find(env, 'Job', 'bitvaultd-migrate').manifest.spec.template.spec;
    const cluster = find(env, 'Cluster', 'postgres').manifest.spec;
    expect(job.containers[0].image).toBe(cluster.imageName);
    expect(job.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(job.containers[0].command).toEqual(['psql', '--no-psqlrc', '--set=ON_ERROR_STOP=1', '--file=migrate.psql']);
    expect(job.containers[0].workingDir).toBe(MIGRATIONS_MOUNT_PATH);
    expect(job.containers[0].volumeMounts).toContainEqual({ name: 'migrations', mountPath: MIGRATIONS_MOUNT_PATH, readOnly: true });
    const sources = job.volumes.find((v: any) => v.name === 'migrations').projected.sources.map((s: any) => s.configMap.name);
    expect(sources).toEqual([expect.stringMatching(/^bitvaultd-migrate-sql-[0-9a-f]{10}$/)]);
    const configMap = find(env, 'ConfigMap', sources[0]);
    expect(configMap.path).toBe(`bitvault/${env}/bitvaultd-migrations/configmap-${sources[0]}.yaml`);
    expect(configMap.manifest.immutable).toBe(true);
    // Created before the Job in the same PreSync phase, replaced (not patched) by the next sync.
    expect(configMap.manifest.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '-1',
    });
    const dir = 'apps/bitvault/migrations/bitvaultd';
    const files = readdirSync(dir).sort();
    expect(Object.keys(configMap.manifest.data).sort()).toEqual([...files, 'migrate.psql'].sort());
    for (const f of files) expect(configMap.manifest.data[f]).toBe(readFileSync(join(dir, f), 'utf8'));
  });

  it('sets lock_timeout and statement_timeout for the session, reads credentials by reference, and runs restricted', () => {
    const pod = find('prod', 'Job', 'bitvaultd-migrate').manifest.spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
    expect(env.PGOPTIONS).toBe('-c lock_timeout=5000 -c statement_timeout=900000');
    expect(env.PGAPPNAME).toBe('bitvaultd-migrate');
    expect(env.PGHOST).toEqual({ name: 'postgres-app', key: 'host' });
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
function platformWith(migrationsDir: string, image: string, runner?: MigrationRunner) {
  const app = new App();
  const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
  platform.forEachEnvironment((env) => {
    const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
    const api = new StatelessService(env, 'api', { image, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    const worker = new QueueWorker(env, 'worker', { image: DIGEST_IMAGE });
    new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir, usedBy: [api, worker], runner });
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

  async function check(image: string, runner?: MigrationRunner, warnings?: Finding[]) {
    const app = platformWith(join(repo, 'migrations'), image, runner);
    return checkMigrations(app, synthesize(app), { outdir: join(repo, 'dist'), baseRef: 'HEAD', warnings });
  }

  it('GIVEN MigrationRunner.command WHEN the contract migration ships with an image change THEN the synth warns that it needs an image of its own, and does not fail', async () => {
    const warnings: Finding[] = [];
    expect(await check(NEW, MigrationRunner.command(['api', 'migrate']), warnings)).toEqual([]);
    expect(warnings.map((f) => [f.location.replace(repo, '<repo>'), f.rule])).toEqual([['shop/prod/api-migrations: <repo>/migrations/0002_drop_owner_name.sql:1:1', 'migration/contract-with-image-change']]);
    expect(warnings[0].message).toContain('with MigrationRunner.command the SQL only reaches the database inside a new image, so a contract release needs an image of its own');
  });

  it('GIVEN MigrationRunner.command WHEN the contract migration ships without an image change THEN the synth warns that it does not reach the database', async () => {
    const warnings: Finding[] = [];
    expect(await check(OLD, MigrationRunner.command(['api', 'migrate']), warnings)).toEqual([]);
    expect(warnings.map((f) => [f.location.replace(repo, '<repo>'), f.rule])).toEqual([['shop/prod/api-migrations: <repo>/migrations/0002_drop_owner_name.sql:1:1', 'migration/not-delivered']]);
  });

  it('GIVEN the psql runner WHEN a shipped migration\'s comment is edited THEN the synth fails: the runner would stop at its checksum', async () => {
    const file = join(repo, 'migrations', '0001_accounts.sql');
    const shipped = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, `-- a note added later\n${shipped}`);
      const findings = await check(OLD);
      expect(findings.map((f) => [f.location.replace(repo, '<repo>'), f.rule])).toEqual([['shop/prod/api-migrations: <repo>/migrations/0001_accounts.sql:1:1', 'migration/applied-migration-changed']]);
      expect(findings[0].message).toContain('the runner checks the sha256 of every applied file');
    } finally {
      writeFileSync(file, shipped);
    }
  });

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

describe('how the SQL reaches the database (issue 21)', () => {
  const TIMEOUTS = "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\n";
  const dirWith = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-delivered-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  // Everything synth writes to dist/: the manifests and the rollout plans (ROLLOUT-PLAN.md).
  const rendered = (dir: string) => {
    const objects = synthesize(shopWith(dir));
    return new Map([...objects.map((o): [string, string] => [o.path, toYaml(o.manifest)]), ...rolloutPlans(objects).map((p): [string, string] => [p.path, p.text])]);
  };

  it('GIVEN a release WHEN a contract migration ships alone THEN exactly the Job and its SQL ConfigMaps change in dist/, in every environment', () => {
    const dir = dirWith({ '0001_accounts.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY, owner_name text);\n` });
    const before = rendered(dir);
    writeFileSync(join(dir, '0002_drop_owner_name.sql'), `-- migration: contract\n${TIMEOUTS}ALTER TABLE accounts DROP COLUMN IF EXISTS owner_name;\n`);
    const after = rendered(dir);
    const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
    const kinds = changed.map((p) => `${p.split('/')[1]} ${p.split('/').slice(2).join('/').replace(/-sql-[0-9a-f]{10}/, '-sql-<hash>')} ${before.has(p) ? (after.has(p) ? 'changed' : 'removed') : 'added'}`);
    expect(kinds.sort()).toEqual([
      'dev api-migrations/configmap-api-migrate-sql-<hash>.yaml added',
      'dev api-migrations/configmap-api-migrate-sql-<hash>.yaml removed',
      'dev api-migrations/job-api-migrate.yaml changed',
      'prod api-migrations/configmap-api-migrate-sql-<hash>.yaml added',
      'prod api-migrations/configmap-api-migrate-sql-<hash>.yaml removed',
      'prod api-migrations/job-api-migrate.yaml changed',
    ]);
    // The Job changes only where it names the new ConfigMaps.
    const job = (m: Map<string, string>) => m.get('shop/prod/api-migrations/job-api-migrate.yaml')!.replace(/api-migrate-sql-[0-9a-f]{10}/g, 'api-migrate-sql-<hash>');
    expect(job(after)).toBe(job(before));
  });

  it('GIVEN MigrationRunner.command WHEN synthesized THEN the Job runs the release image\'s own command, with DATABASE_URL, and no SQL is delivered', () => {
    const app = new App();
    const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
    platform.forEachEnvironment((env) => {
      const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
      const api = new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
      new Migration(env, 'api-migrations', { database: db, release: api, runner: MigrationRunner.command(['api', 'migrate', 'up']), migrationsDir: dirWith({ '0001_a.sql': `${TIMEOUTS}CREATE TABLE IF NOT EXISTS a (id int);\n` }) });
    });
    const out = synthesize(app);
    const pod = out.find((o) => o.manifest.kind === 'Job')!.manifest.spec.template.spec;
    expect(pod.containers[0].image).toBe(DIGEST_IMAGE);
    expect(pod.containers[0].command).toEqual(['api', 'migrate', 'up']);
    expect(pod.containers[0].env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'db-app', key: 'uri' });
    expect(out.filter((o) => o.manifest.kind === 'ConfigMap')).toEqual([]);
  });

  it('GIVEN MigrationRunner.psql({ image }) WHEN synthesized THEN the Job runs that image, which must be pinned like any other in prod', () => {
    const build = (image: string) => () => {
      const app = new App();
      const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
      platform.forEachEnvironment((env) => {
        const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
        const api = new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
        new Migration(env, 'api-migrations', { database: db, release: api, runner: MigrationRunner.psql({ image }), migrationsDir: dirWith({}) });
      });
      return synthesize(app);
    };
    const pinned = `ghcr.io/acme/psql@sha256:${'c'.repeat(64)}`;
    expect(build(pinned)().find((o) => o.manifest.kind === 'Job')!.manifest.spec.template.spec.containers[0].image).toBe(pinned);
    const findings = synthFindings(build('ghcr.io/acme/psql:17'));
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([['shop/prod/api-migrations', 'runner.image', 'props/image']]);
  });

  it('GIVEN the `command` prop of earlier versions WHEN synthesized THEN the problem says what replaced it, with the command to keep', () => {
    const findings = synthFindings(() => {
      const app = new App();
      const platform = new Platform(app, 'shop', { environments: [Environment.prod()] });
      platform.forEachEnvironment((env) => {
        const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
        const api = new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
        new Migration(env, 'api-migrations', { database: db, release: api, command: ['api', 'migrate'], migrationsDir: dirWith({}) } as any);
      });
      synthesize(app);
    });
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([['shop/prod/api-migrations', 'command', 'props/replaced']]);
    expect(findings[0].message).toBe('was replaced by `runner`: the default runner now applies the files of migrationsDir itself, delivered with the manifests');
    expect(findings[0].fix).toBe('remove `command` to use the default (MigrationRunner.psql()), or keep the image\'s own migrate command with `runner: MigrationRunner.command(["api","migrate"])`');
  });

  it('GIVEN a migration file larger than a ConfigMap can hold WHEN synthesized THEN the synth says which, how large, and how to split it', () => {
    const big = `${TIMEOUTS}-- ${'y'.repeat(950 * 1024)}\nCREATE TABLE IF NOT EXISTS t (id int);\n`;
    const findings = synthFindings(() => synthesize(shopWith(dirWith({ '0001_big.sql': big }))));
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule])).toEqual([
      ['shop/dev/api-migrations', 'migrationsDir', '0001_big.sql', 'migration/file-too-large'],
      ['shop/prod/api-migrations', 'migrationsDir', '0001_big.sql', 'migration/file-too-large'],
    ]);
    expect(findings[0].message).toBe(`0001_big.sql is ${Buffer.byteLength(big) + '0001_big.sql'.length} bytes: one file must fit in one ConfigMap (921600 bytes of data, below Kubernetes' 1 MiB object limit), and a split cannot cut a file`);
  });
});

describe('the delivered SQL under Flux (issue 21)', () => {
  it('GIVEN the shop on Flux WHEN synthesized THEN the SQL ConfigMaps are plain objects of the migration unit, whose Kustomization is forced and waited on', () => {
    const flux = synthesize(shopApp({ delivery: 'flux' }));
    const unit = flux.filter((o) => o.path.startsWith('shop/prod/orders-migrations/'));
    const configMaps = unit.filter((o) => o.manifest.kind === 'ConfigMap');
    expect(configMaps.map((o) => o.manifest.metadata.name)).toEqual([expect.stringMatching(/^orders-migrate-sql-[0-9a-f]{10}$/)]);
    expect(configMaps[0]!.manifest.metadata.annotations).toBeUndefined();
    const job = unit.find((o) => o.manifest.kind === 'Job')!.manifest;
    expect(job.spec.template.spec.volumes.find((v: any) => v.name === 'migrations').projected.sources).toEqual([{ configMap: { name: configMaps[0]!.manifest.metadata.name } }]);
    const kustomization = flux.find((o) => o.manifest.kind === 'Kustomization' && o.manifest.metadata.name === 'shop-prod-orders-migrations')!.manifest;
    expect(kustomization.spec).toMatchObject({ force: true, wait: true, prune: true });
  });
});
