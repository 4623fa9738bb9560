import { beforeAll, describe, expect, it } from 'vitest';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { KedaCredentials } from '../../../lib/autoscaling/keda/keda-credentials.js';
import { KedaTrigger } from '../../../lib/autoscaling/keda/keda-trigger.js';
import { Environment } from '../../../lib/core/environment.js';
import { SyncWave } from '../../../lib/core/sync-wave.js';
import { Probe } from '../../../lib/pod/probe.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { SchemaValidator } from '../../../lib/validation/schema-validator.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { QueueWorker } from '../../../lib/workloads/queue-worker.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthPlatform } from '../../helpers.js';

const WAVE = 'argocd.argoproj.io/sync-wave';
const backlog = Autoscaling.natsJetStream({ minReplicas: 3, maxReplicas: 6, monitoringEndpoint: 'nats-headless.nats.svc.cluster.local:8222', stream: 'API', consumer: 'api', lagThreshold: 20 });

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('emitAutoscaler with KEDA (through WorkloadBase)', () => {
  // GIVEN a routed StatelessService scaled by KEDA: a Rollout in prod, a Deployment in staging
  const objects = synthPlatform(
    (env) =>
      new StatelessService(env, 'api', {
        image: DIGEST_IMAGE,
        readinessProbe: Probe.httpGet('/readyz'),
        trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system' }),
        autoscaling: backlog,
      }),
    [Environment.staging(), Environment.prod()],
  );

  it('targets the argoproj.io Rollout in prod, in the Rollout wave, and leaves its replicas to KEDA', () => {
    const so = manifestOf(objects, 'prod', 'ScaledObject', 'api');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'api' });
    expect(so.metadata.annotations[WAVE]).toBe(String(SyncWave.ROLLOUT));
    const rollout = manifestOf(objects, 'prod', 'Rollout', 'api');
    expect('replicas' in rollout.spec).toBe(false);
    // Autoscaled and routed: the stable ReplicaSet shrinks as the canary grows, so KEDA's HPA sees the true total.
    expect(rollout.spec.strategy.canary.dynamicStableScale).toBe(true);
    expect(objectsOf(objects, 'prod', 'api').some((o) => o.manifest.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  it('targets the Deployment where the service rolls, in the Deployment wave', () => {
    const so = manifestOf(objects, 'staging', 'ScaledObject', 'api');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount, so.metadata.annotations[WAVE]]).toEqual([2, 3, String(SyncWave.APP)]);
  });

  it('emits objects valid against the pinned CRDs and the core schema', () => {
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});

describe('emitKedaAutoscaler with several triggers', () => {
  it('names one TriggerAuthentication per trigger with credentials after the workload and the trigger', () => {
    const autoscaling = Autoscaling.keda({
      minReplicas: 1,
      maxReplicas: 5,
      triggers: [
        KedaTrigger.natsJetStream({ name: 'orders', stream: 'ORDERS', consumer: 'billing', lagThreshold: 100, credentials: KedaCredentials.fromSecret('nats', { natsServerMonitoringEndpoint: 'endpoint' }) }),
        KedaTrigger.custom({ type: 'prometheus', name: 'latency', metadata: { serverAddress: 'http://prometheus.monitoring:9090', query: 'max(queue_age_seconds)', threshold: '30' }, credentials: KedaCredentials.fromSecret('prometheus', { bearerToken: 'token' }) }),
        KedaTrigger.cpu({ utilizationPercent: 80 }),
      ],
    });
    const objects = synthPlatform((env) => new QueueWorker(env, 'billing', { image: DIGEST_IMAGE, autoscaling }), [Environment.prod()]);
    const auths = objectsOf(objects, 'prod', 'billing').filter((o) => o.manifest.kind === 'TriggerAuthentication').map((o) => [o.manifest.metadata.name, o.manifest.spec.secretTargetRef]);
    expect(auths).toEqual([
      ['billing-latency', [{ parameter: 'bearerToken', name: 'prometheus', key: 'token' }]],
      ['billing-orders', [{ parameter: 'natsServerMonitoringEndpoint', name: 'nats', key: 'endpoint' }]],
    ]);
    const triggers = manifestOf(objects, 'prod', 'ScaledObject', 'billing').spec.triggers;
    expect(triggers.map((t: any) => [t.type, t.name, t.authenticationRef?.name, t.metricType])).toEqual([
      ['nats-jetstream', 'orders', 'billing-orders', undefined],
      ['prometheus', 'latency', 'billing-latency', undefined],
      ['cpu', 'cpu', undefined, 'Utilization'],
    ]);
    // The pod requests CPU, so KEDA's cpu-trigger rule (checked at synth) is satisfied.
    expect(manifestOf(objects, 'prod', 'Deployment', 'billing').spec.template.spec.containers[0].resources.requests.cpu).toBe('100m');
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.path))).toEqual([]);
  });
});
