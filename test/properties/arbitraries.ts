import { Duration } from 'cdk8s';
import fc from 'fast-check';
import { OTEL_HTTP_BUCKETS } from '../../lib/analysis/service-level-objectives.js';
import { Autoscaling } from '../../lib/autoscaling/autoscaling.js';
import { ConfigSource } from '../../lib/config/config-source.js';
import { looksLikeSecretName, SecretKey } from '../../lib/config/secret-reference.js';
import { ResourceRequirements } from '../../lib/core/resources.js';
import { CanaryStep } from '../../lib/delivery/canary-step.js';
import { PodCount } from '../../lib/delivery/strategy.js';
import { DisruptionBudget } from '../../lib/disruption/disruption-budget.js';
import { PreStop } from '../../lib/pod/pre-stop.js';
import { Probe, ProbeOptions } from '../../lib/pod/probe.js';
import { PodSecurityOptions } from '../../lib/pod/security.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';

/**
 * Generators of valid props, shared by the property suites. Each covers the documented range of a prop
 * (not just happy defaults); combinations that are documented errors are left to the invalid families.
 */

const HEX = fc.constantFrom(...'0123456789abcdef');
const RESERVED_FOLDERS = new Set(['platform', 'argocd', 'bootstrap', 'flux']);

/** A workload or service name: a DNS label short enough for every derived name. */
export const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,5}){0,2}$/).filter((n) => !RESERVED_FOLDERS.has(n));
/** A lower-case DNS label for Secrets, Gateways and the like. */
export const label = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/);
/** A digest-pinned image (optionally with a tag too): valid in every environment. */
export const digestImage = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.option(fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/), { nil: undefined }), fc.string({ unit: HEX, minLength: 64, maxLength: 64 }))
  .map(([repo, tag, digest]) => `ghcr.io/acme/${repo}${tag ? `:${tag}` : ''}@sha256:${digest}`);
/** A tag-only image: valid in dev only. */
export const tagImage = fc.tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}(\.[0-9]{1,2})?(-rc[0-9])?$/)).map(([repo, tag]) => `ghcr.io/acme/${repo}:${tag}`);

/** Requests and limits, limits at least the requests. */
export const resources: fc.Arbitrary<ResourceRequirements> = fc
  .record({ cpu: fc.integer({ min: 1, max: 4000 }), cpuExtra: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }), memory: fc.integer({ min: 16, max: 16_384 }), memoryExtra: fc.option(fc.integer({ min: 0, max: 4096 }), { nil: undefined }) })
  .map((r) => ({ cpuRequestMillis: r.cpu, cpuLimitMillis: r.cpuExtra === undefined ? undefined : r.cpu + r.cpuExtra, memoryRequestMebibytes: r.memory, memoryLimitMebibytes: r.memoryExtra === undefined ? undefined : r.memory + r.memoryExtra }));

const probeOptions: fc.Arbitrary<ProbeOptions> = fc.record(
  { periodSeconds: fc.integer({ min: 1, max: 60 }), failureThreshold: fc.integer({ min: 1, max: 10 }), initialDelaySeconds: fc.integer({ min: 0, max: 120 }), timeoutSeconds: fc.integer({ min: 1, max: 10 }) },
  { requiredKeys: [] },
);
const path = fc.stringMatching(/^\/[a-z0-9_-]{0,12}(\/[a-z0-9_-]{1,8})?$/);

/** A probe for a workload with a container port (HTTP, TCP, gRPC or exec). */
export const servingProbe: fc.Arbitrary<Probe> = fc.oneof(
  fc.tuple(path, probeOptions).map(([p, o]) => Probe.httpGet(p, o)),
  probeOptions.map((o) => Probe.tcpSocket(o)),
  probeOptions.map((o) => Probe.grpc(o)),
  fc.tuple(fc.array(fc.stringMatching(/^[a-z/][a-z0-9/_-]{0,10}$/), { minLength: 1, maxLength: 3 }), probeOptions).map(([c, o]) => Probe.exec(c, o)),
);
/** A probe for a workload without a container port: it names its port, or runs a command. */
export const portlessProbe: fc.Arbitrary<Probe> = fc.oneof(
  fc.tuple(path, probeOptions, fc.integer({ min: 1, max: 65_535 })).map(([p, o, port]) => Probe.httpGet(p, { ...o, port })),
  fc.tuple(probeOptions, fc.integer({ min: 1, max: 65_535 })).map(([o, port]) => Probe.tcpSocket({ ...o, port })),
  fc.tuple(fc.array(fc.stringMatching(/^[a-z/][a-z0-9/_-]{0,10}$/), { minLength: 1, maxLength: 3 }), probeOptions).map(([c, o]) => Probe.exec(c, o)),
);

/** Plain environment variables whose names do not look like credentials; values may hold any code units. */
export const env = fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/).filter((k) => !looksLikeSecretName(k)), fc.string({ unit: 'binary', maxLength: 24 }), { maxKeys: 3 });
/** Variables from existing Secrets, named so they never clash with `env` (a `SECRET_` prefix is not a credential suffix). */
export const secretEnv = fc.dictionary(fc.stringMatching(/^S_[A-Z0-9_]{1,8}$/), fc.tuple(label, fc.stringMatching(/^[a-zA-Z][-._a-zA-Z0-9]{0,8}$/)).map(([s, k]) => SecretKey.of(s, k)), { maxKeys: 2 });
/** Content-hashed configuration, as environment variables or files. */
export const config = fc.oneof(
  fc.constant([]),
  fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,8}$/), fc.string({ maxLength: 16 }), { minKeys: 1, maxKeys: 3 }).map((v) => [ConfigSource.env('settings', v)]),
  fc.string({ maxLength: 40 }).map((text) => [ConfigSource.files('files', { 'app.yaml': text }, { mountPath: '/etc/app' })]),
);

