import { App, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import * as api from '../../lib/index.js';
import { synthesizeWithFindings } from '../../lib/synth/synthesizer.js';
import { DIGEST_IMAGE } from '../helpers.js';

/**
 * Issue 26, defect 9: props a JavaScript caller (or a typo) passes that the synth accepted — an empty or invalid
 * environment-variable name, a 2 MiB environment value — and NaN durations and wrong runtime types that crashed
 * without a construct path or field (`NaN must be a whole number of millis`, `chosen.problems is not a function`).
 * Each is now a problem naming the construct path and the field, all of them at once.
 */

function findingsOf(props: Record<string, unknown>) {
  const app = new App();
  const platform = new api.Platform(app, 'acme', { environments: [api.Environment.prod()] });
  platform.forEachEnvironment((env) => new api.StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: api.Probe.httpGet('/readyz'), replicas: 10, ...props } as api.StatelessServiceProps));
  return synthesizeWithFindings(app).findings.map((f) => [f.location, f.field, f.rule, f.message]);
}

describe('environment variables: names Kubernetes accepts, sizes a process can start with', () => {
  it('GIVEN empty, "=", digit-first and spaced names in env, per-environment env, secretEnv and a sidecar THEN one props/env-name problem each', () => {
    const findings = findingsOf({
      env: { '': 'x', 'A=B': 'y', OK_1: 'fine', 'dotted.name-ok': 'fine' },
      environments: { prod: { env: { '9LIVES': 'z' } } },
      secretEnv: { 'BAD NAME': api.SecretKey.of('s', 'k') },
      sidecars: [{ name: 'proxy', image: DIGEST_IMAGE, env: { '': 'v' } }],
    });
    expect(findings.map(([location, field, rule]) => [location, field, rule]).sort()).toEqual([
      ['acme/prod/api', 'env[""]', 'props/env-name'],
      ['acme/prod/api', 'env.A=B', 'props/env-name'],
      ['acme/prod/api', 'environments.prod.env.9LIVES', 'props/env-name'],
      ['acme/prod/api', 'secretEnv.BAD NAME', 'props/env-name'],
      ['acme/prod/api', 'sidecars[0].env[""]', 'props/env-name'],
    ].sort());
    expect(findings.find((f) => f[1] === 'env[""]')![3]).toBe('is an empty environment variable name: the API server rejects the pod');
    expect(findings.find((f) => f[1] === 'env.A=B')![3]).toContain('("=" separates a name from its value)');
  });

  it('GIVEN a 2 MiB env value THEN props/env-too-large at env.<name>, with its size and not its value', () => {
    const findings = findingsOf({ env: { BIG: 'x'.repeat(2 * 1024 * 1024), SMALL: 'x'.repeat(100 * 1024) } });
    expect(findings).toEqual([['acme/prod/api', 'env.BIG', 'props/env-too-large', expect.stringContaining('is 2048.0 KiB as NAME=value; Linux refuses to start a program with an environment string over 128 KiB (E2BIG)')]]);
  });
});

describe('runtime types and NaN durations: problems with construct path and field, not a crash', () => {
  it('GIVEN a Duration of NaN as a prop THEN props/type at the field', () => {
    expect(findingsOf({ slo: { latencyP99: Duration.millis(NaN) } })).toEqual([
      ['acme/prod/api', 'slo.latencyP99', 'props/type', 'is a Duration of NaN millis: a duration must be a finite number of at least 0'],
    ]);
  });

  it('GIVEN a NaN or Infinite pause inside a canary step THEN a problem at the step, not "cannot be converted into a whole number of millis"', () => {
    for (const pause of [Duration.seconds(NaN), Duration.minutes(Infinity)]) {
      const findings = findingsOf({ canary: { steps: [api.CanaryStep.setWeight(50), api.CanaryStep.pause(pause), api.CanaryStep.analysis()] } });
      expect(findings).toEqual([['acme/prod/api', 'canary.steps[1].pause', 'props/invalid', 'must last a whole number of seconds, at least 1']]);
    }
  });

  it('GIVEN autoscaling, a per-environment autoscaling and a probe as plain objects THEN props/type naming the factories (was: chosen.problems is not a function)', () => {
    expect(findingsOf({ autoscaling: { minReplicas: 2 }, readinessProbe: { path: '/x' } }).map(([, field, rule]) => [field, rule])).toEqual([
      ['autoscaling', 'props/type'],
      ['readinessProbe', 'props/type'],
    ]);
    expect(findingsOf({ environments: { prod: { autoscaling: 'hpa' } } })).toEqual([
      ['acme/prod/api', 'environments.prod.autoscaling', 'props/type', 'must be an Autoscaling (Autoscaling.fixed(), Autoscaling.horizontal(), Autoscaling.keda(), …), not a string ("hpa")'],
    ]);
  });
});
