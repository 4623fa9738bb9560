import { describe, expect, it } from 'vitest';
import { type Finding, renderValue } from '../../lib/validation/finding.js';
import { type Manifest } from '../../lib/validation/manifest.js';
import { WARNING_RULES, checkRollouts } from '../../lib/validation/rollout-rules.js';

// ---------------------------------------------------------------------------------------------------
// Fixtures: a valid canary set (Rollout + 2 Services + HTTPRoute + AnalysisTemplate) and a valid
// blue-green set. Each test changes one thing and asserts the exact findings.
// ---------------------------------------------------------------------------------------------------

const NS = 'shop';
const ROLLOUT_LOCATION = 'out/web.yaml: Rollout/shop/web';
const GATEWAY = 'argoproj-labs/gatewayAPI';
const CANARY = 'spec.strategy.canary';
const PLUGIN_PATH = `${CANARY}.trafficRouting.plugins[${GATEWAY}]`;

function canaryRollout(): any {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS },
    spec: {
      replicas: 4,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1.0.0' }] },
      },
      strategy: {
        canary: {
          canaryService: 'web-canary',
          stableService: 'web-stable',
          trafficRouting: { plugins: { [GATEWAY]: { httpRoute: 'web', namespace: NS } } },
          steps: [
            { setWeight: 10 },
            { pause: { duration: '5m' } },
            { analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service', value: 'web-canary' }] } },
            { setWeight: 50 },
            { pause: { duration: 300 } },
          ],
        },
      },
    },
  };
}

function blueGreenRollout(): any {
  const rollout = canaryRollout();
  rollout.spec.strategy = {
    blueGreen: {
      activeService: 'web-active',
      previewService: 'web-preview',
      prePromotionAnalysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service', value: 'web-preview' }] },
    },
  };
  return rollout;
}

function manifest(object: any, location = `out/${object.kind}.yaml: ${object.kind}/${object.metadata?.namespace ?? '-'}/${object.metadata?.name}`): Manifest {
  return { object, location };
}

function rolloutManifest(object: any): Manifest {
  return manifest(object, object.metadata.name === 'web' ? ROLLOUT_LOCATION : `out/${object.metadata.name}.yaml`);
}

function service(name: string, selector: Record<string, string> = { app: 'web' }, annotations?: Record<string, string>): Manifest {
  return manifest({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, ...(annotations ? { annotations } : {}) },
    spec: { selector, ports: [{ port: 80, targetPort: 'http' }] },
  });
}

function httpRoute(name: string, rules: string[][] = [['web-stable', 'web-canary']]): Manifest {
  return manifest({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'gateway' }],
      rules: rules.map((backends) => ({ backendRefs: backends.map((b) => ({ name: b, port: 80 })) })),
    },
  });
}

function promMetric(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    interval: '1m',
    count: 5,
    failureLimit: 1,
    successCondition: 'len(result) > 0 && result[0] >= 0.99',
    provider: { prometheus: { address: 'http://prometheus.monitoring:9090', query: 'up{service="{{args.service}}"}' } },
    ...overrides,
  };
}

function analysisTemplate(
  name = 'success-rate',
  metrics: unknown[] = [promMetric('success-rate')],
  args: unknown[] = [{ name: 'service' }],
  kind = 'AnalysisTemplate',
): Manifest {
  return manifest({
    apiVersion: 'argoproj.io/v1alpha1',
    kind,
    metadata: kind === 'AnalysisTemplate' ? { name, namespace: NS } : { name },
    spec: { args, metrics },
  });
}

function ingress(name: string, backendService: string): Manifest {
  return manifest({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: NS },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backendService, port: { number: 80 } } } }] } }] },
  });
}

interface SetOptions {
  /** `Kind/name` of objects to leave out of the set. */
  readonly without?: readonly string[];
  /** Objects added to the set (after `without` is applied, so they can replace a fixture object). */
  readonly extra?: readonly Manifest[];
}

function assemble(rollout: any, others: Manifest[], options: SetOptions): Manifest[] {
  const kept = [rolloutManifest(rollout), ...others].filter((m) => !(options.without ?? []).includes(`${m.object.kind}/${m.object.metadata.name}`));
  return [...kept, ...(options.extra ?? [])];
}

/** The valid canary set, with `mutate` applied to the Rollout. */
function canarySet(mutate: (rollout: any) => void = () => {}, options: SetOptions = {}): Manifest[] {
  const rollout = canaryRollout();
  mutate(rollout);
  return assemble(rollout, [service('web-stable'), service('web-canary'), httpRoute('web'), analysisTemplate()], options);
}

/** The valid blue-green set, with `mutate` applied to the Rollout. */
function blueGreenSet(mutate: (rollout: any) => void = () => {}, options: SetOptions = {}): Manifest[] {
  const rollout = blueGreenRollout();
  mutate(rollout);
  return assemble(rollout, [service('web-active'), service('web-preview'), analysisTemplate()], options);
}

/** Turns the fixture into a basic canary: no traffic routing, 10 replicas (so 10% is one whole pod). */
function basicCanary(rollout: any): void {
  delete rollout.spec.strategy.canary.trafficRouting;
  rollout.spec.replicas = 10;
}

const canary = (rollout: any) => rollout.spec.strategy.canary;
const blueGreen = (rollout: any) => rollout.spec.strategy.blueGreen;

/** The (rule, field, value) of each finding, after checking the invariants every finding must meet. */
function summary(findings: Finding[]): Array<{ rule: string; field: string; value: unknown }> {
  for (const finding of findings) {
    expect(finding.message.length).toBeGreaterThan(20);
    expect(finding.fix.length).toBeGreaterThan(10);
    if (finding.value !== undefined) expect(finding.message).toContain(renderValue(finding.value));
  }
  return findings.map(({ rule, field, value }) => ({ rule, field, value }));
}

function check(manifests: Manifest[]) {
  return summary(checkRollouts(manifests));
}

// ---------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------

