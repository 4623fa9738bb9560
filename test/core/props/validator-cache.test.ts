import { App, Duration } from 'cdk8s';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../../../lib/index.js';
import { propsValidatorCache, usePropsValidatorCache } from '../../../lib/core/props/validator-cache.js';
import { storeValidator } from '../../../lib/validation/schema/validator-cache.js';
import { synthesizeWithFindings } from '../../../lib/synth/synthesizer.js';
import { DIGEST_IMAGE } from '../../helpers.js';

const folder = () => {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-props-cache-')), 'validators');
  mkdirSync(dir, { mode: 0o700 });
  return dir;
};

/**
 * Props of every kind the reference apps pass, right and wrong: a construct with valid props (Durations, a Probe,
 * nested objects), misspelt keys (top level and nested), a missing required prop, wrong types, a factory's options
 * misspelt, a NaN Duration, and an environment the platform lacks.
 */
function findings(): string[] {
  const app = new App();
  const platform = new api.Platform(app, 'acme', { environments: [api.Environment.dev(), api.Environment.prod()] });
  platform.forEachEnvironment((env) => {
    new api.StatelessService(env, 'ok', {
      image: DIGEST_IMAGE,
      port: 8080,
      readinessProbe: api.Probe.httpGet('/ready', { periodSeconds: 5 }),
      environments: { dev: { replicas: 1 } },
    } as unknown as api.StatelessServiceProps);
    new api.StatelessService(env, 'misspelt', { image: DIGEST_IMAGE, port: 8080, autoscalling: {}, readinessProbe: api.Probe.httpGet('/ready', { periodSecond: 5 } as never) } as unknown as api.StatelessServiceProps);
    new api.StatelessService(env, 'wrong-types', { image: 42, port: '8080', environments: { staging: {} } } as unknown as api.StatelessServiceProps);
    new api.StatelessService(env, 'missing', {} as unknown as api.StatelessServiceProps);
    new api.StatelessService(env, 'nan-duration', { image: DIGEST_IMAGE, port: 8080, terminationGracePeriod: Duration.seconds(Number.NaN) } as unknown as api.StatelessServiceProps);
    new api.StatelessService(env, 'plain-duration', { image: DIGEST_IMAGE, port: 8080, terminationGracePeriod: 30 } as unknown as api.StatelessServiceProps);
  });
  return synthesizeWithFindings(app).findings.filter((f) => f.rule.startsWith('props/')).map((f) => `${f.location} ${f.field} ${f.rule}: ${f.message} (${f.fix})`).sort();
}

/** Replaces every cached validator in `dir` by one that answers `verdict` for any props (a file with a valid checksum). */
function storeVerdictForTest(dir: string, verdict: boolean): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) storeValidator(dir, file.slice(0, -3), `module.exports = function () { return ${verdict}; };`);
}

afterEach(() => usePropsValidatorCache(undefined));

describe('the props validators cache (issue 25)', () => {
  it('GIVEN the cache on WHEN props are checked, first compiling and writing the validators, then loading them THEN every problem and message is the same as with the cache off', () => {
    usePropsValidatorCache(undefined);
    const control = findings();
    expect(control.length).toBeGreaterThan(8);
    const dir = folder();
    usePropsValidatorCache(dir);
    expect(findings()).toEqual(control);
    const written = readdirSync(path.join(dir, 'props')).filter((f) => f.endsWith('.js'));
    expect(written.length).toBeGreaterThan(2);
    usePropsValidatorCache(dir); // a new process's view of the same folder: the validators are loaded, not compiled
    expect(findings()).toEqual(control);
    expect(readdirSync(path.join(dir, 'props')).filter((f) => f.endsWith('.js'))).toEqual(written);
  });

  it('GIVEN a cached validator WHEN props are checked THEN it is read: one that passes everything hides the schema problems (so the folder must be private), one that fails everything changes nothing (ajv words the problems)', () => {
    usePropsValidatorCache(undefined);
    const control = findings();
    const dir = folder();
    usePropsValidatorCache(dir);
    findings();
    storeVerdictForTest(path.join(dir, 'props'), true);
    usePropsValidatorCache(dir);
    // ajv's problems (unknown keys, missing props, wrong types) are gone (the constructs' own rules still report theirs)
    const fromAjv = (f: string) => / props\/(unknown|required|type): /.test(f);
    expect(control.filter(fromAjv).length).toBeGreaterThan(8);
    expect(findings().filter(fromAjv)).toEqual([]);
    storeVerdictForTest(path.join(dir, 'props'), false);
    usePropsValidatorCache(dir);
    expect(findings()).toEqual(control);
  });

  it('GIVEN a cache folder others may write to WHEN turned on THEN it is not used', () => {
    const dir = folder();
    usePropsValidatorCache(dir);
    expect(propsValidatorCache()?.dir).toBe(path.join(dir, 'props'));
    chmodSync(dir, 0o777);
    usePropsValidatorCache(dir);
    expect(propsValidatorCache()).toBeUndefined();
    // the control: the same folder, private again
    chmodSync(dir, 0o700);
    usePropsValidatorCache(dir);
    expect(propsValidatorCache()).toBeDefined();
  });
});
