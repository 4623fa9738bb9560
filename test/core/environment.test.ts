import { describe, expect, it } from 'vitest';
import { Environment, FrontendDelivery, ServiceDelivery } from '../../lib/core/environment.js';
import { ImagePolicy } from '../../lib/core/image.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { Probe } from '../../lib/pod/probe.js';
import { DIGEST_IMAGE, manifestOf, synthFindings, synthPlatform } from '../helpers.js';

describe('Environment', () => {
  it('encodes the seed: dev and staging roll fast, prod canaries', () => {
    expect([Environment.dev(), Environment.staging(), Environment.prod()].map((e) => [e.name, e.statelessDelivery, e.imagePolicy, e.replicaScale, e.resourceScale])).toEqual([
      ['dev', ServiceDelivery.ROLLING, ImagePolicy.ALLOW_TAG, 0.25, 0.5],
      ['staging', ServiceDelivery.ROLLING, ImagePolicy.REQUIRE_DIGEST, 0.5, 1],
      ['prod', ServiceDelivery.CANARY, ImagePolicy.REQUIRE_DIGEST, 1, 1],
    ]);
  });

  it('ships web frontends blue-green in prod and rolling in dev and staging', () => {
    expect([Environment.dev(), Environment.staging(), Environment.prod()].map((e) => [e.name, e.frontendDelivery])).toEqual([
      ['dev', FrontendDelivery.ROLLING],
      ['staging', FrontendDelivery.ROLLING],
      ['prod', FrontendDelivery.BLUE_GREEN],
    ]);
  });

  it('rolls web frontends by default in a custom environment, and takes frontendDelivery as a typed override', () => {
    // GIVEN a custom environment without options, and prod asked to canary its frontends
    const custom = new Environment({ name: 'qa' });
    const prod = Environment.prod({ frontendDelivery: FrontendDelivery.CANARY });
    // THEN the custom one rolls, prod canaries and keeps its other defaults
    expect([custom.frontendDelivery, prod.frontendDelivery, prod.statelessDelivery, prod.name]).toEqual([FrontendDelivery.ROLLING, FrontendDelivery.CANARY, ServiceDelivery.CANARY, 'prod']);
  });

  it('takes typed overrides but keeps its name', () => {
    const e = Environment.staging({ statelessDelivery: ServiceDelivery.CANARY, namespace: 'team-a-staging', replicaScale: 1 });
    expect([e.name, e.statelessDelivery, e.namespaceOverride, e.scaleReplicas(3)]).toEqual(['staging', ServiceDelivery.CANARY, 'team-a-staging', 3]);
  });

  it('scales replicas up, never below one', () => {
    expect([1, 3, 4, 5].map((n) => Environment.dev().scaleReplicas(n))).toEqual([1, 1, 1, 2]);
  });

  it('applies namespace and resource scale to what it emits', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', {
      image: DIGEST_IMAGE,
      readinessProbe: Probe.httpGet('/readyz'),
      resources: { cpuRequestMillis: 300, memoryRequestMebibytes: 200 },
    }), [Environment.dev({ namespace: 'sandbox' })]);
    const deployment = manifestOf(objects, 'dev', 'Deployment', 'api');
    expect(deployment.metadata.namespace).toBe('sandbox');
    expect(deployment.spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '150m', memory: '100Mi' }, limits: { memory: '100Mi' } });
    const ns = manifestOf(objects, 'dev', 'Namespace', 'sandbox');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-30');
  });

  it('rejects invalid environment settings', () => {
    const findings = synthFindings(() => synthPlatform(() => undefined, [new Environment({ name: 'Prod', replicaScale: 0 })]));
    expect(findings.map((f) => [f.location, f.field, f.value])).toEqual([
      ['acme/Prod', 'environment.name', 'Prod'],
      ['acme/Prod', 'environment.replicaScale', 0],
    ]);
  });
});