describe('checkRollouts: baseline', () => {
  it('accepts the valid canary and blue-green sets', () => {
    // GIVEN complete sets / WHEN checked / THEN no findings
    expect(check(canarySet())).toEqual([]);
    expect(check(blueGreenSet())).toEqual([]);
  });

  it('copies the manifest location into findings and ignores non-argoproj Rollouts', () => {
    // GIVEN an invalid Rollout plus a same-named kind from another API group
    const set = canarySet((r) => (r.spec.minReadySeconds = 900));
    const foreign = manifest({ ...canaryRollout(), apiVersion: 'example.com/v1', spec: {} });
    // WHEN checked
    const findings = checkRollouts([...set, foreign]);
    // THEN only the argoproj Rollout is reported, at its own location
    expect(findings.map((f) => [f.location, f.rule])).toEqual([[ROLLOUT_LOCATION, 'rollout/progress-deadline']]);
  });

  it('reports all problems at once, not only the first one as the controller does', () => {
    // GIVEN three independent problems
    const set = canarySet((r) => {
      r.spec.minReadySeconds = 900;
      canary(r).steps[0].setWeight = 120;
      canary(r).steps[1].pause = {};
    });
    // THEN all three are reported
    expect(check(set).map((f) => f.rule)).toEqual(['rollout/progress-deadline', 'rollout/set-weight-range', 'rollout/indefinite-pause']);
  });

  it('exports the warning rules', () => {
    // GIVEN the module / WHEN WARNING_RULES is read / THEN it lists exactly the warning rule ids
    expect([...WARNING_RULES].sort()).toEqual(['analysis/no-conditions', 'rollout/indefinite-pause']);
  });
});

describe('spec rules (validation.go ValidateRolloutSpec)', () => {
  describe('rollout/workload-ref (policy; argo-rollouts #3825 #4110 #4935)', () => {
    it('passes with an inline template', () => {
      // GIVEN the valid fixture, with an inline template
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet())).toEqual([]);
    });
    it('fails when workloadRef is used', () => {
      // GIVEN a workloadRef to a Deployment
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
      // THEN the workload-ref policy finding, and upstream's "template must be empty for workload reference rollout"
      expect(check(canarySet((r) => (r.spec.workloadRef = ref))).map((f) => f.rule)).toEqual(['rollout/workload-ref', 'rollout/workload-ref-template']);
    });
    it('skips template validation with a workloadRef and no template, as upstream does (issue 12)', () => {
      const ref = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
      expect(check(canarySet((r) => {
        r.spec.workloadRef = ref;
        delete r.spec.template;
      })).map((f) => f.rule)).toEqual(['rollout/workload-ref']);
    });
  });

  describe('rollout/missing-template', () => {
    it('passes with one container', () => {
      // GIVEN the valid fixture, with one container
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet())).toEqual([]);
    });
    it('fails with no containers', () => {
      // GIVEN a template whose containers list is empty
      const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [] } };
      expect(check(canarySet((r) => (r.spec.template = template)))).toEqual([{ rule: 'rollout/missing-template', field: 'spec.template', value: template }]);
    });
  });

  describe('rollout/missing-selector', () => {
    it('passes with matchExpressions only', () => {
      // GIVEN the valid fixture, with matchExpressions only
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const selector = { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] };
      expect(check(canarySet((r) => (r.spec.selector = selector)))).toEqual([]);
    });
    it('fails with an empty selector', () => {
      // GIVEN the valid fixture, changed so it fails with an empty selector
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (r.spec.selector = {})))).toEqual([{ rule: 'rollout/missing-selector', field: 'spec.selector', value: {} }]);
    });
  });

  describe('rollout/selector-mismatch (ValidatePodTemplateSpecForReplicaSet)', () => {
    it('passes when template labels are a superset of matchLabels', () => {
      // GIVEN the valid fixture, when template labels are a superset of matchLabels
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (r.spec.template.metadata.labels = { app: 'web', version: 'v2' })))).toEqual([]);
    });
    it('fails when a matchLabels entry is missing from the template', () => {
      // GIVEN selector app=web,tier=front and template labels app=web
      const set = canarySet((r) => (r.spec.selector.matchLabels = { app: 'web', tier: 'front' }));
      expect(check(set)).toEqual([{ rule: 'rollout/selector-mismatch', field: 'spec.template.metadata.labels', value: { app: 'web' } }]);
    });
    it('fails when a matchExpression does not hold', () => {
      // GIVEN the valid fixture, changed so it fails when a matchExpression does not hold
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => (r.spec.selector.matchExpressions = [{ key: 'tier', operator: 'Exists' }]));
      expect(check(set)).toEqual([{ rule: 'rollout/selector-mismatch', field: 'spec.template.metadata.labels', value: { app: 'web' } }]);
    });
  });

  describe('rollout/negative-value (ValidateNonnegativeField)', () => {
    it('passes with zero replicas', () => {
      // GIVEN the valid fixture, with zero replicas
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (r.spec.replicas = 0)))).toEqual([]);
    });
    it('fails with negative replicas', () => {
      // GIVEN the valid fixture, changed so it fails with negative replicas
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (r.spec.replicas = -1)))).toEqual([{ rule: 'rollout/negative-value', field: 'spec.replicas', value: -1 }]);
    });
  });

  describe('rollout/progress-deadline (defaults 600 and 0)', () => {
    it('passes when minReadySeconds is just below the default deadline', () => {
      // GIVEN the valid fixture, when minReadySeconds is just below the default deadline
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (r.spec.minReadySeconds = 599)))).toEqual([]);
    });
    it('fails when minReadySeconds reaches the default deadline', () => {
      // GIVEN minReadySeconds 600 and no progressDeadlineSeconds (default 600)
      expect(check(canarySet((r) => (r.spec.minReadySeconds = 600)))).toEqual([
        { rule: 'rollout/progress-deadline', field: 'spec.progressDeadlineSeconds', value: 600 },
      ]);
    });
  });
});