/** Graceful shutdown: a preStop wait and a grace period longer than it. */
export const shutdown = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 120 })).map(([wait, extra]) => ({ preStop: wait === 0 ? PreStop.none() : PreStop.sleep(wait), terminationGracePeriodSeconds: wait + extra }));
/** Pod security opt-outs (the restricted profile's requirements are not optional). */
export const security: fc.Arbitrary<PodSecurityOptions> = fc.record(
  { runAsUser: fc.integer({ min: 1, max: 65_535 }), runAsGroup: fc.integer({ min: 1, max: 65_535 }), readOnlyRootFilesystem: fc.boolean(), automountServiceAccountToken: fc.boolean() },
  { requiredKeys: [] },
);
export const disruptionBudget = fc.oneof(fc.integer({ min: 1, max: 5 }).map((n) => DisruptionBudget.maxUnavailable(n)), fc.integer({ min: 1, max: 100 }).map((p) => DisruptionBudget.maxUnavailablePercent(p)));

const podCount: fc.Arbitrary<PodCount> = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));
/** maxSurge and maxUnavailable, never both zero. */
export const surge = fc.tuple(podCount, podCount).filter(([s, u]) => !((s === 0 || s === '0%') && (u === 0 || u === '0%'))).map(([maxSurge, maxUnavailable]) => ({ maxSurge, maxUnavailable }));

/**
 * Canary steps: increasing weights, the first followed by an analysis, pauses of whole seconds. Without a
 * router the weights are multiples of 10 (see {@link servingScale}); with one, any percentage.
 */
export function canarySteps(routed: boolean) {
  return fc
    .uniqueArray(routed ? fc.integer({ min: 1, max: 100 }) : fc.integer({ min: 1, max: 10 }).map((t) => t * 10), { minLength: 1, maxLength: 3 })
    .chain((weights) => fc.tuple(fc.constant([...weights].sort((a, b) => a - b)), fc.array(fc.constantFrom('analysis', 'pause', 'both', 'none'), { minLength: weights.length, maxLength: weights.length }), fc.integer({ min: 1, max: 900 })))
    .map(([weights, kinds, pause]) => {
      const steps: CanaryStep[] = [];
      weights.forEach((w, i) => {
        steps.push(CanaryStep.setWeight(w));
        const kind = i === 0 && (kinds[i] === 'pause' || kinds[i] === 'none') ? 'analysis' : kinds[i];
        if (kind === 'pause' || kind === 'both') steps.push(CanaryStep.pause(Duration.seconds(pause)));
        if (kind === 'analysis' || kind === 'both') steps.push(CanaryStep.analysis());
      });
      return { steps, smallestWeight: weights[0]! };
    });
}

/** A traffic router, or none (a basic canary). */
export const trafficRouter = fc.option(fc.oneof(
  fc.record({ gatewayName: label, gatewayNamespace: fc.option(label, { nil: undefined }), hostnames: fc.option(fc.array(label.map((l) => `${l}.example.com`), { maxLength: 2 }), { nil: undefined }) }).map((p) => TrafficRouter.gatewayApi(p)),
  label.map((l) => TrafficRouter.nginx({ host: `${l}.example.com` })),
), { nil: undefined });

/** Service level objectives within their documented ranges. */
export const slo = fc.record(
  {
    successRate: fc.double({ min: 0.9, max: 0.9999, noNaN: true }),
    // Latency lines must be histogram bucket boundaries (OTel defaults) with a boundary above 1.5 × the line.
    latencyP99: fc.constantFrom(...OTEL_HTTP_BUCKETS.slice(0, -2)).map((s) => Duration.millis(Math.round(s * 1000))),
    cpuSaturationPassBelow: fc.double({ min: 0.1, max: 0.9, noNaN: true }),
  },
  { requiredKeys: ['successRate', 'latencyP99'] },
);

/**
 * Replicas or an HPA for a traffic-serving workload whose prod canary may run without a router: a basic
 * canary approximates weights by pod counts, so without a router the replica count is 10 or 20 (every
 * multiple of 10% is a whole number of pods) or the HPA minimum covers the smallest weight.
 */
export function servingScale(smallestWeight: number, routed: boolean) {
  const needed = Math.ceil(100 / smallestWeight);
  return fc.oneof(
    (routed ? fc.integer({ min: 1, max: 12 }) : fc.constantFrom(10, 20)).map((replicas) => ({ replicas, autoscaling: undefined })),
    fc.record({ min: fc.integer({ min: routed ? 1 : needed, max: routed ? 6 : needed + 4 }), extra: fc.integer({ min: 0, max: 10 }), cpu: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }) })
      .map(({ min, extra, cpu }) => ({ replicas: undefined, autoscaling: Autoscaling.horizontal({ minReplicas: min, maxReplicas: min + extra, cpuUtilizationPercent: cpu }) })),
  );
}
