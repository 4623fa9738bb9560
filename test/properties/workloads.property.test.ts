import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { CanaryStep } from '../../lib/delivery/canary-step.js';
import { DisruptionBudget } from '../../lib/disruption/disruption-budget.js';
import { PreStop } from '../../lib/pod/pre-stop.js';
import { Probe } from '../../lib/pod/probe.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker, QueueWorkerProps } from '../../lib/workloads/queue-worker.js';
import { Singleton, SingletonProps } from '../../lib/workloads/singleton.js';
import { StatelessService, StatelessServiceProps } from '../../lib/workloads/stateless-service.js';
import { WebFrontend, WebFrontendProps } from '../../lib/workloads/web-frontend.js';
import * as arb from './arbitraries.js';
import { buildApp, ExpectedFinding, expectDocumentedFailure, expectPreviousOutputKept, expectValidOutput } from './harness.js';

// Runs per property, tuned so the file stays well under 20 s; raise with PROPERTY_RUNS=200 to dig deeper.
const RUNS = Number(process.env.PROPERTY_RUNS ?? 12);
let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

// ---------------------------------------------------------------------------------------------------
// Valid props, per class
// ---------------------------------------------------------------------------------------------------

/** Props every traffic-serving class shares, with a router, canary steps and a scale that fit together. */
const servingProps = fc
  .record({
    name: arb.name,
    image: arb.digestImage,
    devImage: fc.option(arb.tagImage, { nil: undefined }),
    port: fc.integer({ min: 1, max: 65_535 }),
    servicePort: fc.integer({ min: 1, max: 65_535 }),
    readinessProbe: arb.servingProbe,
    livenessProbe: fc.option(arb.servingProbe, { nil: undefined }),
    startupProbe: fc.option(arb.servingProbe, { nil: undefined }),
    resources: fc.option(arb.resources, { nil: undefined }),
    env: arb.env,
    secretEnv: arb.secretEnv,
    config: arb.config,
    shutdown: arb.shutdown,
    security: fc.option(arb.security, { nil: undefined }),
    disruptionBudget: fc.option(arb.disruptionBudget, { nil: undefined }),
    rolling: arb.surge,
    canarySurge: arb.surge,
    slo: fc.option(arb.slo, { nil: undefined }),
    delivery: arb.trafficRouter.chain((router) => arb.canarySteps(router !== undefined).chain(({ steps, smallestWeight }) => arb.servingScale(smallestWeight, router !== undefined).map((scale) => ({ router, steps, scale })))),
  })
  .map((r) => ({
    name: r.name,
    props: {
      image: r.image,
      port: r.port,
      servicePort: r.servicePort,
      readinessProbe: r.readinessProbe,
      livenessProbe: r.livenessProbe,
      startupProbe: r.startupProbe,
      resources: r.resources,
      env: r.env,
      secretEnv: r.secretEnv,
      config: r.config,
      ...r.shutdown,
      security: r.security,
      disruptionBudget: r.disruptionBudget,
      replicas: r.delivery.scale.replicas,
      autoscaling: r.delivery.scale.autoscaling,
      trafficRouter: r.delivery.router,
      canary: { steps: r.delivery.steps, ...r.canarySurge },
      rolling: r.rolling,
      slo: r.slo,
      environments: r.devImage ? { dev: { image: r.devImage } } : undefined,
    } satisfies StatelessServiceProps,
  }));

const blueGreen = fc.record(
  {
    autoPromotion: fc.oneof(fc.constant({ autoPromotionEnabled: false }), fc.option(fc.integer({ min: 3600, max: 86_400 }), { nil: undefined }).map((s) => ({ autoPromotionSeconds: s }))),
    scaleDownDelaySeconds: fc.integer({ min: 0, max: 86_400 }),
    abortScaleDownDelaySeconds: fc.integer({ min: 0, max: 86_400 }),
    previewReplicaCount: fc.constant(1),
    smokeTest: fc.record({ path: fc.stringMatching(/^\/[a-z]{0,8}$/) }),
  },
  { requiredKeys: ['autoPromotion'] },
).map(({ autoPromotion, ...rest }) => ({ ...autoPromotion, ...rest }));

const webFrontendProps = fc.tuple(servingProps, blueGreen).map(([s, bg]) => ({ name: s.name, props: { ...s.props, blueGreen: bg } satisfies WebFrontendProps }));