describe('strategy rules (validation.go ValidateRolloutStrategy*)', () => {
  describe('rollout/strategy-one-of', () => {
    it('passes with only blueGreen', () => {
      // GIVEN the valid fixture, with only blueGreen
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(blueGreenSet())).toEqual([]);
    });
    it('fails with both strategies and with neither', () => {
      // GIVEN the valid fixture, changed so it fails with both strategies and with neither
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const both = canarySet((r) => (r.spec.strategy.blueGreen = { activeService: 'web-stable' }));
      expect(check(both)).toEqual([{ rule: 'rollout/strategy-one-of', field: 'spec.strategy', value: ['canary', 'blueGreen'] }]);
      const neither = canarySet((r) => (r.spec.strategy = {}));
      expect(check(neither)).toEqual([{ rule: 'rollout/strategy-one-of', field: 'spec.strategy', value: [] }]);
    });
  });

  describe('rollout/max-surge-unavailable-zero (invalidMaxSurgeMaxUnavailable)', () => {
    it('passes when only maxSurge is zero', () => {
      // GIVEN the valid fixture, when only maxSurge is zero
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => Object.assign(canary(r), { maxSurge: 0, maxUnavailable: '10%' })))).toEqual([]);
    });
    it('fails when both are zero as percent, int and integer string', () => {
      // GIVEN the valid fixture, changed so it fails when both are zero as percent, int and integer string
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => Object.assign(canary(r), { maxSurge: '0%', maxUnavailable: 0 })))).toEqual([
        { rule: 'rollout/max-surge-unavailable-zero', field: `${CANARY}.maxSurge`, value: '0%' },
      ]);
      expect(check(canarySet((r) => Object.assign(canary(r), { maxSurge: 0, maxUnavailable: '0' })))).toEqual([
        { rule: 'rollout/max-surge-unavailable-zero', field: `${CANARY}.maxSurge`, value: 0 },
      ]);
    });
  });

  describe('rollout/duplicate-services', () => {
    it('passes with distinct Services', () => {
      // GIVEN the valid fixture, with distinct Services
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet())).toEqual([]);
      expect(check(blueGreenSet())).toEqual([]);
    });
    it('fails when canaryService equals stableService', () => {
      // GIVEN the valid fixture, changed so it fails when canaryService equals stableService
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (canary(r).canaryService = 'web-stable')))).toEqual([
        { rule: 'rollout/duplicate-services', field: `${CANARY}.stableService`, value: 'web-stable' },
      ]);
    });
    it('fails when activeService equals previewService', () => {
      // GIVEN the valid fixture, changed so it fails when activeService equals previewService
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(blueGreenSet((r) => (blueGreen(r).previewService = 'web-active')))).toEqual([
        { rule: 'rollout/duplicate-services', field: 'spec.strategy.blueGreen.activeService', value: 'web-active' },
      ]);
    });
  });

  describe('rollout/active-service-required', () => {
    it('passes without a previewService', () => {
      // GIVEN the valid fixture, without a previewService
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(blueGreenSet((r) => delete blueGreen(r).previewService))).toEqual([]);
    });
    it('fails without an activeService', () => {
      // GIVEN the valid fixture, changed so it fails without an activeService
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(blueGreenSet((r) => delete blueGreen(r).activeService))).toEqual([
        { rule: 'rollout/active-service-required', field: 'spec.strategy.blueGreen.activeService', value: undefined },
      ]);
    });
  });

  describe('rollout/scale-down-revision-limit', () => {
    it('passes at the default revisionHistoryLimit (10)', () => {
      // GIVEN the valid fixture, at the default revisionHistoryLimit (10)
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(blueGreenSet((r) => (blueGreen(r).scaleDownDelayRevisionLimit = 10)))).toEqual([]);
    });
    it('fails above revisionHistoryLimit', () => {
      // GIVEN the valid fixture, changed so it fails above revisionHistoryLimit
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(blueGreenSet((r) => (blueGreen(r).scaleDownDelayRevisionLimit = 11)))).toEqual([
        { rule: 'rollout/scale-down-revision-limit', field: 'spec.strategy.blueGreen.scaleDownDelayRevisionLimit', value: 11 },
      ]);
    });
  });

  describe('rollout/anti-affinity (ValidateRolloutStrategyAntiAffinity)', () => {
    it('passes with preferred weight 100', () => {
      // GIVEN the valid fixture, with preferred weight 100
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const antiAffinity = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 100 } };
      expect(check(canarySet((r) => (canary(r).antiAffinity = antiAffinity)))).toEqual([]);
    });
    it('fails with no strategy and with weight 0', () => {
      // GIVEN the valid fixture, changed so it fails with no strategy and with weight 0
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (canary(r).antiAffinity = {})))).toEqual([
        { rule: 'rollout/anti-affinity', field: `${CANARY}.antiAffinity`, value: [] },
      ]);
      const zero = { preferredDuringSchedulingIgnoredDuringExecution: { weight: 0 } };
      expect(check(canarySet((r) => (canary(r).antiAffinity = zero)))).toEqual([
        { rule: 'rollout/anti-affinity', field: `${CANARY}.antiAffinity.preferredDuringSchedulingIgnoredDuringExecution.weight`, value: 0 },
      ]);
    });
  });

  describe('rollout/ping-pong', () => {
    // Ping-pong replaces canaryService/stableService with Istio (and ALB): no Services required besides ping and pong.
    const istioPingPong = (pingPong: Record<string, string>) => (r: any) => {
      delete canary(r).canaryService;
      delete canary(r).stableService;
      canary(r).trafficRouting = { istio: { virtualService: { name: 'web', routes: ['primary'] } } };
      canary(r).pingPong = pingPong;
    };
    const pingPongSet = (pingPong: Record<string, string>, pong: Record<string, string> = { app: 'web' }) => {
      const set = canarySet(istioPingPong(pingPong));
      return [...set, service('web-ping'), service('web-pong', pong)];
    };
    it('passes with two ping-pong Services on Istio, without canary and stable Services (issue 12)', () => {
      expect(check(pingPongSet({ pingService: 'web-ping', pongService: 'web-pong' }))).toEqual([]);
    });
    it('fails when ping and pong are the same Service', () => {
      expect(check(pingPongSet({ pingService: 'web-ping', pongService: 'web-ping' }))).toEqual([
        { rule: 'rollout/ping-pong', field: `${CANARY}.pingPong.pingService`, value: 'web-ping' },
      ]);
    });
    it('fails when the pong Service selects labels the pods do not have (validation_references.go ValidateService, issue 12)', () => {
      expect(check(pingPongSet({ pingService: 'web-ping', pongService: 'web-pong' }, { app: 'other' }))).toEqual([
        { rule: 'rollout/service-selector-mismatch', field: `${CANARY}.pingPong.pongService`, value: 'web-pong' },
      ]);
    });
    it('fails with a traffic router other than ALB and Istio (PingPongWithRouterOnlyMessage)', () => {
      expect(check(canarySet((r) => (canary(r).pingPong = { pingService: 'web-ping', pongService: 'web-pong' }))).filter((f) => f.rule === 'rollout/ping-pong')).toEqual([
        { rule: 'rollout/ping-pong', field: `${CANARY}.trafficRouting.alb`, value: undefined },
      ]);
    });
  });

  describe('rollout/traffic-routing-services-required (requireCanaryStableServices + Gateway API plugin)', () => {
    it('passes for a basic canary without Services', () => {
      // GIVEN the valid fixture, for a basic canary without Services
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) => {
        basicCanary(r);
        delete canary(r).canaryService;
        delete canary(r).stableService;
      });
      expect(check(set)).toEqual([]);
    });
    it('fails when the Gateway API plugin has no canaryService', () => {
      // GIVEN the valid fixture, changed so it fails when the Gateway API plugin has no canaryService
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => delete canary(r).canaryService))).toEqual([
        { rule: 'rollout/traffic-routing-services-required', field: `${CANARY}.canaryService`, value: undefined },
      ]);
    });
  });

  describe('rollout/requires-traffic-routing', () => {
    it('passes with traffic routing', () => {
      // GIVEN the valid fixture, with traffic routing
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) => {
        canary(r).scaleDownDelaySeconds = 30;
        canary(r).steps.push({ setCanaryScale: { weight: 20 } });
      });
      expect(check(set)).toEqual([]);
    });
    it('fails for scaleDownDelaySeconds, dynamicStableScale and setCanaryScale on a basic canary', () => {
      // GIVEN the valid fixture, changed so it fails for scaleDownDelaySeconds, dynamicStableScale and setCanaryScale on a basic canary
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => {
        basicCanary(r);
        Object.assign(canary(r), { scaleDownDelaySeconds: 30, dynamicStableScale: true });
        canary(r).steps.push({ setCanaryScale: { weight: 20 } });
      });
      expect(check(set)).toEqual([
        { rule: 'rollout/requires-traffic-routing', field: `${CANARY}.scaleDownDelaySeconds`, value: 30 },
        { rule: 'rollout/requires-traffic-routing', field: `${CANARY}.dynamicStableScale`, value: true },
        { rule: 'rollout/requires-traffic-routing', field: `${CANARY}.steps[5].setCanaryScale`, value: { weight: 20 } },
      ]);
    });
  });

  describe('rollout/dynamic-stable-scale-delay', () => {
    it('passes with dynamicStableScale alone', () => {
      // GIVEN the valid fixture, with dynamicStableScale alone
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (canary(r).dynamicStableScale = true)))).toEqual([]);
    });
    it('fails with dynamicStableScale and scaleDownDelaySeconds', () => {
      // GIVEN the valid fixture, changed so it fails with dynamicStableScale and scaleDownDelaySeconds
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => Object.assign(canary(r), { dynamicStableScale: true, scaleDownDelaySeconds: 30 })))).toEqual([
        { rule: 'rollout/dynamic-stable-scale-delay', field: `${CANARY}.dynamicStableScale`, value: true },
      ]);
    });
  });

  describe('rollout/dynamic-stable-scale-abort-delay (policy; argo-rollouts #4898)', () => {
    it('passes with abortScaleDownDelaySeconds without dynamicStableScale', () => {
      // GIVEN the valid fixture, with abortScaleDownDelaySeconds without dynamicStableScale
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (canary(r).abortScaleDownDelaySeconds = 30)))).toEqual([]);
    });
    it('fails with dynamicStableScale and an explicit abortScaleDownDelaySeconds', () => {
      // GIVEN the valid fixture, changed so it fails with dynamicStableScale and an explicit abortScaleDownDelaySeconds
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => Object.assign(canary(r), { dynamicStableScale: true, abortScaleDownDelaySeconds: 30 })))).toEqual([
        { rule: 'rollout/dynamic-stable-scale-abort-delay', field: `${CANARY}.abortScaleDownDelaySeconds`, value: 30 },
      ]);
    });
  });

  describe('rollout/max-traffic-weight-unsupported', () => {
    it('passes with a plugin router', () => {
      // GIVEN the valid fixture, with a plugin router
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (canary(r).trafficRouting.maxTrafficWeight = 1000)))).toEqual([]);
    });
    it('fails with SMI', () => {
      // GIVEN the valid fixture, changed so it fails with SMI
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => (canary(r).trafficRouting = { smi: {}, maxTrafficWeight: 1000 }));
      expect(check(set)).toEqual([
        { rule: 'rollout/max-traffic-weight-unsupported', field: `${CANARY}.trafficRouting.maxTrafficWeight`, value: 1000 },
      ]);
    });
  });
});

