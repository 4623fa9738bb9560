import { Duration } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { Environment, FrontendDelivery } from '../../lib/core/environment.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { Probe } from '../../lib/pod/probe.js';
import { toYaml } from '../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { checkRollouts } from '../../lib/validation/rollout-rules.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { WebFrontend, WebFrontendProps } from '../../lib/workloads/web-frontend.js';
import { DIGEST_IMAGE, manifestOf, objectsOf, synthFindings, synthPlatform } from '../helpers.js';

const router = TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['www.acme.example'] });
// Props both serving classes accept, so the canary can be compared with a StatelessService's.
const base = {
  image: DIGEST_IMAGE,
  readinessProbe: Probe.httpGet('/readyz'),
  trafficRouter: router,
  autoscaling: Autoscaling.horizontal({ minReplicas: 3, maxReplicas: 9 }),
} satisfies WebFrontendProps;
const prodOnly = () => [Environment.prod()];

function synthWeb(props: Partial<WebFrontendProps> = {}, environments?: Environment[]) {
  return synthPlatform((env) => new WebFrontend(env, 'web', { ...base, ...props }), environments);
}

const WAVE = 'argocd.argoproj.io/sync-wave';
let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('WebFrontend in prod (blue-green)', () => {
  // GIVEN the default frontend with a Gateway API router and an HPA, in dev, staging and prod
  const objects = synthWeb();
  const rollout = manifestOf(objects, 'prod', 'Rollout', 'web');
  const blueGreen = rollout.spec.strategy.blueGreen;

  it('emits exactly the blue-green set of objects, one file each, each in its wave', () => {
    expect(objectsOf(objects, 'prod', 'web').map((o) => [o.path, o.manifest.metadata.annotations[WAVE]])).toEqual([
      ['acme/prod/web/analysistemplate-web-smoke-test.yaml', '10'],
      ['acme/prod/web/horizontalpodautoscaler-web.yaml', '30'],
      ['acme/prod/web/httproute-web.yaml', '10'],
      ['acme/prod/web/poddisruptionbudget-web.yaml', '10'],
      ['acme/prod/web/rollout-web.yaml', '30'],
      ['acme/prod/web/service-web-preview.yaml', '10'],
      ['acme/prod/web/service-web.yaml', '10'],
    ]);
  });

  it('flips between an active and a preview Service that select a subset of the pod labels', () => {
    expect([blueGreen.activeService, blueGreen.previewService]).toEqual(['web', 'web-preview']);
    expect(rollout.spec.strategy.canary).toBeUndefined();
    const podLabels = rollout.spec.template.metadata.labels;
    for (const name of ['web', 'web-preview']) {
      const service = manifestOf(objects, 'prod', 'Service', name);
      expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'acme' });
      for (const [k, v] of Object.entries(service.spec.selector)) expect(podLabels[k]).toBe(v);
      expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    }
  });

  it('promotes automatically once the smoke test passed and keeps blue for 600 s', () => {
    expect(blueGreen.autoPromotionEnabled).toBe(true);
    expect(blueGreen.scaleDownDelaySeconds).toBe(600);
    for (const unset of ['autoPromotionSeconds', 'previewReplicaCount', 'abortScaleDownDelaySeconds', 'postPromotionAnalysis', 'trafficRouting']) expect(blueGreen[unset], unset).toBeUndefined();
    expect([rollout.spec.progressDeadlineAbort, rollout.spec.workloadRef]).toEqual([true, undefined]);
  });

  it('gates promotion on the smoke-test template, passing every argument it declares', () => {
    expect(blueGreen.prePromotionAnalysis).toEqual({
      templates: [{ templateName: 'web-smoke-test' }],
      args: [
        { name: 'service', value: 'web-preview' },
        { name: 'namespace', value: 'acme-prod' },
        { name: 'port', value: '80' },
      ],
    });
    const template = manifestOf(objects, 'prod', 'AnalysisTemplate', 'web-smoke-test');
    expect(template.spec.args).toEqual([{ name: 'service' }, { name: 'namespace' }, { name: 'port' }]);
  });

  it('smoke-tests the preview Service with 3 GETs that must all answer 2xx (one transient error retried), and terminates', () => {
    const template = manifestOf(objects, 'prod', 'AnalysisTemplate', 'web-smoke-test');
    expect(template.spec.metrics).toEqual([{
      name: 'smoke-test',
      count: 3,
      interval: '10s',
      failureLimit: 0,
      consecutiveErrorLimit: 1,
      successCondition: 'true',
      provider: { web: { url: 'http://{{args.service}}.{{args.namespace}}.svc.cluster.local:{{args.port}}/', method: 'GET', timeoutSeconds: 5 } },
    }]);
    // The URL the controller calls, once the Rollout's args are substituted.
    const args = Object.fromEntries(blueGreen.prePromotionAnalysis.args.map((a: any) => [a.name, a.value]));
    const url = template.spec.metrics[0].provider.web.url.replace(/\{\{args\.([a-z-]+)\}\}/g, (_: string, name: string) => args[name]);
    expect(url).toBe('http://web-preview.acme-prod.svc.cluster.local:80/');
  });

  it('routes users to the active Service only: one backendRef, no weights for a plugin to shift', () => {
    const route = manifestOf(objects, 'prod', 'HTTPRoute', 'web');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'web', port: 80, weight: 100 }]);
    expect(route.spec.hostnames).toEqual(['www.acme.example']);
  });

  it('leaves spec.replicas to the HPA, which targets the Rollout', () => {
    expect('replicas' in rollout.spec).toBe(false);
    const hpa = manifestOf(objects, 'prod', 'HorizontalPodAutoscaler', 'web');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'web' });
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([3, 9]);
  });

  it('inherits the PDB, readiness probe, graceful shutdown and restricted pod', () => {
    const pdb = manifestOf(objects, 'prod', 'PodDisruptionBudget', 'web');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/part-of': 'acme' } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const pod = rollout.spec.template.spec;
    const c = pod.containers[0];
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 8080 });
    expect(c.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(rollout.metadata.labels['app.kubernetes.io/component']).toBe('web-frontend');
  });

  it('validates every object of every environment against the upstream schemas', () => {
    expect(objects.length).toBeGreaterThan(15);
    expect(objects.flatMap((o) => validator.validate(o.manifest, o.constructPath))).toEqual([]);
    // The check is not vacuous: a misspelt blue-green or web-provider field is an error.
    const bad = structuredClone(rollout);
    bad.spec.strategy.blueGreen.scaleDownDelaySecond = 600;
    const template = structuredClone(manifestOf(objects, 'prod', 'AnalysisTemplate', 'web-smoke-test'));
    template.spec.metrics[0].provider.web.timeout = 5;
    expect([...validator.validate(bad, 'rollout'), ...validator.validate(template, 'template')].map((f) => [f.rule, f.field])).toEqual([
      ['schema/unknown-field', 'spec.strategy.blueGreen.scaleDownDelaySecond'],
      ['schema/unknown-field', 'spec.metrics[0].provider.web.timeout'],
    ]);
  });
});