const workerScale = fc.oneof(
  fc.integer({ min: 1, max: 10 }).map((replicas) => ({ replicas, autoscaling: undefined })),
  fc.tuple(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 10 })).map(([min, extra]) => ({ replicas: undefined, autoscaling: Autoscaling.horizontal({ minReplicas: min, maxReplicas: min + extra }) })),
  fc.record({ min: fc.integer({ min: 1, max: 3 }), extra: fc.integer({ min: 0, max: 10 }), lag: fc.integer({ min: 1, max: 1000 }), activation: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), consumer: arb.label })
    .map((k) => ({ replicas: undefined, autoscaling: Autoscaling.natsJetStream({ minReplicas: k.min, maxReplicas: k.min + k.extra, monitoringEndpoint: 'nats-headless.acme.svc.cluster.local:8222', stream: 'JOBS', consumer: k.consumer, lagThreshold: k.lag, activationLagThreshold: k.activation }) })),
);

const queueWorkerProps = fc
  .record({
    name: arb.name, image: arb.digestImage, readinessProbe: fc.option(arb.portlessProbe, { nil: undefined }), livenessProbe: fc.option(arb.portlessProbe, { nil: undefined }),
    resources: fc.option(arb.resources, { nil: undefined }), env: arb.env, secretEnv: arb.secretEnv, config: arb.config, shutdown: arb.shutdown,
    security: fc.option(arb.security, { nil: undefined }), disruptionBudget: fc.option(arb.disruptionBudget, { nil: undefined }), rolling: arb.surge, scale: workerScale,
  })
  .map((r) => ({ name: r.name, props: { image: r.image, readinessProbe: r.readinessProbe, livenessProbe: r.livenessProbe, resources: r.resources, env: r.env, secretEnv: r.secretEnv, config: r.config, ...r.shutdown, security: r.security, disruptionBudget: r.disruptionBudget, rolling: r.rolling, ...r.scale } satisfies QueueWorkerProps }));

const singletonProps = fc
  .record({ name: arb.name, image: arb.digestImage, port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }), servicePort: fc.integer({ min: 1, max: 65_535 }), servingProbe: arb.servingProbe, portlessProbe: fc.option(arb.portlessProbe, { nil: undefined }), resources: fc.option(arb.resources, { nil: undefined }), env: arb.env, config: arb.config, shutdown: arb.shutdown, security: fc.option(arb.security, { nil: undefined }) })
  .map((r) => ({ name: r.name, props: { image: r.image, port: r.port, servicePort: r.port === undefined ? undefined : r.servicePort, readinessProbe: r.port === undefined ? r.portlessProbe : r.servingProbe, resources: r.resources, env: r.env, config: r.config, ...r.shutdown, security: r.security } satisfies SingletonProps }));

/** Each workload class with its props generator. */
const CLASSES = {
  StatelessService: { props: servingProps, build: (env: any, name: string, props: any) => new StatelessService(env, name, props) },
  WebFrontend: { props: webFrontendProps, build: (env: any, name: string, props: any) => new WebFrontend(env, name, props) },
  QueueWorker: { props: queueWorkerProps, build: (env: any, name: string, props: any) => new QueueWorker(env, name, props) },
  Singleton: { props: singletonProps, build: (env: any, name: string, props: any) => new Singleton(env, name, props) },
} as const;
type ClassName = keyof typeof CLASSES;

describe.each(Object.keys(CLASSES) as ClassName[])('%s with random valid props', (className) => {
  it('always synthesizes output that passes the full validation (schema, controller rules, Pod Security restricted)', () => {
    const { props, build } = CLASSES[className];
    fc.assert(fc.property(props, ({ name, props: p }) => expectValidOutput(buildApp((env) => build(env, name, p)), validator)), { numRuns: RUNS });
  });
});

// ---------------------------------------------------------------------------------------------------
// Invalid props: each documented error family, applied to random valid props
// ---------------------------------------------------------------------------------------------------

const ALL: readonly ClassName[] = ['StatelessService', 'WebFrontend', 'QueueWorker', 'Singleton'];
const SERVING: readonly ClassName[] = ['StatelessService', 'WebFrontend'];
const at = (env: string, name: string) => `acme/${env}/${name}`;

/** A documented error: which classes have it, how to break the props, and the finding each environment must report. */
interface Family {
  readonly classes: readonly ClassName[];
  readonly breakProps: fc.Arbitrary<{ readonly patch: (props: any, name: string) => any; readonly expected: (name: string) => ExpectedFinding[] }>;
}

