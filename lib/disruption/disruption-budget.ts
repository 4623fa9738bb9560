/**
 * A PodDisruptionBudget policy. Only `maxUnavailable` forms are offered: they always allow at least one
 * eviction, so a budget never blocks a node drain (argoproj/argo-rollouts#2419), whatever the replica
 * count or autoscaler decides.
 */
export class DisruptionBudget {
  /** At most `pods` (≥ 1) pods may be evicted at once. */
  public static maxUnavailable(pods: number): DisruptionBudget {
    return new DisruptionBudget(pods);
  }

  /** At most `percent` (1..100) of the pods may be evicted at once; Kubernetes rounds up, so at least one. */
  public static maxUnavailablePercent(percent: number): DisruptionBudget {
    return new DisruptionBudget(`${percent}%`);
  }

  private constructor(
    /** The `maxUnavailable` value. */
    public readonly maxUnavailable: number | string,
  ) {}

  /** Problems with the value (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const v = this.maxUnavailable;
    if (typeof v === 'number') {
      return Number.isInteger(v) && v >= 1 ? [] : [{ field: `${field}.maxUnavailable`, value: v, message: 'must be a whole number of at least 1: 0 would block every node drain', fix: 'use DisruptionBudget.maxUnavailable(1)' }];
    }
    const n = Number(v.slice(0, -1));
    return Number.isInteger(n) && n >= 1 && n <= 100 ? [] : [{ field: `${field}.maxUnavailable`, value: v, message: 'must be a percentage from 1% to 100%: 0% would block every node drain', fix: 'use DisruptionBudget.maxUnavailablePercent(25)' }];
  }

  /** The PDB spec for pods matching `selector`. */
  public renderSpec(selector: Record<string, string>): Record<string, unknown> {
    return {
      maxUnavailable: this.maxUnavailable,
      selector: { matchLabels: selector },
      // Unhealthy pods can always be evicted, so a crash-looping pod never wedges a drain.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    };
  }
}
