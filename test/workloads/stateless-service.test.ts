import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { Environment } from '../../lib/core/environment.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { CanaryStep } from '../../lib/delivery/canary-step.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { Probe } from '../../lib/pod/probe.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { StatelessService, StatelessServiceProps } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const router = TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] });
const base: StatelessServiceProps = {
  image: DIGEST_IMAGE,
  readinessProbe: Probe.httpGet('/readyz'),
  trafficRouter: router,
  autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 9 }),
};

function synthApi(props: Partial<StatelessServiceProps> = {}, environments?: Environment[]) {
  return synthPlatform((env) => new StatelessService(env, 'api', { ...base, ...props }), environments);
}

describe('StatelessService in prod (canary)', () => {
  // GIVEN the default service with a Gateway API router and an HPA
  const objects = synthApi();
  const rollout = manifestOf(objects, 'prod', 'Rollout', 'api');
  const canary = rollout.spec.strategy.canary;

  it('emits exactly the canary set of objects, one file each', () => {
    expect(objectsOf(objects, 'prod', 'api').map((o) => o.path)).toEqual([
      'acme/prod/api/analysistemplate-api-slo.yaml',
      'acme/prod/api/horizontalpodautoscaler-api.yaml',
      'acme/prod/api/httproute-api.yaml',
      'acme/prod/api/poddisruptionbudget-api.yaml',
      'acme/prod/api/podmonitor-api.yaml',
      'acme/prod/api/prometheusrule-api-slo.yaml',
      'acme/prod/api/rollout-api.yaml',
      'acme/prod/api/service-api-canary.yaml',
      'acme/prod/api/service-api.yaml',
    ]);
  });

  it('runs 10% → analysis → 30% → analysis with the SLO template scoped to the canary hash', () => {
    const analysis = {
      templates: [{ templateName: 'api-slo' }],
      args: [
        { name: 'namespace', value: 'acme-prod' },
        { name: 'workload', value: 'api' },
        { name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } },
        { name: 'stable-hash', valueFrom: { podTemplateHashValue: 'Stable' } },
      ],
    };
    // The step before the last lets a canary that is not significantly bad on to the next step (verdict line z).
    const before = { ...analysis, args: [...analysis.args, { name: 'verdict-pass-line', value: '2.326' }] };
    expect(canary.steps).toEqual([{ setWeight: 10 }, { analysis: before }, { setWeight: 30 }, { analysis }]);
    expect(rollout.spec.progressDeadlineAbort).toBe(true);
  });

  it('uses an inline pod template and routes through the gatewayAPI plugin to the HTTPRoute', () => {
    expect(rollout.spec.workloadRef).toBeUndefined();
    expect(rollout.spec.template.spec.containers).toHaveLength(1);
    expect(canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'api', namespace: 'acme-prod' } } });
    const route = manifestOf(objects, 'prod', 'HTTPRoute', 'api');
    expect(route.spec.rules[0].backendRefs.map((b: any) => [b.name, b.weight])).toEqual([['api', 100], ['api-canary', 0]]);
    expect([canary.stableService, canary.canaryService]).toEqual(['api', 'api-canary']);
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', namespace: 'gateway-system' }]);
  });

  it('gives both Services a selector that is a subset of the pod labels', () => {
    const podLabels = rollout.spec.template.metadata.labels;
    for (const name of ['api', 'api-canary']) {
      const selector = manifestOf(objects, 'prod', 'Service', name).spec.selector;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(selector)) expect(podLabels[k]).toBe(v);
    }
  });

  it('omits spec.replicas under the HPA, targets the Rollout, and pins canary scaling', () => {
    expect('replicas' in rollout.spec).toBe(false);
    const hpa = manifestOf(objects, 'prod', 'HorizontalPodAutoscaler', 'api');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'api' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 9]);
    expect(canary.dynamicStableScale).toBe(true);
    expect(canary.abortScaleDownDelaySeconds).toBeUndefined();
  });

  it('derives a terminating AnalysisTemplate from the SLO', () => {
    const template = manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo');
    expect(template.spec.metrics.map((m: any) => m.name)).toEqual(['success-rate', 'latency-p99', 'restarts', 'success-rate-verdict', 'latency-p99-verdict']);
    for (const m of template.spec.metrics.slice(0, 3)) {
      // Evidence accumulates over the step: measured every minute, they abort on evidence; the verdicts decide a pass.
      expect(m).toMatchObject({ initialDelay: '1m', interval: '1m', count: 5, failureLimit: 1, inconclusiveLimit: 3, consecutiveErrorLimit: 2 });
      expect(m.count).toBeGreaterThanOrEqual(m.failureLimit + 1);
      expect(m.provider.prometheus.query).toContain('pod=~"{{args.workload}}-{{args.canary-hash}}-[a-z0-9]+"');
    }
    const [success, latency, restarts, successVerdict, latencyVerdict] = template.spec.metrics;
    // Both are scores (standard deviations above the abort line): fail above z(0.99) = 2.326.
    // During the step no data (too few requests yet) passes: the verdict at the step's end needs the data. NaN (a stable
    // past the abort line) is inconclusive.
    expect(success.successCondition).toBe('len(result) == 0 || ((len(result) > 0 && !isNaN(result[0])) && result[0] <= 2.326)');
    expect(success.failureCondition).toBe('(len(result) > 0 && !isNaN(result[0])) && result[0] > 2.326');
    // The abort line of the success rate (0.99 → 1 % errors) and of latency (0.75 s, 1 % slower) are in the queries.
    expect(success.provider.prometheus.query).toContain('0.01, 0.02) or vector(0.01)');
    // Counted over the 5 m evidence window at the 30 s scrape step.
    expect(success.provider.prometheus.query).toContain('[5m] offset 30s)) >= 0)');
    expect(success.provider.prometheus.query).toContain('[5m:30s])');
    expect(success.provider.prometheus.query).toContain('http_response_status_code=~"5.."');
    expect(latency.provider.prometheus.query).toContain('le=~"0[.]750*"');
    // Latency: no data passes.
    expect(latency.successCondition).toBe('len(result) == 0 || ((len(result) > 0 && !isNaN(result[0])) && result[0] <= 2.326)');
    expect(latency.failureCondition).toBe('(len(result) > 0 && !isNaN(result[0])) && result[0] > 2.326');
    // Restarts: any container restart of a canary pod fails; no series at all is inconclusive.
    expect(restarts.provider.prometheus.query).toContain('kube_pod_container_status_restarts_total{namespace="{{args.namespace}}", pod=~"{{args.workload}}-{{args.canary-hash}}-[a-z0-9]+"}');
    expect(restarts.successCondition).toBe('(len(result) > 0 && !isNaN(result[0])) && result[0] <= 0');
    expect(restarts.failureCondition).toBe('(len(result) > 0 && !isNaN(result[0])) && result[0] > 0');
    // The verdicts: the same scores, measured once at the step's end over the canary's whole life (10 m: two 5 m
    // analysis steps), passing at ≤ the step's verdict-pass-line and failing above z; success-rate no data is
    // inconclusive (a pause), latency no data passes.
    for (const [verdict, guard] of [[successVerdict, success], [latencyVerdict, latency]]) {
      expect(verdict).toMatchObject({ initialDelay: '5m', count: 1, failureLimit: 0, inconclusiveLimit: 0, consecutiveErrorLimit: 2 });
      expect(verdict.interval).toBeUndefined();
      expect(verdict.provider.prometheus.query).toBe(guard.provider.prometheus.query.replaceAll('[5m', '[10m'));
      expect(verdict.failureCondition).toBe(guard.failureCondition);
    }
    expect(successVerdict.successCondition).toBe('(len(result) > 0 && !isNaN(result[0])) && result[0] <= {{args.verdict-pass-line}}');
    expect(latencyVerdict.successCondition).toBe('len(result) == 0 || ((len(result) > 0 && !isNaN(result[0])) && result[0] <= {{args.verdict-pass-line}})');
    // The promotion's line is the template's default; the step before the last passes z: it only needs the data and no
    // significant excess, and a canary in between goes on to the next step's evidence.
    expect(template.spec.args).toContainEqual({ name: 'verdict-pass-line', value: '0.674' });
    const rollout = manifestOf(objects, 'prod', 'Rollout', 'api');
    const passLines = rollout.spec.strategy.canary.steps.filter((st: any) => st.analysis).map((st: any) => st.analysis.args.find((a: any) => a.name === 'verdict-pass-line')?.value);
    expect(passLines).toEqual(['2.326', undefined]);
  });

  it('adds the saturation SLI when asked', () => {
    const objs = synthApi({ slo: { cpuSaturationPassBelow: 0.7 } }, [Environment.prod()]);
    const metrics = manifestOf(objs, 'prod', 'AnalysisTemplate', 'api-slo').spec.metrics;
    expect(metrics.map((m: any) => m.name)).toEqual(['success-rate', 'latency-p99', 'restarts', 'cpu-saturation', 'success-rate-verdict', 'latency-p99-verdict']);
    expect(metrics[3].successCondition).toContain('result[0] <= 0.7');
    expect(metrics[3].failureCondition).toContain('result[0] > 0.85');
  });

  it('has a PDB that always allows a drain', () => {
    const pdb = manifestOf(objects, 'prod', 'PodDisruptionBudget', 'api');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/part-of': 'acme' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  it('runs a restricted, resource-bounded pod with graceful shutdown', () => {
    const pod = rollout.spec.template.spec;
    const c = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } });
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8080 });
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('puts the Rollout and its HPA in the last wave and everything else before it', () => {
    const waves = objectsOf(objects, 'prod').map((o) => [o.manifest.kind, Number(o.manifest.metadata.annotations['argocd.argoproj.io/sync-wave'])] as const);
    const rolloutWave = waves.find(([k]) => k === 'Rollout')![1];
    expect(rolloutWave).toBe(30);
    // An HPA synced before its target reports Degraded (FailedGetScale) and would hold the wave back.
    expect(waves.find(([k]) => k === 'HorizontalPodAutoscaler')![1]).toBe(rolloutWave);
    for (const [kind, wave] of waves) if (kind !== 'Rollout' && kind !== 'HorizontalPodAutoscaler') expect(wave, kind).toBeLessThan(rolloutWave);
  });
});

