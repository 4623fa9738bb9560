import type { SmokeTestProps } from '../analysis/smoke-test-analysis-template.js';
import { CanaryStep, DEFAULT_CANARY_STEPS } from './canary-step.js';
import { checkFactory } from '../core/props/check-props.js';

/** Surge and unavailability of a rolling update or canary, as a count or a percentage string ("25%"). */
export type PodCount = number | string;

/** Props of {@link Strategy.rolling}. */
export interface RollingProps {
  /** Extra pods allowed during the update. @default '25%' */
  readonly maxSurge?: PodCount;
  /** Pods allowed to be unavailable during the update. @default 0: capacity never drops */
  readonly maxUnavailable?: PodCount;
}

/** Props of {@link Strategy.canary}. */
export interface CanaryProps {
  /** The steps. @default 10% → analysis → 30% → analysis, then promotion to 100% */
  readonly steps?: readonly CanaryStep[];
  /** Extra pods while the canary scales up. @default '25%' */
  readonly maxSurge?: PodCount;
  /** Unavailable pods allowed. @default 0 */
  readonly maxUnavailable?: PodCount;
  /**
   * Seconds to keep the old ReplicaSet after an abort so traffic can move back safely.
   * Left unset when `dynamicStableScale` is on: that combination deadlocks on abort in Argo Rollouts
   * v1.9.1 (argoproj/argo-rollouts#4898).
   * @default Argo Rollouts' own default (30 s)
   */
  readonly abortScaleDownDelaySeconds?: number;
}

/** Props of {@link Strategy.blueGreen}. */
export interface BlueGreenProps {
  /**
   * Promote green (flip the active Service) by itself once the smoke test passed. With `false` the
   * Rollout pauses before promotion until `kubectl argo rollouts promote`; Argo CD reports it Suspended
   * meanwhile (it sits in the last sync wave, so nothing else waits for it).
   * @default true: the smoke test gates promotion
   */
  readonly autoPromotionEnabled?: boolean;
  /**
   * Seconds to wait, after green is ready, before promoting: a window to look at the preview. Must exceed
   * the smoke test's longest run, because Argo Rollouts marks a pre-promotion analysis still running at
   * that point as successful. Only with `autoPromotionEnabled` (otherwise ignored: argoproj/argo-rollouts#2000).
   * @default none: promote as soon as the smoke test passed
   */
  readonly autoPromotionSeconds?: number;
  /**
   * Seconds the old (blue) stack keeps running at full size after the flip: a rollback within that window
   * is an instant selector flip back, with warm pods. It also covers the kube-proxy propagation delay.
   * @default 600 (Argo Rollouts' own default is 30)
   */
  readonly scaleDownDelaySeconds?: number;
  /**
   * Pods of the green stack while it is previewed and smoke-tested; it is scaled to the full count just
   * before the flip. Saves the doubled resources of a full preview, at the cost of testing fewer pods.
   * @default all replicas: green is tested at full size
   */
  readonly previewReplicaCount?: number;
  /**
   * Seconds green stays up after an abort (failed smoke test), for debugging; 0 keeps it until the next
   * release.
   * @default Argo Rollouts' own default (30 s)
   */
  readonly abortScaleDownDelaySeconds?: number;
  /** Name of the preview Service, which the smoke test calls. Must differ from the active Service. @default `<workload name>-preview` */
  readonly previewServiceName?: string;
  /** The pre-promotion smoke test against the preview Service. @default 3 GETs of '/' 10 s apart, each must answer 2xx within 5 s */
  readonly smokeTest?: SmokeTestProps;
}

/** Surge and unavailability, resolved. */
export interface Surge {
  readonly maxSurge: PodCount;
  readonly maxUnavailable: PodCount;
}

/**
 * How a workload moves from one version to the next. Each kind is its own class, so a workload class
 * states in its prop types which strategies it accepts (a data service accepts none); the environment
 * decides which one applies by default.
 */
export abstract class Strategy {
  /** A rolling update: replace pods gradually, keeping capacity (maxUnavailable 0 by default). */
  public static rolling(props: RollingProps = {}): RollingStrategy {
    return checkFactory(new RollingStrategy({ maxSurge: props.maxSurge ?? '25%', maxUnavailable: props.maxUnavailable ?? 0 }), 'Strategy.rolling', [props]);
  }

