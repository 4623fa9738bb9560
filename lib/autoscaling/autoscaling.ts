import type { Problem } from '../core/problems.js';
import { KEDA_RULES } from '../validation/keda-rules.js';
import { KedaScaling, KedaScalingOptions } from './keda/keda-scaling.js';
import { KedaTrigger, NatsJetStreamScalerProps } from './keda/keda-trigger.js';
import { checkFactory } from '../core/props/check-props.js';

/** Props of {@link Autoscaling.horizontal}. */
export interface HorizontalAutoscalingProps {
  /** Fewest replicas (before the environment's replica scale). */
  readonly minReplicas: number;
  /** Most replicas (before the environment's replica scale). */
  readonly maxReplicas: number;
  /** Target average CPU utilization, as a percentage of the CPU request. @default 70 */
  readonly cpuUtilizationPercent?: number;
  /** Seconds of stable recommendations before scaling down. @default 300 */
  readonly scaleDownStabilizationSeconds?: number;
}

/** Replica bounds of a KEDA ScaledObject. */
export interface KedaBounds {
  /**
   * Fewest replicas while there is work (before the environment's replica scale); at least 1. Required,
   * because KEDA's own default is 0: to scale to zero when idle, say so with `scaleToZero: true`.
   */
  readonly minReplicas: number;
  /**
   * Most replicas (before the environment's replica scale). Keep it conservative for NATS JetStream: only
   * the consumer leader reports an accurate pending count, and a misread (kedacore/keda#3860, #6042,
   * #7322) scales straight to this bound.
   */
  readonly maxReplicas: number;
}

/** Props of {@link Autoscaling.keda}. */
export interface KedaAutoscalingProps extends KedaBounds, KedaScalingOptions {
  /** The triggers (at least one); the HPA follows whichever asks for the most replicas. */
  readonly triggers: readonly KedaTrigger[];
}

/** Props of {@link Autoscaling.natsJetStream}. */
export interface NatsJetStreamAutoscalingProps extends KedaBounds, KedaScalingOptions, NatsJetStreamScalerProps {}

/**
 * How a workload's replica count is managed. A workload has at most one autoscaler by construction: an
 * HPA and a KEDA ScaledObject on the same workload fight each other, and KEDA's webhook rejects it. The
 * `autoscaling` prop takes exactly one of these values.
 */
export class Autoscaling {
  /** A fixed replica count (scaled by the environment). */
  public static fixed(replicas: number): Autoscaling {
    return new Autoscaling('fixed', { minReplicas: replicas, maxReplicas: replicas });
  }

  /**
   * A HorizontalPodAutoscaler (autoscaling/v2) on CPU. The workload then leaves `spec.replicas` out, or
   * every Argo CD self-heal would reset what the HPA chose (argoproj/argo-cd#5105).
   */
  public static horizontal(props: HorizontalAutoscalingProps): Autoscaling {
    return checkFactory(new Autoscaling('hpa', props), 'Autoscaling.horizontal', [props]);
  }

  /**
   * A KEDA ScaledObject (keda.sh/v1alpha1) with any triggers, plus a TriggerAuthentication per trigger
   * with credentials. KEDA creates and owns the HPA (`keda-hpa-<workload>`); the workload leaves
   * `spec.replicas` out.
   */
  public static keda(props: KedaAutoscalingProps): Autoscaling {
    const { minReplicas, maxReplicas, triggers, ...options } = props;
    return checkFactory(Autoscaling.withKeda(minReplicas, maxReplicas, new KedaScaling(Array.isArray(triggers) ? [...triggers] : [], options, (i) => `.triggers[${i}]`)), 'Autoscaling.keda', [props]);
  }

  /**
   * KEDA on the backlog of a NATS JetStream consumer: the pattern for queue workers. Replicas follow
   * `pending + unacknowledged messages / lagThreshold` between `minReplicas` and `maxReplicas`.
   */
  public static natsJetStream(props: NatsJetStreamAutoscalingProps): Autoscaling {
    const { minReplicas, maxReplicas, scaleToZero, cooldownSeconds, pollingIntervalSeconds, fallback, scaleDownStabilizationSeconds, ...scaler } = props;
    const options: KedaScalingOptions = { scaleToZero, cooldownSeconds, pollingIntervalSeconds, fallback, scaleDownStabilizationSeconds };
    return checkFactory(Autoscaling.withKeda(minReplicas, maxReplicas, new KedaScaling([KedaTrigger.natsJetStream(scaler)], options, () => '')), 'Autoscaling.natsJetStream', [props]);
  }

