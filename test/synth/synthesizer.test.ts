import { ApiObject, App } from 'cdk8s';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { runSynth } from '../../lib/synth/run.js';
import { synthesize, toYaml } from '../../lib/synth/synthesizer.js';
import { writeAtomically } from '../../lib/synth/writer.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { bitvault, BITVAULT_IMAGES } from '../../apps/bitvault/bitvault.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else out[`${rel}${e.name}`] = readFileSync(join(d, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

function renderAll(app: App): Map<string, string> {
  return new Map(synthesize(app).map((o) => [o.path, toYaml(o.manifest)]));
}

describe('synthesize', () => {
  it('is byte-identical across runs', () => {
    const a = renderAll((() => { const app = new App(); bitvault(app); return app; })());
    const b = renderAll((() => { const app = new App(); bitvault(app); return app; })());
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it('changes only the prod gateway files when the gateway digest changes', () => {
    const before = renderAll((() => { const app = new App(); bitvault(app); return app; })());
    const after = renderAll((() => { const app = new App(); bitvault(app, { images: { gateway: BITVAULT_IMAGES.gateway.replace(/[0-9a-f]{64}$/, 'f'.repeat(64)) } }); return app; })());
    const changed = [...after.keys()].filter((k) => before.get(k) !== after.get(k));
    // dev and staging pin their own gateway images, so only prod's Rollout changes.
    expect(changed).toEqual(['bitvault/prod/gateway/rollout-gateway.yaml']);
    expect([...before.keys()]).toEqual([...after.keys()]);
  });

  it('uses stable human names without hash suffixes', () => {
    const app = new App();
    bitvault(app);
    for (const o of synthesize(app)) {
      expect(o.path).toMatch(/^bitvault\/(dev|staging|prod)\/[a-z0-9-]+\/[a-z]+-[a-z0-9-]+\.yaml$/);
      expect(o.manifest.metadata.name).not.toMatch(/-[0-9a-f]{8}$/);
    }
  });

  it('rejects two objects that would land in the same file', () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.dev()] });
    const env = platform.environments[0];
    new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz') });
    const api = env.node.findChild('api');
    new ApiObject(api, 'extra', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'acme-dev', annotations: { 'argocd.argoproj.io/sync-wave': '10' } } });
    const findings = synthFindings(() => synthesize(app));
    expect(findings).toEqual([expect.objectContaining({ location: 'acme/dev/api/extra', rule: 'synth/duplicate-object', message: 'is written to acme/dev/api/service-api.yaml, which acme/dev/api/service already uses' })]);
  });

  it('rejects two workloads that emit the same object into one namespace', () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.dev()] });
    const env = platform.environments[0];
    new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz') });
    new StatelessService(env, 'api-again', { name: 'api', image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz') });
    const findings = synthFindings(() => synthesize(app));
    expect(findings.map((f) => [f.location, f.rule])).toEqual([
      ['acme/dev/api-again/service', 'synth/duplicate-object'],
      ['acme/dev/api-again/pdb', 'synth/duplicate-object'],
      ['acme/dev/api-again/deployment', 'synth/duplicate-object'],
    ]);
  });

  it('runs the Argo Rollouts rules and our policies on the emitted set (a Service shared by two Rollouts)', () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
    const env = platform.environments[0];
    const api = new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 10 });
    const rollout = synthesize(app).find((o) => o.manifest.kind === 'Rollout')!.manifest;
    new ApiObject(api, 'copy', { apiVersion: rollout.apiVersion, kind: rollout.kind, spec: rollout.spec, metadata: { ...rollout.metadata, name: 'api-copy' } });
    const findings = synthFindings(() => synthesize(app));
    // Both Rollouts claim both Services (stable and canary): each side is reported (our policy: upstream rejects
    // only a Service annotated as managed by another Rollout; two Rollouts would fight over its selector).
    expect(findings.map((f) => [f.location, f.rule])).toEqual([
      ['acme/prod/api/rollout', 'rollout/service-shared-by-rollouts'],
      ['acme/prod/api/rollout', 'rollout/service-shared-by-rollouts'],
      ['acme/prod/api/copy', 'rollout/service-shared-by-rollouts'],
      ['acme/prod/api/copy', 'rollout/service-shared-by-rollouts'],
    ]);
    expect(findings[0].fix.length).toBeGreaterThan(0);
  });

  it('gives an object without a sync wave the wave of its kind, and rejects a wave that is not an integer (issue 20: plain cdk8s objects)', () => {
    const app = new App();
    const platform = new Platform(app, 'acme', { environments: [Environment.dev()] });
    new ApiObject(platform.environments[0]!, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'acme-dev' } });
    const [cm] = synthesize(app).filter((o) => o.constructPath === 'acme/dev/cm');
    expect(cm!.manifest.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '5' });
    new ApiObject(platform.environments[0]!, 'other', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other', namespace: 'acme-dev', annotations: { 'argocd.argoproj.io/sync-wave': 'early' } } });
    const findings = synthFindings(() => synthesize(app));
    expect(findings.map((f) => [f.location, f.rule, f.value])).toEqual([['acme/dev/other', 'argocd/sync-wave', 'early']]);
  });
});