  /** An Argo Rollouts canary with analysis gates and automatic abort. */
  public static canary(props: CanaryProps = {}): CanaryStrategy {
    const steps = Array.isArray(props.steps) ? props.steps : DEFAULT_CANARY_STEPS;
    return checkFactory(new CanaryStrategy({ maxSurge: props.maxSurge ?? '25%', maxUnavailable: props.maxUnavailable ?? 0 }, steps, props.abortScaleDownDelaySeconds), 'Strategy.canary', [props]);
  }

  /**
   * An Argo Rollouts blue-green: bring up the new (green) stack fully behind a preview Service, smoke-test
   * it, flip the active Service's selector, and keep the old (blue) stack for an instant rollback.
   */
  public static blueGreen(props: BlueGreenProps = {}): BlueGreenStrategy {
    const strategy = new BlueGreenStrategy(
      props.autoPromotionEnabled ?? true,
      props.autoPromotionSeconds,
      props.scaleDownDelaySeconds ?? 600,
      props.previewReplicaCount,
      props.abortScaleDownDelaySeconds,
      props.previewServiceName,
      props.smokeTest ?? {},
    );
    return checkFactory(strategy, 'Strategy.blueGreen', [props]);
  }

  /** Stop every old pod before starting a new one: downtime, for singletons that cannot run two versions. */
  public static recreate(): RecreateStrategy {
    return new RecreateStrategy();
  }

  /** The kind of strategy. */
  public abstract readonly kind: string;
}

/** A rolling update. Create with {@link Strategy.rolling}. */
export class RollingStrategy extends Strategy {
  public readonly kind = 'rolling' as const;
  /** @internal */
  constructor(
    /** Surge and unavailability. */
    public readonly surge: Surge,
  ) {
    super();
  }
}

/** A canary. Create with {@link Strategy.canary}. */
export class CanaryStrategy extends Strategy {
  public readonly kind = 'canary' as const;
  /** @internal */
  constructor(
    /** Surge and unavailability while the canary scales. */
    public readonly surge: Surge,
    /** The steps. */
    public readonly steps: readonly CanaryStep[],
    /** Abort scale-down delay. */
    public readonly abortScaleDownDelaySeconds?: number,
  ) {
    super();
  }
}

/** A blue-green. Create with {@link Strategy.blueGreen}. */
export class BlueGreenStrategy extends Strategy {
  public readonly kind = 'blueGreen' as const;
  /** @internal */
  constructor(
    /** Promote by itself once the smoke test passed. */
    public readonly autoPromotionEnabled: boolean,
    /** Wait before an automatic promotion. */
    public readonly autoPromotionSeconds: number | undefined,
    /** How long blue stays after the flip. */
    public readonly scaleDownDelaySeconds: number,
    /** Pods of green while previewed. */
    public readonly previewReplicaCount: number | undefined,
    /** How long green stays after an abort. */
    public readonly abortScaleDownDelaySeconds: number | undefined,
    /** Explicit preview Service name. */
    public readonly previewServiceName: string | undefined,
    /** The pre-promotion smoke test. */
    public readonly smokeTest: SmokeTestProps,
  ) {
    super();
  }
}

/** Recreate. Create with {@link Strategy.recreate}. */
export class RecreateStrategy extends Strategy {
  public readonly kind = 'recreate' as const;
}

const PERCENT = /^(100|[1-9]?[0-9])%$/;

/** True when a surge/unavailable value is zero ("0%" or 0). */
export function isZero(value: PodCount): boolean {
  return value === 0 || value === '0%';
}

/** Problems with maxSurge/maxUnavailable: malformed values, or both zero (the update could never progress). */
export function checkSurge(surge: Surge, field: string): { field: string; value: unknown; message: string; fix: string }[] {
  const out: { field: string; value: unknown; message: string; fix: string }[] = [];
  for (const key of ['maxSurge', 'maxUnavailable'] as const) {
    const v = surge[key];
    const ok = typeof v === 'number' ? Number.isInteger(v) && v >= 0 : PERCENT.test(v);
    if (!ok) out.push({ field: `${field}.${key}`, value: v, message: 'must be a whole number of pods or a percentage such as "25%"', fix: `set ${key} to e.g. 1 or "25%"` });
  }
  if (out.length === 0 && isZero(surge.maxSurge) && isZero(surge.maxUnavailable)) {
    out.push({ field: `${field}.maxSurge`, value: surge.maxSurge, message: 'and maxUnavailable are both 0, so no pod could ever be replaced', fix: 'allow a surge (e.g. maxSurge "25%") or some unavailability' });
  }
  return out;
}