describe('WebFrontend promotion settings', () => {
  it('renders previewReplicaCount, autoPromotionSeconds, delays and a JSON smoke test as given', () => {
    // GIVEN a preview of one pod, a 2-minute look at it, and a JSON health check
    const objs = synthWeb({
      autoscaling: undefined,
      replicas: 4,
      blueGreen: {
        previewReplicaCount: 1,
        autoPromotionSeconds: 120,
        scaleDownDelaySeconds: 60,
        abortScaleDownDelaySeconds: 0,
        smokeTest: { path: '/healthz?deep=1', successCondition: 'result == "ok"', jsonPath: '{$.status}', count: 5, interval: Duration.seconds(20), failureLimit: 1, timeoutSeconds: 3 },
      },
    }, prodOnly());
    const rollout = manifestOf(objs, 'prod', 'Rollout', 'web');
    expect(rollout.spec.replicas).toBe(4);
    expect(rollout.spec.strategy.blueGreen).toMatchObject({ autoPromotionEnabled: true, autoPromotionSeconds: 120, previewReplicaCount: 1, scaleDownDelaySeconds: 60, abortScaleDownDelaySeconds: 0 });
    const [metric] = manifestOf(objs, 'prod', 'AnalysisTemplate', 'web-smoke-test').spec.metrics;
    expect(metric).toMatchObject({ count: 5, interval: '20s', failureLimit: 1, consecutiveErrorLimit: 1, successCondition: 'result == "ok"' });
    expect(metric.provider.web).toEqual({ url: 'http://{{args.service}}.{{args.namespace}}.svc.cluster.local:{{args.port}}/healthz?deep=1', method: 'GET', timeoutSeconds: 3, jsonPath: '{$.status}' });
    expect(objs.flatMap((o) => validator.validate(o.manifest, o.constructPath))).toEqual([]);
  });

  it('supports a manual promotion and a named preview Service', () => {
    const objs = synthWeb({ blueGreen: { autoPromotionEnabled: false, previewServiceName: 'web-green' } }, prodOnly());
    const blueGreen = manifestOf(objs, 'prod', 'Rollout', 'web').spec.strategy.blueGreen;
    expect([blueGreen.autoPromotionEnabled, blueGreen.previewService, blueGreen.prePromotionAnalysis.args[0].value]).toEqual([false, 'web-green', 'web-green']);
    expect(manifestOf(objs, 'prod', 'Service', 'web-green').spec.type).toBe('ClusterIP');
  });

  it('points an NGINX Ingress at the active Service', () => {
    const objs = synthWeb({ trafficRouter: TrafficRouter.nginx({ host: 'www.acme.example' }) }, prodOnly());
    const paths = manifestOf(objs, 'prod', 'Ingress', 'web').spec.rules[0].http.paths;
    expect(paths.map((p: any) => p.backend.service)).toEqual([{ name: 'web', port: { number: 80 } }]);
  });
});