const FAMILIES: Readonly<Record<string, Family>> = {
  'image not pinned by digest where the environment requires it': {
    classes: ALL,
    breakProps: arb.tagImage.map((image) => ({
      patch: (p) => ({ ...p, image, environments: undefined }),
      expected: (n) => ['staging', 'prod'].map((e) => ({ location: at(e, n), field: 'image', value: image, rule: 'props/image' })),
    })),
  },
  'name that is not a DNS label': {
    classes: ALL,
    breakProps: fc.constantFrom('Api', 'api_v2', '9lives', 'x'.repeat(53)).map((bad) => ({
      patch: (p) => ({ ...p, name: bad }),
      expected: (n) => ['dev', 'staging', 'prod'].map((e) => ({ location: at(e, n), field: 'name', value: bad, rule: 'props/invalid' })),
    })),
  },
  'memory limit below the request': {
    classes: ALL,
    breakProps: fc.tuple(fc.integer({ min: 2, max: 8192 }), fc.integer({ min: 1, max: 8191 })).filter(([r, l]) => l < r).map(([request, limit]) => ({
      patch: (p) => ({ ...p, resources: { memoryRequestMebibytes: request, memoryLimitMebibytes: limit } }),
      expected: (n) => [{ location: at('prod', n), field: 'resources.memoryLimitMebibytes', value: limit }],
    })),
  },
  'credential given as a literal env value': {
    classes: ALL,
    breakProps: fc.tuple(fc.constantFrom('DB_PASSWORD', 'API_TOKEN', 'STRIPE_API_KEY', 'client_secret'), fc.stringMatching(/^[A-Za-z0-9]{6,16}$/)).map(([key, secret]) => ({
      patch: (p) => ({ ...p, env: { ...p.env, [key]: `s3cr3t-${secret}` } }),
      expected: (n) => [{ location: at('prod', n), field: `env.${key}`, value: '<redacted>', rule: 'security/secret-in-env' }],
    })),
  },
  'grace period not longer than the preStop wait': {
    classes: ALL,
    breakProps: fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 30 })).filter(([wait, grace]) => grace <= wait).map(([wait, grace]) => ({
      patch: (p) => ({ ...p, preStop: PreStop.sleep(wait), terminationGracePeriodSeconds: grace }),
      expected: (n) => [{ location: at('prod', n), field: 'terminationGracePeriodSeconds', value: grace }],
    })),
  },
  'probe threshold out of range': {
    classes: ALL,
    breakProps: fc.integer({ min: -5, max: 0 }).map((period) => ({
      patch: (p) => ({ ...p, readinessProbe: Probe.exec(['/bin/ready'], { periodSeconds: period }) }),
      expected: (n) => [{ location: at('prod', n), field: 'readinessProbe.periodSeconds', value: period }],
    })),
  },
  'disruption budget that would block every drain': {
    classes: ['StatelessService', 'WebFrontend', 'QueueWorker'],
    breakProps: fc.integer({ min: -2, max: 0 }).map((pods) => ({
      patch: (p) => ({ ...p, disruptionBudget: DisruptionBudget.maxUnavailable(pods) }),
      expected: (n) => [{ location: at('prod', n), field: 'disruptionBudget.maxUnavailable', value: pods }],
    })),
  },
  'missing readiness probe on a workload that serves traffic': {
    classes: SERVING,
    breakProps: fc.constant({
      patch: (p: any) => ({ ...p, readinessProbe: undefined }),
      expected: (n: string) => ['dev', 'staging', 'prod'].map((e) => ({ location: at(e, n), field: 'readinessProbe', value: undefined, rule: 'props/readiness-probe-required' })),
    }),
  },
  'autoscaling minReplicas above maxReplicas': {
    classes: ['StatelessService', 'WebFrontend', 'QueueWorker'],
    breakProps: fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5 })).map(([max, more]) => ({
      patch: (p) => ({ ...p, replicas: undefined, autoscaling: Autoscaling.horizontal({ minReplicas: max + more, maxReplicas: max }) }),
      expected: (n) => [{ location: at('prod', n), field: 'autoscaling.minReplicas', value: max + more }],
    })),
  },
  'port outside 1..65535': {
    classes: SERVING,
    breakProps: fc.constantFrom(0, -80, 65_536, 100_000, 80.5).map((port) => ({
      patch: (p) => ({ ...p, port }),
      expected: (n) => [{ location: at('prod', n), field: 'port', value: port }],
    })),
  },
  'canary step weights out of range or not increasing': {
    classes: ['StatelessService'],
    breakProps: fc.oneof(
      fc.constantFrom(0, 101, 150, -10).map((w) => ({ steps: [CanaryStep.setWeight(w), CanaryStep.analysis()], index: 0, weight: w })),
      fc.integer({ min: 2, max: 100 }).chain((high) => fc.integer({ min: 1, max: high }).map((low) => ({ steps: [CanaryStep.setWeight(high), CanaryStep.analysis(), CanaryStep.setWeight(low), CanaryStep.analysis()], index: 2, weight: low }))),
    ).map(({ steps, index, weight }) => ({
      patch: (p) => ({ ...p, canary: { ...p.canary, steps } }),
      expected: (n) => [{ location: at('prod', n), field: `canary.steps[${index}].setWeight`, value: weight }],
    })),
  },
  'analysis thresholds out of range': {
    classes: ['StatelessService'],
    breakProps: fc.constantFrom(0, 1, 1.5, -0.2).map((rate) => ({
      patch: (p) => ({ ...p, slo: { ...p.slo, successRate: rate } }),
      expected: (n) => [{ location: at('prod', n), field: 'slo.successRate', value: rate }],
    })),
  },
  'blue-green scale-down delay out of range': {
    classes: ['WebFrontend'],
    breakProps: fc.constantFrom(-1, 86_401, 12.5).map((delay) => ({
      patch: (p) => ({ ...p, blueGreen: { ...p.blueGreen, scaleDownDelaySeconds: delay } }),
      expected: (n) => [{ location: at('prod', n), field: 'blueGreen.scaleDownDelaySeconds', value: delay }],
    })),
  },
  'worker probe without a port': {
    classes: ['QueueWorker'],
    breakProps: fc.constant({
      patch: (p: any) => ({ ...p, readinessProbe: Probe.httpGet('/healthz') }),
      expected: (n: string) => [{ location: at('prod', n), field: 'readinessProbe.port', value: undefined }],
    }),
  },
  'KEDA minReplicas above maxReplicas': {
    classes: ['QueueWorker'],
    breakProps: fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 5 })).map(([max, more]) => ({
      patch: (p) => ({ ...p, replicas: undefined, autoscaling: Autoscaling.natsJetStream({ minReplicas: max + more, maxReplicas: max, monitoringEndpoint: 'nats:8222', stream: 'JOBS', consumer: 'w', lagThreshold: 10 }) }),
      expected: (n) => [{ location: at('prod', n), field: 'autoscaling.minReplicas', value: max + more, rule: 'keda/replica-bounds' }],
    })),
  },
};

