import { describe, expect, it } from 'vitest';
import { Environment } from '../../lib/core/environment.js';
import { Probe } from '../../lib/pod/probe.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { Singleton } from '../../lib/workloads/singleton.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

describe('Singleton', () => {
  // GIVEN a singleton scheduler without a port and a singleton with a Service
  const objects = synthPlatform((env) => {
    new Singleton(env, 'scheduler', { image: DIGEST_IMAGE });
    new Singleton(env, 'legacy', { image: DIGEST_IMAGE, port: 8080, readinessProbe: Probe.tcpSocket() });
  });

  it.each(['dev', 'staging', 'prod'])('runs one replica with Recreate and no PDB in %s', (env) => {
    const d = manifestOf(objects, env, 'Deployment', 'scheduler');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objectsOf(objects, env, 'scheduler').map((o) => o.manifest.kind)).toEqual(['Deployment']);
    expect(objects.some((o) => o.manifest.kind === 'PodDisruptionBudget')).toBe(false);
    expect(d.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('20');
  });

  it('has no preStop without a Service, and a 5 s one with a Service', () => {
    expect(manifestOf(objects, 'prod', 'Deployment', 'scheduler').spec.template.spec.containers[0].lifecycle).toBeUndefined();
    expect(manifestOf(objects, 'prod', 'Deployment', 'legacy').spec.template.spec.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(manifestOf(objects, 'prod', 'Service', 'legacy').spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  it('requires a readiness probe only when it serves traffic', () => {
    const findings = synthFindings(() => synthPlatform((env) => new Singleton(env, 'legacy', { image: DIGEST_IMAGE, port: 8080 }), [Environment.prod()]));
    expect(findings.map((f) => [f.location, f.field, f.rule])).toEqual([['acme/prod/legacy', 'readinessProbe', 'props/readiness-probe-required']]);
  });

  it('rejects an unknown environment override key', () => {
    const findings = synthFindings(() => synthPlatform((env) => new Singleton(env, 'scheduler', { image: DIGEST_IMAGE, environments: { qa: { image: 'x:1' } } }), [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.rule, f.message, f.fix])).toEqual([
      ['environments.qa', 'props/environment', 'names no environment of platform "acme" (prod), so its overrides would be silently ignored', 'use one of: prod'],
    ]);
  });

  it.each(['dev', 'staging', 'prod'])('snapshot %s', (env) => {
    expect(objectsOf(objects, env).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n')).toMatchSnapshot();
  });
});