describe('step rules (validation.go ValidateRolloutStrategyCanary)', () => {
  describe('rollout/step-one-action: setCanaryScale and setHeaderRoute combine with one action (issue 12)', () => {
    it('passes a step with setCanaryScale, setHeaderRoute and pause, as upstream hasMultipleStepsType does', () => {
      const steps = [{ setCanaryScale: { weight: 10 }, setHeaderRoute: { name: 'header' }, pause: {} }];
      expect(check(canarySet((r) => (canary(r).steps = steps))).filter((f) => f.rule === 'rollout/step-one-action')).toEqual([]);
    });
  });

  describe('rollout/step-one-action', () => {
    it('passes with a plugin step', () => {
      // GIVEN the valid fixture, with a plugin step
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => canary(r).steps.push({ plugin: { name: 'argoproj-labs/step-sample' } })))).toEqual([]);
    });
    it('fails with two actions in one step and with an empty step', () => {
      // GIVEN the valid fixture, changed so it fails with two actions in one step and with an empty step
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => canary(r).steps.push({ setWeight: 20, pause: { duration: '1m' } }, {}));
      expect(check(set)).toEqual([
        { rule: 'rollout/step-one-action', field: `${CANARY}.steps[5]`, value: ['setWeight', 'pause'] },
        { rule: 'rollout/step-one-action', field: `${CANARY}.steps[6]`, value: [] },
      ]);
    });
  });

  describe('rollout/set-weight-range (weightutil.MaxTrafficWeight)', () => {
    it('passes at 0, 100, and 500 with maxTrafficWeight 1000', () => {
      // GIVEN the valid fixture, at 0, 100, and 500 with maxTrafficWeight 1000
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => canary(r).steps.push({ setWeight: 0 }, { setWeight: 100 })))).toEqual([]);
      const scaled = canarySet((r) => {
        canary(r).trafficRouting.maxTrafficWeight = 1000;
        canary(r).steps.push({ setWeight: 500 });
      });
      expect(check(scaled)).toEqual([]);
    });
    it('fails above 100 and below 0', () => {
      // GIVEN the valid fixture, changed so it fails above 100 and below 0
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => canary(r).steps.push({ setWeight: 101 }, { setWeight: -1 }));
      expect(check(set)).toEqual([
        { rule: 'rollout/set-weight-range', field: `${CANARY}.steps[5].setWeight`, value: 101 },
        { rule: 'rollout/set-weight-range', field: `${CANARY}.steps[6].setWeight`, value: -1 },
      ]);
    });
  });

  describe('rollout/invalid-pause-duration (RolloutPause.DurationSeconds)', () => {
    it('passes with a compound Go duration, zero and an integer string', () => {
      // GIVEN the valid fixture, with a compound Go duration, zero and an integer string
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) => canary(r).steps.push({ pause: { duration: '1h30m' } }, { pause: { duration: 0 } }, { pause: { duration: '45' } }));
      expect(check(set)).toEqual([]);
    });
    it('fails with English, a negative number and an unknown unit', () => {
      // GIVEN the valid fixture, changed so it fails with English, a negative number and an unknown unit
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => canary(r).steps.push({ pause: { duration: '30 seconds' } }, { pause: { duration: -5 } }, { pause: { duration: '1d' } }));
      expect(check(set)).toEqual([
        { rule: 'rollout/invalid-pause-duration', field: `${CANARY}.steps[5].pause.duration`, value: '30 seconds' },
        { rule: 'rollout/invalid-pause-duration', field: `${CANARY}.steps[6].pause.duration`, value: -5 },
        { rule: 'rollout/invalid-pause-duration', field: `${CANARY}.steps[7].pause.duration`, value: '1d' },
      ]);
    });
  });

  describe('rollout/indefinite-pause (warning; argoproj/argo-cd#19422)', () => {
    it('passes with a timed pause', () => {
      // GIVEN the valid fixture, with a timed pause
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet())).toEqual([]);
    });
    it('warns on pause: {}', () => {
      // GIVEN the valid fixture, changed so it warns on pause: {}
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const findings = checkRollouts(canarySet((r) => (canary(r).steps[1] = { pause: {} })));
      expect(summary(findings)).toEqual([{ rule: 'rollout/indefinite-pause', field: `${CANARY}.steps[1].pause`, value: {} }]);
      expect(WARNING_RULES.has(findings[0]!.rule)).toBe(true);
    });
  });

  describe('rollout/route-step-traffic-routing and rollout/managed-route-missing', () => {
    const header = { name: 'beta', match: [{ headerName: 'x-beta', headerValue: { exact: 'true' } }] };
    it('passes with the plugin router and the route in managedRoutes', () => {
      // GIVEN the valid fixture, with the plugin router and the route in managedRoutes
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) => {
        canary(r).trafficRouting.managedRoutes = [{ name: 'beta' }];
        canary(r).steps.push({ setHeaderRoute: header });
      });
      expect(check(set)).toEqual([]);
    });
    it('fails for setHeaderRoute on a basic canary', () => {
      // GIVEN the valid fixture, changed so it fails for setHeaderRoute on a basic canary
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => {
        basicCanary(r);
        canary(r).steps.push({ setHeaderRoute: header });
      });
      expect(check(set)).toEqual([{ rule: 'rollout/route-step-traffic-routing', field: `${CANARY}.steps[5].setHeaderRoute`, value: header }]);
    });
    it('fails for a setMirrorRoute whose name is not in managedRoutes', () => {
      // GIVEN the valid fixture, changed so it fails for a setMirrorRoute whose name is not in managedRoutes
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => {
        canary(r).trafficRouting.managedRoutes = [{ name: 'beta' }];
        canary(r).steps.push({ setMirrorRoute: { name: 'mirror', percentage: 10 } });
      });
      expect(check(set)).toEqual([{ rule: 'rollout/managed-route-missing', field: `${CANARY}.steps[5].setMirrorRoute.name`, value: 'mirror' }]);
    });
  });

  describe('rollout/experiment-weight-traffic-routing', () => {
    const experiment = { templates: [{ name: 'baseline', specRef: 'stable', weight: 5 }] };
    it('passes with the plugin router', () => {
      // GIVEN the valid fixture, with the plugin router
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => canary(r).steps.push({ experiment })))).toEqual([]);
    });
    it('fails on a basic canary', () => {
      // GIVEN the valid fixture, changed so it fails on a basic canary
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => {
        basicCanary(r);
        canary(r).steps.push({ experiment });
      });
      expect(check(set)).toEqual([{ rule: 'rollout/experiment-weight-traffic-routing', field: `${CANARY}.steps[5].experiment.templates[0].weight`, value: 5 }]);
    });
  });

  describe('rollout/analysis-arg-field-ref (InvalidAnalysisArgsMessage)', () => {
    it("passes with metadata.labels['app'] and metadata.name", () => {
      // GIVEN the valid fixture, with metadata.labels['app'] and metadata.name
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) =>
        canary(r).steps[2].analysis.args.push(
          { name: 'app', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'rollout', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        ),
      );
      expect(check(set)).toEqual([]);
    });
    it('fails with a misspelled metadata path', () => {
      // GIVEN the valid fixture, changed so it fails with a misspelled metadata path
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => canary(r).steps[2].analysis.args.push({ name: 'app', valueFrom: { fieldRef: { fieldPath: "metadata.label['app']" } } }));
      expect(check(set)).toEqual([
        { rule: 'rollout/analysis-arg-field-ref', field: `${CANARY}.steps[2].analysis.args[1].valueFrom.fieldRef.fieldPath`, value: "metadata.label['app']" },
      ]);
    });
  });

  describe('rollout/weight-not-achievable (policy: basic canary weights are pod counts)', () => {
    it('passes when every weight is a whole number of pods (10 replicas: 10% = 1, 50% = 5)', () => {
      // GIVEN the valid fixture, when every weight is a whole number of pods (10 replicas: 10% = 1, 50% = 5)
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet(basicCanary))).toEqual([]);
    });
    it('fails for 10% of 4 replicas', () => {
      // GIVEN the valid fixture, changed so it fails for 10% of 4 replicas
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => {
        basicCanary(r);
        r.spec.replicas = 4;
      });
      expect(check(set)).toEqual([{ rule: 'rollout/weight-not-achievable', field: `${CANARY}.steps[0].setWeight`, value: 10 }]);
    });
  });
});

