import { App, Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { bitvault, BITVAULT_IMAGES } from '../../../apps/bitvault/bitvault.js';
import { Autoscaling } from '../../../lib/autoscaling/autoscaling.js';
import { Environment, FrontendDelivery, ServiceDelivery } from '../../../lib/core/environment.js';
import { CanaryStep } from '../../../lib/delivery/canary-step.js';
import { DisruptionBudget } from '../../../lib/disruption/disruption-budget.js';
import { Probe } from '../../../lib/pod/probe.js';
import { Change, compareManifests, RiskFlag } from '../../../lib/review/diff/index.js';
import { ReviewObject } from '../../../lib/review/manifests.js';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { QueueWorker } from '../../../lib/workloads/queue-worker.js';
import { StatelessService, StatelessServiceProps } from '../../../lib/workloads/stateless-service.js';
import { WebFrontend } from '../../../lib/workloads/web-frontend.js';
import { DIGEST_IMAGE, synthPlatform } from '../../helpers.js';

const router = TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] });
const base: StatelessServiceProps = {
  image: DIGEST_IMAGE,
  readinessProbe: Probe.httpGet('/readyz'),
  trafficRouter: router,
  autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 9 }),
  slo: { successRate: 0.999, latencyP99: Duration.millis(250) },
};
const NEW_IMAGE = DIGEST_IMAGE.replace(/a{64}$/, 'b'.repeat(64));

function api(props: Partial<StatelessServiceProps> = {}, environment = Environment.prod()): ReviewObject[] {
  return synthPlatform((env) => new StatelessService(env, 'api', { ...base, ...props }), [environment]);
}

/** A change as a row: [unit, subject, field, before, after, note, flags]. */
const rows = (changes: readonly Change[]) => changes.map((c) => [c.unit, c.subject, c.field, c.before, c.after, c.note, c.risks.map((r) => r.flag)]);
const flags = (changes: readonly Change[]): RiskFlag[] => changes.flatMap((c) => c.risks.map((r) => r.flag));

/** A copy of the objects with one manifest edited. */
function edit(objects: readonly ReviewObject[], path: string, change: (m: Record<string, any>) => void): ReviewObject[] {
  return objects.map((o) => {
    if (o.path !== path) return o;
    const manifest = structuredClone(o.manifest);
    change(manifest);
    return { ...o, manifest };
  });
}

