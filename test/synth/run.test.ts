import { ApiObject, App } from 'cdk8s';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { Migration } from '../../lib/migrations/migration.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { runSynth } from '../../lib/synth/run.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE } from '../helpers.js';

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

function build(replicas: number, extra?: (api: StatelessService) => void) {
  return () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.dev()] });
    const api = new StatelessService(platform.environments[0], 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas });
    extra?.(api);
    return app;
  };
}

describe('runSynth schema validation', () => {
  it('checks the upstream schema of every changed object, reports construct paths, and writes nothing on errors', async () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-')), 'dist');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // GIVEN an escape-hatch object with a misspelt field
    await runSynth(build(2, (api) => new ApiObject(api, 'extra', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'extra', namespace: 'acme-dev', annotations: { 'argocd.argoproj.io/sync-wave': '10' } }, spec: { portz: [] } })), { outdir, validator });
    // THEN the synth fails with the schema finding at the construct path, and no output exists
    expect(process.exitCode).toBe(1);
    expect(errors.join('\n')).toContain('acme/dev/api/extra: spec.portz');
    expect(errors.join('\n')).toContain('[schema/unknown-field]');
    expect(() => readdirSync(outdir)).toThrow();
  });

  it('compiles the CRD validators once per user: later synths load them from the private cache, with the same findings', async () => {
    const cacheHome = process.env.XDG_CACHE_HOME;
    const cacheSwitch = process.env.CDK8S_DELIVERY_VALIDATOR_CACHE;
    // GIVEN an app with a custom resource of a pinned CRD that breaks its schema (a string where an integer goes, a CEL rule)
    const route = (api: StatelessService) => new ApiObject(api, 'route', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'route', namespace: 'acme-dev' },
      spec: { parentRefs: [{ name: 'gateway', port: 'http' }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: 'no-leading-slash' } }] }] },
    });
    const synth = async (xdg: string) => {
      process.env.XDG_CACHE_HOME = xdg;
      const errors: string[] = [];
      vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
      await runSynth(build(2, route), { outdir: join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-')), 'dist') });
      vi.restoreAllMocks();
      expect(process.exitCode).toBe(1);
      process.exitCode = 0;
      return errors.join('\n').replace(/\S*cdk8s-delivery-run-\w+/g, '<tmp>');
    };
    const validators = (xdg: string) => { try { return readdirSync(join(xdg, 'cdk8s-delivery', 'validators')); } catch { return []; } };
    try {
      // WHEN it is synthesized with the cache turned off (the control) THEN nothing is cached
      process.env.CDK8S_DELIVERY_VALIDATOR_CACHE = 'off';
      const off = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-cache-'));
      const control = await synth(off);
      expect(control).toContain('acme/dev/api/route: spec.parentRefs');
      expect(validators(off)).toEqual([]);
      // WHEN it is synthesized with the default (on) THEN the compiled validator is written to the user's cache
      delete process.env.CDK8S_DELIVERY_VALIDATOR_CACHE;
      const on = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-cache-'));
      expect(await synth(on)).toBe(control);
      const written = validators(on).filter((f) => f.endsWith('.js'));
      expect(written.length).toBeGreaterThan(0);
      // AND a later synth loads it (its compiled code, not ajv) and reports exactly the same findings
      const { loadCachedValidator } = await import('../../lib/validation/schema/validator-cache.js');
      expect(loadCachedValidator(join(on, 'cdk8s-delivery', 'validators'), written[0]!.slice(0, -3), {})).toBeTypeOf('function');
      expect(await synth(on)).toBe(control);
    } finally {
      if (cacheHome === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = cacheHome;
      if (cacheSwitch === undefined) delete process.env.CDK8S_DELIVERY_VALIDATOR_CACHE;
      else process.env.CDK8S_DELIVERY_VALIDATOR_CACHE = cacheSwitch;
    }
  });

  it('skips unchanged files and validates only what changes', async () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-')), 'dist');
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const spy = vi.spyOn(validator, 'validate');
    await runSynth(build(8), { outdir, validator });
    const first = spy.mock.calls.length;
    expect(first).toBeGreaterThan(3);
    // WHEN nothing changed THEN no object is validated again
    await runSynth(build(8), { outdir, validator });
    expect(spy.mock.calls.length).toBe(first);
    // WHEN one value changes THEN exactly the changed file is validated
    await runSynth(build(12), { outdir, validator });
    expect(spy.mock.calls.slice(first).map((c) => c[1])).toEqual(['acme/dev/api/deployment']);
    // AND validateAll re-checks everything
    await runSynth(build(12), { outdir, validator, validateAll: true });
    expect(spy.mock.calls.length).toBe(first + 1 + first);
    expect(process.exitCode ?? 0).toBe(0);
  });
});