describe('traffic router plugin rules (policy; rollouts-plugin-trafficrouter-gatewayapi)', () => {
  describe('rollout/unknown-traffic-router-plugin (argo-rollouts #4569)', () => {
    it('passes with the exact key', () => {
      // GIVEN the valid fixture, with the exact key
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet())).toEqual([]);
    });
    it.each(['argoproj-labs/gatewayApi', 'gatewayAPI'])('fails for the near miss %s and names the right key', (key) => {
      // GIVEN the plugin key written as a near miss of argoproj-labs/gatewayAPI
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet((r) => (canary(r).trafficRouting.plugins = { [key]: { httpRoute: 'web' } }));
      const findings = checkRollouts(set);
      expect(summary(findings)).toEqual([{ rule: 'rollout/unknown-traffic-router-plugin', field: `${CANARY}.trafficRouting.plugins[${key}]`, value: key }]);
      expect(findings[0]!.message).toContain(GATEWAY);
    });
  });

  describe('rollout/gateway-api-config', () => {
    it('passes with httpRoutes instead of httpRoute', () => {
      // GIVEN the valid fixture, with httpRoutes instead of httpRoute
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet((r) => (canary(r).trafficRouting.plugins[GATEWAY] = { httpRoutes: [{ name: 'web' }] })))).toEqual([]);
    });
    it('fails when no route is named', () => {
      // GIVEN the valid fixture, changed so it fails when no route is named
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (canary(r).trafficRouting.plugins[GATEWAY] = { namespace: NS })))).toEqual([
        { rule: 'rollout/gateway-api-config', field: PLUGIN_PATH, value: { namespace: NS } },
      ]);
    });
  });

  describe('rollout/gateway-api-backend-refs', () => {
    it('passes with backendRefs split over two rules, and when the HTTPRoute is not in the set', () => {
      // GIVEN the valid fixture, with backendRefs split over two rules, and when the HTTPRoute is not in the set
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet(() => {}, { without: ['HTTPRoute/web'], extra: [httpRoute('web', [['web-stable'], ['web-canary']])] }))).toEqual([]);
      expect(check(canarySet(() => {}, { without: ['HTTPRoute/web'] }))).toEqual([]);
    });
    it('fails when the HTTPRoute has no backendRef named the canaryService', () => {
      // GIVEN the valid fixture, changed so it fails when the HTTPRoute has no backendRef named the canaryService
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const set = canarySet(() => {}, { without: ['HTTPRoute/web'], extra: [httpRoute('web', [['web-stable', 'web-preview']])] });
      expect(check(set)).toEqual([{ rule: 'rollout/gateway-api-backend-refs', field: `${PLUGIN_PATH}.httpRoute`, value: 'web' }]);
    });
  });
});