describe('WebFrontend canary, where the environment asks for it', () => {
  const environments = [Environment.prod({ frontendDelivery: FrontendDelivery.CANARY })];
  const objs = synthWeb({}, environments);

  it('emits exactly the StatelessService canary: same steps, analysis, router and Services', () => {
    expect(objectsOf(objs, 'prod', 'web').map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}/${o.manifest.metadata.annotations[WAVE]}`)).toEqual([
      'AnalysisTemplate/web-slo/10', 'HorizontalPodAutoscaler/web/30', 'HTTPRoute/web/10', 'PodDisruptionBudget/web/10', 'PodMonitor/web/10', 'PrometheusRule/web-slo/10', 'Rollout/web/30', 'Service/web-canary/10', 'Service/web/10',
    ]);
    // GIVEN a StatelessService with the same props; THEN everything but the component label is identical
    const service = synthPlatform((env) => new StatelessService(env, 'web', base), environments);
    const strip = (m: Record<string, any>) => JSON.parse(JSON.stringify(m).replaceAll('"web-frontend"', '"stateless-service"'));
    expect(objectsOf(objs, 'prod', 'web').map((o) => strip(o.manifest))).toEqual(objectsOf(service, 'prod', 'web').map((o) => o.manifest));
  });

  it('can be chosen for one environment with a typed override', () => {
    const over = synthWeb({ environments: { prod: { strategy: Strategy.canary() } } }, prodOnly());
    const strategy = manifestOf(over, 'prod', 'Rollout', 'web').spec.strategy;
    expect([Object.keys(strategy), strategy.canary.canaryService]).toEqual([['canary'], 'web-canary']);
  });
});

describe('WebFrontend in dev and staging (rolling)', () => {
  const objects = synthWeb({ autoscaling: undefined, replicas: 4, environments: { dev: { image: 'ghcr.io/acme/web:main' } } });

  it.each(['dev', 'staging'])('%s emits a rolling Deployment with the Service, route and PDB, and no preview', (env) => {
    expect(objectsOf(objects, env, 'web').map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}/${o.manifest.metadata.annotations[WAVE]}`))
      .toEqual(['Deployment/web/20', 'HTTPRoute/web/10', 'PodDisruptionBudget/web/10', 'Service/web/10']);
    const deployment = manifestOf(objects, env, 'Deployment', 'web');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } });
    expect(deployment.spec.replicas).toBe(env === 'dev' ? 1 : 2);
  });

  it('can run blue-green in staging with a typed override', () => {
    const objs = synthWeb({ environments: { staging: { strategy: Strategy.blueGreen({ scaleDownDelaySeconds: 30 }) } } }, [Environment.staging()]);
    const blueGreen = manifestOf(objs, 'staging', 'Rollout', 'web').spec.strategy.blueGreen;
    expect([blueGreen.scaleDownDelaySeconds, blueGreen.prePromotionAnalysis.args[1].value]).toEqual([30, 'acme-staging']);
  });
});