describe('runSynth timings (CDK8S_DELIVERY_TIMINGS)', () => {
  it('prints each phase with the RSS and the share of it that is V8\'s heap (used of committed)', async () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-')), 'dist');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.stubEnv('CDK8S_DELIVERY_TIMINGS', '1');
    try {
      await runSynth(build(2), { outdir, validator });
    } finally {
      vi.unstubAllEnvs();
    }
    const lines = errors.filter((e) => e.startsWith('timing: '));
    expect(lines.map((l) => /^timing: (.+?) \d+ ms/.exec(l)?.[1])).toEqual(['build', 'migrations: verify', 'synthesize and rules', 'migrations', 'schemas', 'write']);
    for (const line of lines) {
      const [, rss, used, committed] = /\(RSS (\d+) MiB, peak \d+ MiB, heap (\d+) of (\d+) MiB\)$/.exec(line) ?? [];
      expect(Number(used), line).toBeGreaterThan(0);
      expect(Number(used)).toBeLessThanOrEqual(Number(committed));
      expect(Number(committed)).toBeLessThan(Number(rss));
    }
  });
});

describe('runSynth: one synth, every problem', () => {
  it('reports prop problems, duplicate objects, schema and migration problems of one app in one run', async () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-')), 'dist');
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a) => { errors.push(a.join(' ')); });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // GIVEN an app with a prop problem (a tag image in prod), two objects written to the same file, a misspelt
    // field and a migration folder with SQL that does not parse
    const migrations = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-run-sql-'));
    writeFileSync(join(migrations, '0001_broken.sql'), 'ALTER TABLE accounts ADD COLUMN;\n');
    const build = () => {
      const app = new App();
      const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
      const env = platform.environments[0]!;
      const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '10Gi', backup: PostgresBackup.none('test') });
      const api = new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
      new StatelessService(env, 'web', { image: 'ghcr.io/acme/web:1.2.3', readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
      const meta = (name: string) => ({ name, namespace: 'acme-prod', annotations: { 'argocd.argoproj.io/sync-wave': '10' } });
      new ApiObject(api, 'twin', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('twin'), data: {} });
      new ApiObject(api, 'twin2', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('twin'), data: {} });
      new ApiObject(api, 'typo', { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('typo'), dataz: {} });
      new Migration(env, 'api-migrations', { database: db, release: api, migrationsDir: migrations, usedBy: [api] });
      return app;
    };
    await runSynth(build, { outdir, validator });
    // THEN one run reports all four kinds of problem, and writes nothing
    const out = errors.join('\n');
    expect(process.exitCode).toBe(1);
    expect(out).toContain('acme/prod/web: image = "ghcr.io/acme/web:1.2.3"');
    expect(out).toContain('[props/image]');
    expect(out).toContain('[synth/duplicate-object]');
    expect(out).toContain('acme/prod/api/typo: dataz');
    expect(out).toContain('[schema/unknown-field]');
    expect(out).toContain('[migration/input]');
    expect(() => readdirSync(outdir)).toThrow();
  });
});