describe('writing dist/ atomically', () => {
  const dirs: string[] = [];
  afterEach(() => vi.restoreAllMocks());
  const previousOutput = () => {
    const root = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-'));
    dirs.push(root);
    const outdir = join(root, 'dist');
    mkdirSync(join(outdir, 'old'), { recursive: true });
    writeFileSync(join(outdir, 'old', 'service-x.yaml'), 'kind: Service\n');
    return { root, outdir };
  };

  it('replaces the folder with exactly the new objects', () => {
    const { outdir, root } = previousOutput();
    writeAtomically([{ path: 'p/e/a/service-a.yaml', constructPath: 'x', manifest: { kind: 'Service' } }], outdir);
    expect(snapshotDir(outdir)).toEqual({ 'p/e/a/service-a.yaml': 'kind: Service\n' });
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('leaves the previous folder byte-identical when writing fails halfway', () => {
    const { outdir, root } = previousOutput();
    const before = snapshotDir(outdir);
    const exploding = { get kind(): string { throw new Error('disk full'); } };
    const objects = [
      { path: 'p/e/a/service-a.yaml', constructPath: 'x', manifest: { kind: 'Service' } },
      { path: 'p/e/a/service-b.yaml', constructPath: 'y', manifest: exploding as any },
    ];
    expect(() => writeAtomically(objects, outdir)).toThrow('disk full');
    expect(snapshotDir(outdir)).toEqual(before);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('runSynth reports every problem without a stack trace and keeps the previous dist/', async () => {
    const { outdir } = previousOutput();
    const before = snapshotDir(outdir);
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args) => { errors.push(args.join(' ')); });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await runSynth(() => {
      const app = new App();
      const platform = new Platform(app, 'acme', { environments: [Environment.prod()] });
      new StatelessService(platform.environments[0], 'api', { image: 'ghcr.io/acme/api:latest', readinessProbe: undefined as unknown as Probe });
      return app;
    }, { outdir });
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    const text = errors.join('\n');
    expect(text).toContain('synth failed with 3 problems:');
    expect(text).toContain('acme/prod/api: replicas = 3: cannot express a 10% canary without a traffic router');
    expect(text).toContain('acme/prod/api: image = "ghcr.io/acme/api:latest": is not pinned by digest');
    expect(text).toContain('acme/prod/api: readinessProbe = undefined: is required');
    expect(text).not.toMatch(/\n\s+at /);
    expect(snapshotDir(outdir)).toEqual(before);
    expect(existsSync(`${outdir}.synth-${process.pid}`)).toBe(false);
  });
});
