import type { ScaledObjectSpec, ScaledObjectSpecTriggers } from '../../../imports/scaledobject-keda.sh.js';
import type { Problem } from '../../core/problems.js';
import type { Wire } from '../../core/wire.js';
import { KEDA_RULES } from '../../validation/keda-rules.js';
import { KedaTrigger } from './keda-trigger.js';

/** What KEDA does when a scaler keeps failing (e.g. the NATS monitoring endpoint is unreachable). */
export interface KedaFallback {
  /** Consecutive failed metric reads before falling back. */
  readonly failureThreshold: number;
  /** Replicas to run while falling back (still bounded by the HPA's min and max). */
  readonly replicas: number;
}

/** ScaledObject settings shared by every KEDA trigger. */
export interface KedaScalingOptions {
  /**
   * Scale to zero pods while the triggers are inactive (emitted as `idleReplicaCount: 0`, so
   * `minReplicaCount` stays the floor whenever there is work). Only for consumers that may wait
   * `pollingIntervalSeconds` plus a pod start before the first message is processed.
   * @default false: `minReplicas` pods always run, so a message never waits for a cold start
   */
  readonly scaleToZero?: boolean;
  /**
   * Seconds the triggers must stay inactive before scaling to zero. Only used with `scaleToZero`:
   * between min and max the HPA's scale-down stabilization applies instead.
   * @default 300 (KEDA's default)
   */
  readonly cooldownSeconds?: number;
  /** Seconds between KEDA's reads of each trigger (the wake-from-zero latency). @default 30 (KEDA's default) */
  readonly pollingIntervalSeconds?: number;
  /**
   * Replicas to run after `failureThreshold` failed metric reads.
   * @default none: while the scaler fails, the HPA keeps the current replica count (zero stays zero)
   */
  readonly fallback?: KedaFallback;
  /** Seconds of stable recommendations before the HPA scales down. @default 300 (the HPA default, written out) */
  readonly scaleDownStabilizationSeconds?: number;
}

/**
 * The KEDA part of an {@link Autoscaling} value: triggers and ScaledObject settings, without the replica
 * bounds (those are scaled per environment like an HPA's). Create it through `Autoscaling.keda()` or
 * `Autoscaling.natsJetStream()`.
 */
export class KedaScaling {
  constructor(
    /** The triggers. */
    public readonly triggers: readonly KedaTrigger[],
    /** ScaledObject settings. */
    public readonly options: KedaScalingOptions,
    /** Prop path of trigger `i` relative to the autoscaling prop ('' when the trigger props are flat). */
    private readonly triggerField: (index: number) => string,
  ) {}

  /** Problems with triggers and settings (fields relative to `field`). */
  public problems(field: string): Problem[] {
    const out: Problem[] = [];
    if (this.triggers.length === 0) {
      out.push({ field: `${field}.triggers`, value: [], message: 'is empty: a ScaledObject needs at least one trigger', fix: 'add a trigger, e.g. KedaTrigger.natsJetStream({...})' });
    }
    const seen = new Set<string>();
    this.triggers.forEach((trigger, i) => {
      const at = `${field}${this.triggerField(i)}`;
      out.push(...trigger.problems(at));
      if (seen.has(trigger.name)) {
        out.push({ field: `${at}.name`, value: trigger.name, rule: KEDA_RULES.duplicateTriggerName, message: 'is used by an earlier trigger; KEDA rejects a ScaledObject whose trigger names repeat', fix: 'give each trigger its own name' });
      }
      seen.add(trigger.name);
    });
    const o = this.options;
    const eventTriggers = this.triggers.filter((t) => !t.isResource);
    if (o.scaleToZero && this.triggers.length > 0 && eventTriggers.length === 0) {
      out.push({ field: `${field}.scaleToZero`, value: true, rule: KEDA_RULES.scaleToZero, message: 'needs an event trigger: cpu and memory are only measured on running pods, so a workload scaled to zero would never wake up', fix: 'add an event trigger (e.g. KedaTrigger.natsJetStream) or drop scaleToZero' });
    }
    const whole = (key: 'cooldownSeconds' | 'pollingIntervalSeconds' | 'scaleDownStabilizationSeconds', min: number, max: number, example: number) => {
      const v = o[key];
      if (v !== undefined && !(Number.isInteger(v) && v >= min && v <= max)) out.push({ field: `${field}.${key}`, value: v, message: `must be a whole number of seconds from ${min} to ${max}`, fix: `use e.g. ${example}` });
    };
    whole('cooldownSeconds', 0, 86400, 300);
    whole('pollingIntervalSeconds', 1, 3600, 30);
    whole('scaleDownStabilizationSeconds', 0, 3600, 300);
    if (o.fallback) {
      const { failureThreshold, replicas } = o.fallback;
      if (!(Number.isInteger(failureThreshold) && failureThreshold >= 1)) out.push({ field: `${field}.fallback.failureThreshold`, value: failureThreshold, message: 'must be a whole number of at least 1', fix: 'use e.g. 3 (one failed read is not an outage)' });
      if (!(Number.isInteger(replicas) && replicas >= 1)) out.push({ field: `${field}.fallback.replicas`, value: replicas, message: 'must be a whole number of at least 1: falling back to zero would stop consumption exactly when the backlog cannot be seen', fix: 'use e.g. the usual peak replica count' });
      if (!eventTriggers.some((t) => t.metricType === undefined || t.metricType === 'AverageValue')) {
        out.push({ field: `${field}.fallback`, value: o.fallback, rule: KEDA_RULES.fallback, message: 'needs a trigger that is not cpu or memory and uses the AverageValue metric type; KEDA rejects the ScaledObject otherwise', fix: 'add an event trigger with the default metric type, or remove fallback' });
      }
    }
    return out;
  }

  /** The ScaledObject `spec`, given the resolved bounds and each trigger's TriggerAuthentication name. */
  public renderSpec(target: { readonly apiVersion: string; readonly kind: string; readonly name: string }, minReplicas: number, maxReplicas: number, authenticationName: (trigger: KedaTrigger) => string | undefined): Record<string, unknown> {
    const o = this.options;
    return {
      scaleTargetRef: target,
      minReplicaCount: minReplicas,
      maxReplicaCount: maxReplicas,
      pollingInterval: o.pollingIntervalSeconds ?? 30,
      cooldownPeriod: o.cooldownSeconds ?? 300,
      advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: o.scaleDownStabilizationSeconds ?? 300 } } } },
      // Each entry is checked against ScaledObjectSpecTriggers where KedaTrigger.render builds it.
      triggers: this.triggers.map((t) => t.render(authenticationName(t)) as unknown as Wire<ScaledObjectSpecTriggers>),
      ...(o.scaleToZero ? { idleReplicaCount: 0 } : {}),
      ...(o.fallback ? { fallback: { failureThreshold: o.fallback.failureThreshold, replicas: o.fallback.replicas } } : {}),
    } satisfies Wire<ScaledObjectSpec>;
  }
}