describe('compareManifests', () => {
  it('GIVEN the same synth twice THEN there is no change', () => {
    // GIVEN / WHEN
    const changes = compareManifests(api(), api());
    // THEN
    expect(changes).toEqual([]);
  });

  it('GIVEN a gateway digest bump in bitvault THEN one image change in bitvault/prod/gateway, no risk', () => {
    // GIVEN
    const before = synthesize((() => { const app = new App(); bitvault(app); return app; })());
    const bumped = BITVAULT_IMAGES.gateway.replace(/[0-9a-f]{64}$/, 'f'.repeat(64));
    const after = synthesize((() => { const app = new App(); bitvault(app, { images: { gateway: bumped } }); return app; })());
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(changes).toEqual([{
      platform: 'bitvault',
      environment: 'prod',
      unit: 'gateway',
      subject: 'Rollout/gateway',
      aspect: 'image',
      field: 'image gateway',
      before: 'sha256:10cb0a0b2f05',
      after: 'sha256:ffffffffffff',
      note: 'ghcr.io/bitvault/gateway',
      risks: [],
    }]);
  });

  it('GIVEN a weaker SLO analysis, a 50% first step, min 1 pod and a looser PDB THEN each is its own change with its flag', () => {
    // GIVEN
    const before = api();
    const after = api({
      image: NEW_IMAGE,
      slo: { successRate: 0.99, latencyP99: Duration.millis(500), failureLimit: 2, count: 4 },
      canary: { steps: [CanaryStep.setWeight(50), CanaryStep.analysis()] },
      autoscaling: Autoscaling.horizontal({ minReplicas: 1, maxReplicas: 9 }),
      disruptionBudget: DisruptionBudget.maxUnavailable(2),
    });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    // The thresholds are in the queries (a score against the abort line); the parameters annotation states them one by one.
    const query = expect.stringMatching(/^\d+ characters, sha256:[0-9a-f]{12}$/);
    expect(rows(changes)).toEqual([
      ['api', 'AnalysisTemplate/api-slo', 'success-rate objective', '0.999', '0.99', undefined, ['analysis-weakened']],
      ['api', 'AnalysisTemplate/api-slo', 'success-rate abort line', '0.998', '0.98', undefined, ['analysis-weakened']],
      ['api', 'AnalysisTemplate/api-slo', 'p99 latency objective (s)', '0.25', '0.5', undefined, ['analysis-weakened']],
      ['api', 'AnalysisTemplate/api-slo', 'p99 latency abort line (s)', '0.5', '0.75', undefined, ['analysis-weakened']],
      // Fewer measurements shorten the evidence window (initialDelay + (count − 1) × interval) and the default inconclusiveLimit (count − 1 − failureLimit).
      ['api', 'AnalysisTemplate/api-slo', 'evidence window (s)', '300', '240', undefined, []],
      ...['latency-p99', 'restarts', 'success-rate'].flatMap((metric) => [
        ['api', 'AnalysisTemplate/api-slo', `metric ${metric} count`, '5', '4', undefined, ['analysis-weakened']],
        ['api', 'AnalysisTemplate/api-slo', `metric ${metric} failureLimit`, '1', '2', undefined, ['analysis-weakened']],
        ['api', 'AnalysisTemplate/api-slo', `metric ${metric} inconclusiveLimit`, '3', '1', undefined, []],
        ['api', 'AnalysisTemplate/api-slo', `metric ${metric} query`, query, query, undefined, []],
        // The step's verdict comes at the end of the shorter step, over a shorter canary life (10 m → 4 m): its own line diff.
        ...(metric === 'restarts' ? [] : [
          ['api', 'AnalysisTemplate/api-slo', `metric ${metric}-verdict initialDelay`, '5m', '4m', undefined, []],
          ['api', 'AnalysisTemplate/api-slo', `metric ${metric}-verdict query`, query, query, undefined, []],
        ]),
      ]),
      ['api', 'HorizontalPodAutoscaler/api', 'minReplicas', '3', '1', undefined, ['min-replicas-one']],
      ['api', 'PodDisruptionBudget/api', 'maxUnavailable', '1', '2', undefined, ['pdb-loosened']],
      // The SLO's rules follow it (issue 22), listed per objective as the rules' declaration states it.
      ['api', 'PrometheusRule/api-slo', 'SLO availability objective', '0.999', '0.99', undefined, []],
      ['api', 'PrometheusRule/api-slo', 'SLO latency threshold (s)', '0.25', '0.5', undefined, []],
      ['api', 'Rollout/api', 'image api', 'sha256:aaaaaaaaaaaa', 'sha256:bbbbbbbbbbbb', 'ghcr.io/acme/api', []],
      ['api', 'Rollout/api', 'canary steps', '10% → analysis(api-slo) → 30% → analysis(api-slo) → 100%', '50% → analysis(api-slo) → 100%', undefined, ['canary-step-skipped', 'canary-weight-jump']],
    ]);
    const steps = changes.find((c) => c.field === 'canary steps')!;
    expect(steps.risks.map((r) => r.reason)).toEqual(['fewer traffic steps 2 → 1, analysis gates 2 → 1', 'first weight 10% → 50%, biggest weight step 20 → 50 points']);
  });

  it('GIVEN a stricter SLO THEN the thresholds are listed without a risk flag', () => {
    // GIVEN
    const stricter = api({ slo: { successRate: 0.9995, latencyP99: Duration.millis(100) } });
    // WHEN
    const changes = compareManifests(api(), stricter);
    // THEN
    expect(changes.length).toBeGreaterThan(0);
    expect(flags(changes)).toEqual([]);
  });

  it('GIVEN prod moved from canary to rolling THEN the Rollout is paired with the Deployment and the downgrade is flagged', () => {
    // GIVEN
    const rolling = api({}, Environment.prod({ statelessDelivery: ServiceDelivery.ROLLING }));
    // WHEN
    const changes = compareManifests(api(), rolling);
    // THEN
    expect(rows(changes)).toEqual([
      ['api', 'AnalysisTemplate/api-slo', 'removed', 'wave 10', undefined, undefined, []],
      ['api', 'HorizontalPodAutoscaler/api', 'sync wave', '30', '20', 'earlier', ['wave-moved']],
      ['api', 'HorizontalPodAutoscaler/api', 'other fields', undefined, 'spec.scaleTargetRef.apiVersion, spec.scaleTargetRef.kind', undefined, []],
      ['api', 'HTTPRoute/api', 'other fields', undefined, 'spec.rules[0].backendRefs[api-canary]', undefined, []],
      ['api', 'Deployment/api', 'kind', 'Rollout', 'Deployment', undefined, []],
      ['api', 'Deployment/api', 'sync wave', '30', '20', 'earlier', ['wave-moved']],
      ['api', 'Deployment/api', 'strategy', 'canary 10% → analysis(api-slo) → 30% → analysis(api-slo) → 100% via Gateway API plugin', 'rolling (maxSurge 25%, maxUnavailable 0)', undefined, ['strategy-downgraded']],
      ['api', 'Deployment/api', 'other fields', undefined, 'metadata.annotations["argocd.argoproj.io/sync-options"]', undefined, []],
      ['api', 'Service/api-canary', 'removed', 'wave 10', undefined, undefined, []],
    ]);
  });

  it('GIVEN the same downgrade in staging THEN it is listed but not flagged as a downgrade', () => {
    // GIVEN
    const canary = api({}, Environment.staging({ statelessDelivery: ServiceDelivery.CANARY }));
    const rolling = api({}, Environment.staging());
    // WHEN
    const changes = compareManifests(canary, rolling);
    // THEN
    expect(changes.find((c) => c.field === 'strategy')?.risks).toEqual([]);
  });

  it('GIVEN a Rollout whose analysis steps were removed THEN canary-step-skipped and analysis-removed', () => {
    // GIVEN
    const before = api();
    const after = edit(before, 'acme/prod/api/rollout-api.yaml', (m) => {
      m.spec.strategy.canary.steps = [{ setWeight: 10 }, { pause: { duration: '5m' } }, { setWeight: 30 }];
    });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([
      ['api', 'Rollout/api', 'canary steps', '10% → analysis(api-slo) → 30% → analysis(api-slo) → 100%', '10% → pause 5m → 30% → 100%', undefined, ['canary-step-skipped']],
      ['api', 'Rollout/api', 'analysis templates', 'api-slo', 'none', undefined, ['analysis-removed']],
    ]);
  });

  it('GIVEN a removed PDB whose pods remain THEN pdb-removed names the workload', () => {
    // GIVEN
    const before = api();
    const after = before.filter((o) => o.manifest.kind !== 'PodDisruptionBudget');
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(changes).toEqual([expect.objectContaining({ subject: 'PodDisruptionBudget/api', aspect: 'removed', before: 'maxUnavailable 1', risks: [{ flag: 'pdb-removed', reason: 'Rollout/api has no disruption budget any more' }] })]);
  });

  it('GIVEN a whole workload removed THEN its PDB removal is no risk', () => {
    // GIVEN
    const before = api();
    // WHEN
    const changes = compareManifests(before, []);
    // THEN
    expect(flags(changes)).toEqual([]);
    expect(changes.map((c) => c.subject)).toEqual(['AnalysisTemplate/api-slo', 'HorizontalPodAutoscaler/api', 'HTTPRoute/api', 'PodDisruptionBudget/api', 'PodMonitor/api', 'PrometheusRule/api-slo', 'Rollout/api', 'Service/api-canary', 'Service/api', 'Namespace/acme-prod', 'NetworkPolicy/allow-dns', 'NetworkPolicy/api', 'NetworkPolicy/default-deny']);
  });

  it('GIVEN a Service moved to a later wave and a Job that lost its hook THEN both are wave-moved', () => {
    // GIVEN
    const before = api();
    const moved = edit(before, 'acme/prod/api/service-api.yaml', (m) => {
      m.metadata.annotations['argocd.argoproj.io/sync-wave'] = '40';
    });
    const job = { path: 'acme/prod/api-migrations/job-api-migrate.yaml', manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'api-migrate', annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/sync-wave': '0' } } } };
    const unhooked = { ...job, manifest: { ...job.manifest, metadata: { name: 'api-migrate', annotations: { 'argocd.argoproj.io/sync-wave': '0' } } } };
    // WHEN
    const changes = compareManifests([...before, job], [...moved, unhooked]);
    // THEN
    expect(rows(changes)).toEqual([
      ['api', 'Service/api', 'sync wave', '10', '40', 'later', ['wave-moved']],
      ['api-migrations', 'Job/api-migrate', 'hook', 'PreSync', 'none (Sync phase)', undefined, ['wave-moved']],
    ]);
  });

  it('GIVEN a blue-green keeping blue 60 s instead of 600 s THEN rollback-window-shortened', () => {
    // GIVEN
    const web = (scaleDownDelaySeconds: number) => synthPlatform((env) => new WebFrontend(env, 'web', {
      image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/healthz'), trafficRouter: router, blueGreen: { scaleDownDelaySeconds },
    }), [Environment.prod({ frontendDelivery: FrontendDelivery.BLUE_GREEN })]);
    // WHEN
    const changes = compareManifests(web(600), web(60));
    // THEN
    expect(rows(changes)).toEqual([['web', 'Rollout/web', 'scaleDownDelaySeconds', '600', '60', undefined, ['rollback-window-shortened']]]);
  });

  it('GIVEN a KEDA worker with min 1 and a higher lag threshold THEN the bounds, the threshold and min-replicas-one', () => {
    // GIVEN
    const worker = (minReplicas: number, lagThreshold: number) => synthPlatform((env) => new QueueWorker(env, 'worker', {
      image: DIGEST_IMAGE,
      autoscaling: Autoscaling.natsJetStream({ minReplicas, maxReplicas: 10, monitoringEndpoint: 'nats-headless.acme-prod.svc.cluster.local:8222', stream: 'JOBS', consumer: 'worker', lagThreshold }),
    }), [Environment.prod()]);
    // WHEN
    const changes = compareManifests(worker(2, 100), worker(1, 500));
    // THEN
    expect(rows(changes)).toEqual([
      ['worker', 'ScaledObject/worker', 'minReplicaCount', '2', '1', undefined, ['min-replicas-one']],
      ['worker', 'ScaledObject/worker', 'trigger nats-jetstream lagThreshold', '100', '500', undefined, []],
    ]);
  });

  it('GIVEN an AnalysisTemplate metric removed THEN analysis-weakened names it', () => {
    // GIVEN
    const before = api();
    const after = edit(before, 'acme/prod/api/analysistemplate-api-slo.yaml', (m) => {
      m.spec.metrics = m.spec.metrics.filter((x: any) => x.name !== 'latency-p99');
    });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(changes).toEqual([expect.objectContaining({ field: 'metric latency-p99', note: 'removed', risks: [{ flag: 'analysis-weakened', reason: 'metric latency-p99 removed: it no longer gates the rollout' }] })]);
  });

  it('GIVEN a hand-written template whose Prometheus address and long query changed THEN one line each, the query as size and hash with a line diff; another provider type is one line', () => {
    // GIVEN
    const query = (window: string) => `sum(rate(http_requests_total{job="checkout", code=~"5.."}[${window}])) / sum(rate(http_requests_total{job="checkout"}[${window}])) or vector(0)`;
    const metric = (address: string, window: string) => ({ name: 'errors', provider: { prometheus: { address, query: query(window) } } });
    const template = (metrics: unknown[]) => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisTemplate', metadata: { name: 'checkout' }, spec: { metrics } });
    const before = [{ path: 'shop/prod/checkout/analysistemplate-checkout.yaml', manifest: template([metric('http://prom:9090', '5m')]) }];
    const after = [{ path: 'shop/prod/checkout/analysistemplate-checkout.yaml', manifest: template([metric('http://thanos:9090', '10m')]) }];
    const web = [{ path: before[0].path, manifest: template([{ name: 'errors', provider: { web: { url: 'http://errors/' } } }]) }];
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([
      ['checkout', 'AnalysisTemplate/checkout', 'metric errors prometheus address', 'http://prom:9090', 'http://thanos:9090', undefined, []],
      ['checkout', 'AnalysisTemplate/checkout', 'metric errors query', '129 characters, sha256:d49452128364', '131 characters, sha256:803fb92c0791', undefined, []],
    ]);
    expect(changes[1].lineDiff).toEqual(['@@ 2 places @@', '-5m', '+10m']);
    expect(rows(compareManifests(before, web))).toEqual([['checkout', 'AnalysisTemplate/checkout', 'metric errors provider', 'prometheus', 'web', 'compare by hand', []]]);
  });

  it('GIVEN a changed analysis arg THEN it is listed as another field of the Rollout', () => {
    // GIVEN
    const before = api();
    const after = edit(before, 'acme/prod/api/rollout-api.yaml', (m) => {
      m.spec.strategy.canary.steps[1].analysis.args[0].value = 'elsewhere';
    });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([['api', 'Rollout/api', 'other fields', undefined, 'spec.strategy.canary.steps[1].analysis.args[namespace].value', undefined, []]]);
  });
});
