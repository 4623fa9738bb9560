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

/**
 * How a workload's replica count is managed. A workload has at most one autoscaler by construction: an
 * HPA and a KEDA ScaledObject on the same workload fight each other, and KEDA's webhook rejects it.
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
    return new Autoscaling('hpa', props);
  }

  private constructor(
    /** Kind of autoscaling. */
    public readonly kind: 'fixed' | 'hpa',
    /** Bounds and targets. */
    public readonly props: HorizontalAutoscalingProps,
  ) {}

  /** True when an autoscaler, not the manifest, owns the replica count. */
  public get isAutoscaled(): boolean {
    return this.kind !== 'fixed';
  }

  /** Problems with the bounds (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    const { minReplicas, maxReplicas } = this.props;
    if (this.kind === 'fixed') {
      if (!(Number.isInteger(minReplicas) && minReplicas >= 1)) out.push({ field: `${field}.replicas`, value: minReplicas, message: 'must be a whole number of at least 1', fix: 'use Autoscaling.fixed(2) or more' });
      return out;
    }
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
}