  private static withKeda(minReplicas: number, maxReplicas: number, keda: KedaScaling): Autoscaling {
    return new Autoscaling('keda', { minReplicas, maxReplicas }, keda);
  }

  private constructor(
    /** Kind of autoscaling. */
    public readonly kind: 'fixed' | 'hpa' | 'keda',
    /** Bounds and targets. */
    public readonly props: HorizontalAutoscalingProps,
    /** Triggers and ScaledObject settings, for the `keda` kind. */
    public readonly keda?: KedaScaling,
  ) {}

  /** True when an autoscaler, not the manifest, owns the replica count. */
  public get isAutoscaled(): boolean {
    return this.kind !== 'fixed';
  }

  /** The same autoscaling with other replica bounds (e.g. scaled for an environment). */
  public withBounds(minReplicas: number, maxReplicas: number): Autoscaling {
    if (this.kind === 'fixed') return Autoscaling.fixed(minReplicas);
    if (this.keda) return Autoscaling.withKeda(minReplicas, maxReplicas, this.keda);
    return new Autoscaling('hpa', { ...this.props, minReplicas, maxReplicas });
  }

  /** Problems with the bounds (fields relative to `field`). */
  public problems(field: string): Problem[] {
    const out: Problem[] = [];
    const { minReplicas, maxReplicas } = this.props;
    if (this.kind === 'fixed') {
      if (!(Number.isInteger(minReplicas) && minReplicas >= 1)) out.push({ field: `${field}.replicas`, value: minReplicas, message: 'must be a whole number of at least 1', fix: 'use Autoscaling.fixed(2) or more' });
      return out;
    }
    if (this.keda) return [...this.kedaBoundsProblems(field), ...this.keda.problems(field)];
    if (!(Number.isInteger(minReplicas) && minReplicas >= 1)) out.push({ field: `${field}.minReplicas`, value: minReplicas, message: 'must be a whole number of at least 1', fix: 'set minReplicas to 1 or more (2 or more keeps the service up during a drain)' });
    if (!(Number.isInteger(maxReplicas) && maxReplicas >= 1)) out.push({ field: `${field}.maxReplicas`, value: maxReplicas, message: 'must be a whole number of at least 1', fix: 'set maxReplicas to 1 or more' });
    if (Number.isInteger(minReplicas) && Number.isInteger(maxReplicas) && minReplicas > maxReplicas) {
      out.push({ field: `${field}.minReplicas`, value: minReplicas, message: `is greater than maxReplicas (${maxReplicas})`, fix: `lower minReplicas to at most ${maxReplicas} or raise maxReplicas to at least ${minReplicas}` });
    }
    const cpu = this.props.cpuUtilizationPercent;
    if (cpu !== undefined && !(Number.isInteger(cpu) && cpu >= 1 && cpu <= 100)) out.push({ field: `${field}.cpuUtilizationPercent`, value: cpu, message: 'must be a whole percentage from 1 to 100', fix: 'use e.g. 70' });
    const delay = this.props.scaleDownStabilizationSeconds;
    if (delay !== undefined && !(Number.isInteger(delay) && delay >= 0 && delay <= 3600)) out.push({ field: `${field}.scaleDownStabilizationSeconds`, value: delay, message: 'must be a whole number of seconds from 0 to 3600', fix: 'use e.g. 300' });
    return out;
  }

  private kedaBoundsProblems(field: string): Problem[] {
    const out: Problem[] = [];
    const { minReplicas, maxReplicas } = this.props;
    if (!(Number.isInteger(minReplicas) && minReplicas >= 1)) {
      out.push({ field: `${field}.minReplicas`, value: minReplicas, message: 'must be a whole number of at least 1 (KEDA would default to 0 and scale to zero)', fix: 'set minReplicas to 1 or more; to scale to zero when idle, add `scaleToZero: true`' });
    }
    if (!(Number.isInteger(maxReplicas) && maxReplicas >= 1)) out.push({ field: `${field}.maxReplicas`, value: maxReplicas, message: 'must be a whole number of at least 1', fix: 'set maxReplicas to 1 or more' });
    if (Number.isInteger(minReplicas) && Number.isInteger(maxReplicas) && minReplicas > maxReplicas) {
      out.push({ field: `${field}.minReplicas`, value: minReplicas, rule: KEDA_RULES.replicaBounds, message: `is greater than maxReplicas (${maxReplicas}); KEDA rejects the ScaledObject`, fix: `lower minReplicas to at most ${maxReplicas} or raise maxReplicas to at least ${minReplicas}` });
    }
    return out;
  }
}