describe('WebFrontend errors', () => {
  it('requires a readiness probe', () => {
    const findings = synthFindings(() => synthWeb({ readinessProbe: undefined }, prodOnly()));
    expect(findings.map(formatFinding)).toEqual([
      "acme/prod/web: readinessProbe = undefined: is required: without it a pod receives traffic, and a rollout proceeds, before the app can serve [props/readiness-probe-required] Fix: add `readinessProbe: Probe.httpGet('/readyz')` (or Probe.tcpSocket() / Probe.grpc())",
    ]);
  });

  it('rejects a tag-only image in prod, and accepts it in dev', () => {
    const findings = synthFindings(() => synthWeb({ image: 'ghcr.io/acme/web:1.2.3' }, [Environment.dev(), Environment.prod()]));
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule, f.message])).toEqual([
      ['acme/prod/web', 'image', 'ghcr.io/acme/web:1.2.3', 'props/image', 'is not pinned by digest, and environment "prod" requires digests (tags are mutable, so a revert would not restore the same code)'],
    ]);
  });

  it('rejects invalid promotion values, each with its field, value and rule', () => {
    const findings = synthFindings(() => synthWeb({ blueGreen: { scaleDownDelaySeconds: -30, previewReplicaCount: 10, autoPromotionSeconds: 2.5 } }, prodOnly()));
    expect(findings.map((f) => [f.location, f.field, f.value, f.rule])).toEqual([
      ['acme/prod/web', 'blueGreen.autoPromotionSeconds', 2.5, 'props/invalid'],
      ['acme/prod/web', 'blueGreen.scaleDownDelaySeconds', -30, 'props/invalid'],
      ['acme/prod/web', 'blueGreen.previewReplicaCount', 10, 'props/invalid'],
    ]);
    expect(findings[2].message).toBe('must be a whole number from 1 to the 9 replica(s) the workload runs at most in environment "prod": green is scaled to the full count before the flip anyway');
  });

  it('rejects an automatic promotion that would cut the smoke test short, under the override field', () => {
    // GIVEN a smoke test of up to 5 × 10 s timeouts + 4 × 30 s intervals + one retried error (10 s timeout + 10 s retry) = 190 s, and promotion after 120 s
    const strategy = Strategy.blueGreen({ autoPromotionSeconds: 120, smokeTest: { count: 5, interval: Duration.seconds(30), timeoutSeconds: 10 } });
    const findings = synthFindings(() => synthWeb({ environments: { prod: { strategy } } }, prodOnly()));
    expect(findings.map((f) => [f.field, f.value, f.rule])).toEqual([['environments.prod.strategy.autoPromotionSeconds', 120, 'rollout/auto-promotion-skips-smoke-test']]);
    expect(findings[0].fix).toBe('set autoPromotionSeconds above 190, or shorten the smoke test (count, interval, timeoutSeconds)');
  });

  it('rejects autoPromotionSeconds without automatic promotion (argoproj/argo-rollouts#2000)', () => {
    const findings = synthFindings(() => synthWeb({ blueGreen: { autoPromotionEnabled: false, autoPromotionSeconds: 600 } }, prodOnly()));
    expect(findings.map((f) => [f.field, f.rule])).toEqual([['blueGreen.autoPromotionSeconds', 'rollout/auto-promotion-seconds-ignored']]);
  });

  it('rejects a preview Service named like the active Service', () => {
    const findings = synthFindings(() => synthWeb({ blueGreen: { previewServiceName: 'web' } }, prodOnly()));
    expect(findings.map(formatFinding)).toEqual([
      'acme/prod/web: blueGreen.previewServiceName = "web": is the active Service\'s name too: Argo Rollouts needs two Services (it would point users at the untested stack) and marks the Rollout InvalidSpec [rollout/duplicate-services] Fix: use another name, e.g. "web-preview" (the default)',
    ]);
  });

  it('keeps the smoke test terminating and able to fail', () => {
    const smokeTest = { path: 'healthz', successCondition: ' ', jsonPath: '$.status', count: 0, interval: Duration.millis(1500), timeoutSeconds: 0 };
    const findings = synthFindings(() => synthWeb({ blueGreen: { smokeTest } }, prodOnly()));
    expect(findings.map((f) => [f.field, f.value])).toEqual([
      ['blueGreen.smokeTest.path', 'healthz'],
      ['blueGreen.smokeTest.successCondition', ' '],
      ['blueGreen.smokeTest.jsonPath', '$.status'],
      ['blueGreen.smokeTest.count', 0],
      ['blueGreen.smokeTest.interval', 1.5],
      ['blueGreen.smokeTest.timeoutSeconds', 0],
    ]);
    const limit = synthFindings(() => synthWeb({ blueGreen: { smokeTest: { count: 2, failureLimit: 2 } } }, prodOnly()));
    expect(limit.map((f) => [f.field, f.value, f.message])).toEqual([['blueGreen.smokeTest.failureLimit', 2, 'must be a whole number from 0 to count - 1 (1), or the smoke test could never fail']]);
  });

  it('rejects an override for an unknown environment', () => {
    const findings = synthFindings(() => synthWeb({ environments: { production: { replicas: 2 } } }, prodOnly()));
    expect(findings.map((f) => [f.field, f.value, f.fix])).toEqual([['environments.production', 'production', 'use one of: prod']]);
  });
});