describe('reference rules (validation_references.go, controller.go getReferenced*)', () => {
  describe('rollout/service-not-found', () => {
    it('passes when the Service leaves its namespace to the destination', () => {
      // GIVEN the valid fixture, when the Service leaves its namespace to the destination
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const unscoped = service('web-canary');
      delete unscoped.object.metadata.namespace;
      expect(check(canarySet(() => {}, { without: ['Service/web-canary'], extra: [unscoped] }))).toEqual([]);
    });
    it('fails when the canary Service is missing', () => {
      // GIVEN the valid fixture, changed so it fails when the canary Service is missing
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet(() => {}, { without: ['Service/web-canary'] }))).toEqual([
        { rule: 'rollout/service-not-found', field: `${CANARY}.canaryService`, value: 'web-canary' },
      ]);
    });
  });

  describe('rollout/service-selector-mismatch (ValidateService)', () => {
    it('passes with the pod-template-hash key and a stableMetadata label', () => {
      // GIVEN the valid fixture, with the pod-template-hash key and a stableMetadata label
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const stable = service('web-stable', { app: 'web', role: 'stable', 'rollouts-pod-template-hash': 'abc123' });
      const set = canarySet((r) => (canary(r).stableMetadata = { labels: { role: 'stable' } }), { without: ['Service/web-stable'], extra: [stable] });
      expect(check(set)).toEqual([]);
    });
    it('fails when the Service selects a label the pods do not have', () => {
      // GIVEN the valid fixture, changed so it fails when the Service selects a label the pods do not have
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const stable = service('web-stable', { app: 'web', tier: 'backend' });
      expect(check(canarySet(() => {}, { without: ['Service/web-stable'], extra: [stable] }))).toEqual([
        { rule: 'rollout/service-selector-mismatch', field: `${CANARY}.stableService`, value: 'web-stable' },
      ]);
    });
  });

  describe('rollout/service-shared', () => {
    it('passes when the managed-by annotation names this Rollout', () => {
      // GIVEN the valid fixture, when the managed-by annotation names this Rollout
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const stable = service('web-stable', { app: 'web' }, { 'argo-rollouts.argoproj.io/managed-by': 'web' });
      expect(check(canarySet(() => {}, { without: ['Service/web-stable'], extra: [stable] }))).toEqual([]);
    });
    it('fails when another Rollout manages the Service (annotation)', () => {
      // GIVEN the valid fixture, changed so it fails when another Rollout manages the Service (annotation)
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const stable = service('web-stable', { app: 'web' }, { 'argo-rollouts.argoproj.io/managed-by': 'api' });
      expect(check(canarySet(() => {}, { without: ['Service/web-stable'], extra: [stable] }))).toEqual([
        { rule: 'rollout/service-shared', field: `${CANARY}.stableService`, value: 'web-stable' },
      ]);
    });
    it('fails on both Rollouts when two Rollouts in the set reference the same Service', () => {
      // GIVEN a second Rollout "api" whose stableService is web-stable
      const api = canaryRollout();
      api.metadata.name = 'api';
      canary(api).canaryService = 'api-canary';
      canary(api).trafficRouting.plugins[GATEWAY].httpRoute = 'api';
      const extra = [rolloutManifest(api), service('api-canary'), httpRoute('api', [['web-stable', 'api-canary']])];
      // WHEN checked
      const findings = checkRollouts(canarySet(() => {}, { extra }));
      // THEN each Rollout gets one finding at its stableService
      expect(findings.map((f) => [f.location, f.rule, f.field, f.value])).toEqual([
        [ROLLOUT_LOCATION, 'rollout/service-shared-by-rollouts', `${CANARY}.stableService`, 'web-stable'],
        ['out/api.yaml', 'rollout/service-shared-by-rollouts', `${CANARY}.stableService`, 'web-stable'],
      ]);
    });
  });

  describe('rollout/ingress-not-found and rollout/ingress-missing-backend (ValidateIngress)', () => {
    const nginx = (r: any) => (canary(r).trafficRouting = { nginx: { stableIngress: 'web' } });
    it('passes when the Ingress routes to the stableService', () => {
      // GIVEN the valid fixture, when the Ingress routes to the stableService
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet(nginx, { extra: [ingress('web', 'web-stable')] }))).toEqual([]);
    });
    it('fails when the Ingress is missing', () => {
      // GIVEN the valid fixture, changed so it fails when the Ingress is missing
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet(nginx))).toEqual([{ rule: 'rollout/ingress-not-found', field: `${CANARY}.trafficRouting.nginx.stableIngress`, value: 'web' }]);
    });
    it('fails when the Ingress routes elsewhere', () => {
      // GIVEN the valid fixture, changed so it fails when the Ingress routes elsewhere
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet(nginx, { extra: [ingress('web', 'other')] }))).toEqual([
        { rule: 'rollout/ingress-missing-backend', field: `${CANARY}.trafficRouting.nginx.stableIngress`, value: 'web' },
      ]);
    });
  });

  describe('rollout/analysis-template-not-found (getReferencedAnalysisTemplates)', () => {
    it('passes with a ClusterAnalysisTemplate and clusterScope', () => {
      // GIVEN the valid fixture, with a ClusterAnalysisTemplate and clusterScope
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const cluster = analysisTemplate('global-success-rate', undefined, undefined, 'ClusterAnalysisTemplate');
      const set = canarySet((r) => (canary(r).steps[2].analysis.templates = [{ templateName: 'global-success-rate', clusterScope: true }]), { extra: [cluster] });
      expect(check(set)).toEqual([]);
    });
    it('fails for an unknown name and for clusterScope on a namespaced template', () => {
      // GIVEN the valid fixture, changed so it fails for an unknown name and for clusterScope on a namespaced template
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (canary(r).steps[2].analysis.templates[0].templateName = 'missing')))).toEqual([
        { rule: 'rollout/analysis-template-not-found', field: `${CANARY}.steps[2].analysis.templates[0].templateName`, value: 'missing' },
      ]);
      expect(check(canarySet((r) => (canary(r).steps[2].analysis.templates[0].clusterScope = true)))).toEqual([
        { rule: 'rollout/analysis-template-not-found', field: `${CANARY}.steps[2].analysis.templates[0].templateName`, value: 'success-rate' },
      ]);
    });
  });

  describe('rollout/analysis-duplicate-metric (helpers.go flattenMetrics)', () => {
    const twoTemplates = (r: any) => canary(r).steps[2].analysis.templates.push({ templateName: 'latency' });
    it('passes with distinct metric names across templates', () => {
      // GIVEN the valid fixture, with distinct metric names across templates
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet(twoTemplates, { extra: [analysisTemplate('latency', [promMetric('p99-latency')])] }))).toEqual([]);
    });
    it('fails when two templates define the same metric name', () => {
      // GIVEN the valid fixture, changed so it fails when two templates define the same metric name
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet(twoTemplates, { extra: [analysisTemplate('latency', [promMetric('success-rate')])] }))).toEqual([
        { rule: 'rollout/analysis-duplicate-metric', field: `${CANARY}.steps[2].analysis.templates`, value: 'success-rate' },
      ]);
    });
  });

  describe('rollout/analysis-arg-conflict (helpers.go flattenArgs)', () => {
    const withWindow = (value: string) => analysisTemplate('latency', [promMetric('p99-latency')], [{ name: 'service' }, { name: 'window', value }]);
    const twoTemplates = (r: any) => canary(r).steps[2].analysis.templates.push({ templateName: 'latency' });
    const successRate = analysisTemplate('success-rate', [promMetric('success-rate')], [{ name: 'service' }, { name: 'window', value: '2m' }]);
    it('passes when both templates give the same default', () => {
      // GIVEN the valid fixture, when both templates give the same default
      // WHEN checkRollouts runs
      // THEN nothing is reported
      expect(check(canarySet(twoTemplates, { without: ['AnalysisTemplate/success-rate'], extra: [successRate, withWindow('2m')] }))).toEqual([]);
    });
    it('fails when the defaults differ', () => {
      // GIVEN the valid fixture, changed so it fails when the defaults differ
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet(twoTemplates, { without: ['AnalysisTemplate/success-rate'], extra: [successRate, withWindow('5m')] }))).toEqual([
        { rule: 'rollout/analysis-arg-conflict', field: `${CANARY}.steps[2].analysis.templates`, value: 'window' },
      ]);
    });
  });

  describe('rollout/analysis-arg-missing (helpers.go MergeArgs)', () => {
    it('passes when the arg comes from valueFrom', () => {
      // GIVEN the valid fixture, when the arg comes from valueFrom
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet((r) => (canary(r).steps[2].analysis.args = [{ name: 'service', valueFrom: { podTemplateHashValue: 'Latest' } }]));
      expect(check(set)).toEqual([]);
    });
    it('fails when a step omits an arg without default', () => {
      // GIVEN the valid fixture, changed so it fails when a step omits an arg without default
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => delete canary(r).steps[2].analysis.args))).toEqual([
        { rule: 'rollout/analysis-arg-missing', field: `${CANARY}.steps[2].analysis.args`, value: 'service' },
      ]);
    });
    it('fails for background analysis too', () => {
      // GIVEN the valid fixture, changed so it fails for background analysis too
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(canarySet((r) => (canary(r).analysis = { templates: [{ templateName: 'success-rate' }] })))).toEqual([
        { rule: 'rollout/analysis-arg-missing', field: `${CANARY}.analysis.args`, value: 'service' },
      ]);
    });
  });

  describe('rollout/analysis-runs-forever (ValidateAnalysisTemplateWithType, Metric.EffectiveCount)', () => {
    const forever = analysisTemplate('success-rate', [promMetric('success-rate', { count: undefined })]);
    it('passes for background analysis', () => {
      // GIVEN the valid fixture, for background analysis
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const set = canarySet(
        (r) => {
          canary(r).steps.splice(2, 1);
          canary(r).analysis = { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service', value: 'web-canary' }] };
        },
        { without: ['AnalysisTemplate/success-rate'], extra: [forever] },
      );
      expect(check(set)).toEqual([]);
    });
    it('fails for a step analysis and for blue-green pre-promotion', () => {
      // GIVEN the valid fixture, changed so it fails for a step analysis and for blue-green pre-promotion
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const options = { without: ['AnalysisTemplate/success-rate'], extra: [forever] };
      expect(check(canarySet(() => {}, options))).toEqual([
        { rule: 'rollout/analysis-runs-forever', field: `${CANARY}.steps[2].analysis.templates[0]`, value: 'success-rate' },
      ]);
      expect(check(blueGreenSet(() => {}, options))).toEqual([
        { rule: 'rollout/analysis-runs-forever', field: 'spec.strategy.blueGreen.prePromotionAnalysis.templates[0]', value: 'success-rate' },
      ]);
    });
    it('fails, like upstream, for a count templated from an arg without default', () => {
      // GIVEN count "{{args.samples}}": upstream validates with "dummy-value", which counts as 0
      const templated = analysisTemplate('success-rate', [promMetric('success-rate', { count: '{{args.samples}}' })], [{ name: 'service' }, { name: 'samples' }]);
      const set = canarySet((r) => canary(r).steps[2].analysis.args.push({ name: 'samples', value: '5' }), {
        without: ['AnalysisTemplate/success-rate'],
        extra: [templated],
      });
      expect(check(set)).toEqual([{ rule: 'rollout/analysis-runs-forever', field: `${CANARY}.steps[2].analysis.templates[0]`, value: 'success-rate' }]);
    });
  });

  describe('rollout/analysis-template-invalid (ValidateMetrics when the AnalysisRun starts)', () => {
    it('passes when the template only has warnings', () => {
      // GIVEN the valid fixture, when the template only has warnings
      // WHEN checkRollouts runs
      // THEN nothing is reported
      const warned = analysisTemplate('success-rate', [promMetric('success-rate', { successCondition: undefined })]);
      expect(check(canarySet(() => {}, { without: ['AnalysisTemplate/success-rate'], extra: [warned] }))).toEqual([]);
    });
    it('fails when a referenced template has an invalid interval', () => {
      // GIVEN the valid fixture, changed so it fails when a referenced template has an invalid interval
      // WHEN checkRollouts runs
      // THEN exactly the findings below (rule, field, value) are reported
      const broken = analysisTemplate('success-rate', [promMetric('success-rate', { interval: '30 seconds' })]);
      const findings = checkRollouts(canarySet(() => {}, { without: ['AnalysisTemplate/success-rate'], extra: [broken] }));
      expect(summary(findings)).toEqual([
        { rule: 'rollout/analysis-template-invalid', field: `${CANARY}.steps[2].analysis.templates[0]`, value: 'success-rate' },
      ]);
      expect(findings[0]!.message).toContain('[analysis/invalid-duration]');
    });
  });
});
