import { ApiObject, App } from 'cdk8s';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
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