describe('StatelessService in dev and staging (rolling)', () => {
  const objects = synthApi({ autoscaling: undefined, replicas: 4, environments: { dev: { image: 'ghcr.io/acme/api:main' } } });

  it.each(['dev', 'staging'])('%s emits a rolling Deployment with the same Service, route and PDB, and no canary', (env) => {
    const kinds = objectsOf(objects, env, 'api').map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}`);
    expect(kinds).toEqual(['Deployment/api', 'HTTPRoute/api', 'PodDisruptionBudget/api', 'Service/api']);
    const deployment = manifestOf(objects, env, 'Deployment', 'api');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    const route = manifestOf(objects, env, 'HTTPRoute', 'api');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'api', port: 80, weight: 100 }]);
  });

  it('scales replicas per environment (4 → dev 1, staging 2, prod 4)', () => {
    expect(manifestOf(objects, 'dev', 'Deployment', 'api').spec.replicas).toBe(1);
    expect(manifestOf(objects, 'staging', 'Deployment', 'api').spec.replicas).toBe(2);
    expect(manifestOf(objects, 'prod', 'Rollout', 'api').spec.replicas).toBe(4);
  });

  it('accepts a tag in dev only', () => {
    expect(manifestOf(objects, 'dev', 'Deployment', 'api').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:main');
    expect(manifestOf(objects, 'staging', 'Deployment', 'api').spec.template.spec.containers[0].image).toBe(DIGEST_IMAGE);
  });

  it('targets the Deployment with the HPA where it rolls', () => {
    const objs = synthApi({}, [Environment.staging()]);
    const hpa = manifestOf(objs, 'staging', 'HorizontalPodAutoscaler', 'api');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 5]);
    expect('replicas' in manifestOf(objs, 'staging', 'Deployment', 'api').spec).toBe(false);
  });

  it('lets one environment override the strategy with a typed value', () => {
    const objs = synthApi({ environments: { staging: { strategy: Strategy.canary() } } }, [Environment.staging()]);
    expect(manifestOf(objs, 'staging', 'Rollout', 'api').spec.strategy.canary.steps).toHaveLength(4);
  });
});

describe('StatelessService errors', () => {
  it('requires a readiness probe', () => {
    const findings = synthFindings(() => synthApi({ readinessProbe: undefined }, [Environment.prod()]));
    expect(findings.map(formatFinding)).toEqual([
      'acme/prod/api: readinessProbe = undefined: is required: without it a pod receives traffic, and a rollout proceeds, before the app can serve [props/readiness-probe-required] Fix: add `readinessProbe: Probe.httpGet(\'/readyz\')` (or Probe.tcpSocket() / Probe.grpc())',
    ]);
  });

  it('rejects a tag-only image in prod with the value and the fix', () => {
    const findings = synthFindings(() => synthApi({ image: 'ghcr.io/acme/api:1.2.3' }, [Environment.dev(), Environment.prod()]));
    expect(findings).toEqual([
      expect.objectContaining({
        location: 'acme/prod/api',
        field: 'image',
        value: 'ghcr.io/acme/api:1.2.3',
        rule: 'props/image',
        message: 'is not pinned by digest, and environment "prod" requires digests (tags are mutable, so a revert would not restore the same code)',
      }),
    ]);
    expect(findings[0].fix).toContain('@sha256:');
  });

  it('rejects invalid step weights, each with its index', () => {
    const steps = [CanaryStep.setWeight(0), CanaryStep.analysis(), CanaryStep.setWeight(150), CanaryStep.setWeight(30), CanaryStep.setWeight(20), CanaryStep.analysis()];
    const findings = synthFindings(() => synthApi({ canary: { steps } }, [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.value, f.message])).toEqual([
      ['canary.steps[0].setWeight', 0, 'must be a whole percentage from 1 to 100'],
      ['canary.steps[2].setWeight', 150, 'must be a whole percentage from 1 to 100'],
      ['canary.steps[4].setWeight', 20, 'must be above the previous weight (30): canary traffic only grows, an abort is what sends it back'],
    ]);
  });

  it('rejects a canary without analysis', () => {
    const findings = synthFindings(() => synthApi({ canary: { steps: [CanaryStep.setWeight(50), CanaryStep.pause(Duration.minutes(5))] } }, [Environment.prod()]));
    expect(findings.map((f) => f.message)).toEqual(['has no analysis step, so a bad canary could never abort automatically']);
  });

  it('rejects HPA min > max', () => {
    const findings = synthFindings(() => synthApi({ autoscaling: Autoscaling.horizontal({ minReplicas: 5, maxReplicas: 2 }) }, [Environment.prod()]));
    expect(findings.map(formatFinding)).toEqual([
      'acme/prod/api: autoscaling.minReplicas = 5: is greater than maxReplicas (2) [props/invalid] Fix: lower minReplicas to at most 2 or raise maxReplicas to at least 5',
    ]);
  });

  it('collects every problem of every environment in one synth', () => {
    const findings = synthFindings(() => synthApi({ image: 'ghcr.io/acme/api:1.2.3', readinessProbe: undefined, autoscaling: Autoscaling.horizontal({ minReplicas: 5, maxReplicas: 2 }) }));
    expect(findings.map((f) => `${f.location} ${f.field}`)).toEqual([
      'acme/dev/api readinessProbe',
      'acme/dev/api autoscaling.minReplicas',
      'acme/staging/api image',
      'acme/staging/api readinessProbe',
      'acme/staging/api autoscaling.minReplicas',
      'acme/prod/api image',
      'acme/prod/api readinessProbe',
      'acme/prod/api autoscaling.minReplicas',
    ]);
  });

  it('rejects a basic canary whose replicas cannot express the first weight', () => {
    const findings = synthFindings(() => synthApi({ trafficRouter: undefined, autoscaling: undefined, replicas: 3 }, [Environment.prod()]));
    expect(findings).toEqual([expect.objectContaining({ field: 'replicas', value: 3, rule: 'rollout/basic-canary-weight' })]);
    expect(findings[0].message).toContain('needs at least 10 pods');
  });

  it('accepts a basic canary with enough pods, without dynamicStableScale', () => {
    const objs = synthApi({ trafficRouter: undefined, autoscaling: undefined, replicas: 10 }, [Environment.prod()]);
    const canary = manifestOf(objs, 'prod', 'Rollout', 'api').spec.strategy.canary;
    expect(canary.trafficRouting).toBeUndefined();
    expect(canary.dynamicStableScale).toBeUndefined();
  });

  it('rejects abortScaleDownDelaySeconds on an autoscaled routed canary (argo-rollouts#4898)', () => {
    const findings = synthFindings(() => synthApi({ canary: { abortScaleDownDelaySeconds: 30 } }, [Environment.prod()]));
    expect(findings).toEqual([expect.objectContaining({ field: 'canary.abortScaleDownDelaySeconds', rule: 'rollout/dynamic-stable-scale-abort-delay' })]);
  });

  it('rejects replicas together with autoscaling, and an unknown environment override', () => {
    const findings = synthFindings(() => synthApi({ replicas: 3, environments: { production: { replicas: 2 } } }, [Environment.prod()]));
    // The props check (environment keys) runs before the workload resolves its props.
    expect(findings.map((f) => [f.field, f.value])).toEqual([
      ['environments.production', 'production'],
      ['replicas', 3],
    ]);
  });

  it('rejects a grace period shorter than preStop', () => {
    const findings = synthFindings(() => synthApi({ terminationGracePeriodSeconds: 5 }, [Environment.prod()]));
    expect(findings).toEqual([expect.objectContaining({ field: 'terminationGracePeriodSeconds', value: 5 })]);
    expect(findings[0].fix).toBe('set terminationGracePeriodSeconds to at least 15');
  });

  it('keeps the analysis terminating and able to fail (count, failureLimit, inconclusiveLimit, interval)', () => {
    const findings = synthFindings(() => synthApi({ slo: { count: 0, inconclusiveLimit: 2, interval: Duration.millis(1500) } }, [Environment.prod()]));
    expect(findings.map((f) => [f.field, f.value])).toEqual([
      ['slo.count', 0],
      ['slo.failureLimit', 1],
      ['slo.inconclusiveLimit', 2],
      ['slo.interval', 1.5],
    ]);
    expect(findings[1].message).toBe('must be below count (0), or the analysis could never fail');
  });

  it('rejects pass/fail thresholds in the wrong order', () => {
    const findings = synthFindings(() => synthApi({ slo: { successRate: 0.99, successRateFailBelow: 0.995, latencyP99: Duration.millis(500), latencyP99FailAbove: Duration.millis(250) } }, [Environment.prod()]));
    expect(findings.map((f) => f.field)).toEqual(['slo.successRateFailBelow', 'slo.latencyP99FailAbove']);
  });

  it('rejects both surge values at zero', () => {
    const findings = synthFindings(() => synthApi({ rolling: { maxSurge: 0, maxUnavailable: '0%' } }, [Environment.dev()]));
    expect(findings).toEqual([expect.objectContaining({ field: 'rolling.maxSurge', value: 0 })]);
  });
});

describe('StatelessService snapshots', () => {
  const objects = synthApi();
  it.each(['dev', 'staging', 'prod'])('%s', (env) => {
    const yaml = objectsOf(objects, env).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