/** Valid props of a class with one documented error family applied. */
function brokenProps(className: ClassName, family: Family) {
  return fc.tuple(CLASSES[className].props, family.breakProps).map(([valid, broken]) => {
    // The construct id is the valid name; findings are located by construct path, whatever `props.name` says.
    const props = broken.patch(valid.props, valid.name);
    return { name: valid.name, props, expected: broken.expected(valid.name), secret: JSON.stringify(props.env ?? {}) };
  });
}

const CASES = Object.entries(FAMILIES).flatMap(([family, f]) => f.classes.map((c) => [c, family] as const));

describe.each(CASES)('%s with %s', (className, family) => {
  it('always fails with a SynthError whose findings carry construct path, field, value, rule and fix', () => {
    fc.assert(fc.property(brokenProps(className, FAMILIES[family]!), ({ name, props, expected, secret }) => {
      const message = expectDocumentedFailure(() => buildApp((env) => CLASSES[className].build(env, name, props)), expected);
      // Credentials are redacted: the literal never reaches the error output.
      for (const value of Object.values(JSON.parse(secret) as Record<string, string>)) if (value.startsWith('s3cr3t-')) expect(message).not.toContain(value);
    }), { numRuns: Math.max(4, Math.round(RUNS / 2)) });
  });
});

describe('runSynth with random invalid props of any class', () => {
  it('never writes: the previous output stays byte-identical and the problems print without a stack trace', async () => {
    const anyBroken = fc.constantFrom(...CASES).chain(([className, family]) => brokenProps(className, FAMILIES[family]!).map((b) => ({ className, ...b })));
    await fc.assert(fc.asyncProperty(anyBroken, async ({ className, name, props }) => {
      await expectPreviousOutputKept(() => buildApp((env) => CLASSES[className].build(env, name, props)), validator);
    }), { numRuns: RUNS });
  });
});