describe('Argo Rollouts rules run on the blue-green output at every synth', () => {
  // GIVEN the prod manifests as the synth checks them
  const set = objectsOf(synthWeb({}, prodOnly()), 'prod').map((o) => ({ object: structuredClone(o.manifest), location: o.constructPath }));
  const rolloutOf = (s: typeof set) => s.find((m) => m.object.kind === 'Rollout')!.object;

  it('accepts the emitted set', () => {
    expect(checkRollouts(set)).toEqual([]);
  });

  it.each([
    ['activeService = previewService', (s: typeof set) => { rolloutOf(s).spec.strategy.blueGreen.previewService = 'web'; }, 'rollout/duplicate-services'],
    ['a missing smoke-test template', (s: typeof set) => { s.splice(s.findIndex((m) => m.object.kind === 'AnalysisTemplate'), 1); }, 'rollout/analysis-template-not-found'],
    ['an argument not passed', (s: typeof set) => { rolloutOf(s).spec.strategy.blueGreen.prePromotionAnalysis.args.pop(); }, 'rollout/analysis-arg-missing'],
    ['a smoke test without count', (s: typeof set) => { delete s.find((m) => m.object.kind === 'AnalysisTemplate')!.object.spec.metrics[0].count; }, 'rollout/analysis-runs-forever'],
    ['a preview selector the pods lack', (s: typeof set) => { s.find((m) => m.object.metadata.name === 'web-preview')!.object.spec.selector.tier = 'web'; }, 'rollout/service-selector-mismatch'],
  ])('would reject %s', (_what, breakIt, rule) => {
    const broken = set.map((m) => ({ ...m, object: structuredClone(m.object) }));
    breakIt(broken);
    expect(checkRollouts(broken).map((f) => f.rule)).toContain(rule);
  });
});

describe('WebFrontend snapshots', () => {
  const objects = synthWeb();
  it.each(['dev', 'staging', 'prod'])('%s', (env) => {
    const yaml = objectsOf(objects, env).map((o) => `# ${o.path}\n${toYaml(o.manifest)}`).join('---\n');
    expect(yaml).toMatchSnapshot();
  });
});
