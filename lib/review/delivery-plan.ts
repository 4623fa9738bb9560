/**
 * How a workload manifest moves from one version to the next, read back from the manifest (a Rollout,
 * Deployment, StatefulSet or DaemonSet, ours or hand-written), with the controllers' defaults filled in.
 * The semantic diff compares plans; the rollout-plan diagrams draw them.
 */

/** Extra or missing pods during an update: a count or a percentage string. */
export type PodCount = number | string;

/** One canary step, reduced to what it does. */
export type CanaryPlanStep =
  | { readonly kind: 'setWeight'; readonly weight: number }
  | { readonly kind: 'pause'; readonly duration?: string }
  | { readonly kind: 'analysis'; readonly templates: readonly string[] }
  | { readonly kind: 'experiment'; readonly templates: readonly string[]; readonly analyses: readonly string[] }
  | { readonly kind: 'other'; readonly action: string };

/** An Argo Rollouts canary. */
export interface CanaryPlan {
  readonly kind: 'canary';
  readonly steps: readonly CanaryPlanStep[];
  readonly maxSurge: PodCount;
  readonly maxUnavailable: PodCount;
  /** The traffic router (`Gateway API plugin`, `nginx`, …), or undefined for a basic canary (weights ≈ pod ratio). */
  readonly trafficRouter?: string;
  /** Templates of the background analysis (`canary.analysis`), which runs for the whole update. */
  readonly backgroundAnalysis: readonly string[];
  /** Seconds without progress before the update counts as failed. */
  readonly progressDeadlineSeconds: number;
  /** A stalled update aborts (back to stable) instead of waiting for a human. */
  readonly progressDeadlineAbort: boolean;
  /** Seconds the canary pods stay after an abort (traffic-routed canaries). */
  readonly abortScaleDownDelaySeconds: number;
}

/** An Argo Rollouts blue-green. */
export interface BlueGreenPlan {
  readonly kind: 'blueGreen';
  readonly activeService: string;
  readonly previewService?: string;
  readonly autoPromotionEnabled: boolean;
  readonly autoPromotionSeconds?: number;
  /** Seconds blue stays up after the flip. */
  readonly scaleDownDelaySeconds: number;
  /** Seconds green stays up after an abort (0: until the next release). */
  readonly abortScaleDownDelaySeconds: number;
  /** Pods of green while it is previewed; undefined: full size. */
  readonly previewReplicaCount?: number;
  readonly prePromotionAnalysis: readonly string[];
  readonly postPromotionAnalysis: readonly string[];
  readonly progressDeadlineSeconds: number;
  readonly progressDeadlineAbort: boolean;
}

/** A rolling update (Deployment RollingUpdate, StatefulSet/DaemonSet RollingUpdate, or a Rollout canary without steps). */
export interface RollingPlan {
  readonly kind: 'rolling';
  readonly maxSurge: PodCount;
  readonly maxUnavailable: PodCount;
  readonly progressDeadlineSeconds?: number;
  /** What is special about this controller's rolling update, if anything. */
  readonly note?: string;
}

/** Every old pod stopped before the new ones start (downtime), or pods replaced only when deleted by hand. */
export interface RecreatePlan {
  readonly kind: 'recreate' | 'onDelete';
}

/** A workload's update plan. */
export type DeliveryPlan = CanaryPlan | BlueGreenPlan | RollingPlan | RecreatePlan;

const templatesOf = (analysis: any): string[] =>
  (analysis?.templates ?? []).map((t: any) => String(t?.templateName ?? t?.clusterTemplateName ?? '?'));

function canaryStep(step: Record<string, any>): CanaryPlanStep {
  if (typeof step.setWeight === 'number') return { kind: 'setWeight', weight: step.setWeight };
  if ('pause' in step) return { kind: 'pause', duration: step.pause?.duration === undefined ? undefined : String(step.pause.duration) };
  if (step.analysis) return { kind: 'analysis', templates: templatesOf(step.analysis) };
  if (step.experiment) {
    return {
      kind: 'experiment',
      templates: (step.experiment.templates ?? []).map((t: any) => String(t?.name ?? '?')),
      analyses: (step.experiment.analyses ?? []).map((a: any) => String(a?.templateName ?? a?.clusterTemplateName ?? '?')),
    };
  }
  return { kind: 'other', action: Object.keys(step).sort().join('+') || 'empty step' };
}

function trafficRouterOf(routing: Record<string, any> | undefined): string | undefined {
  if (!routing) return undefined;
  const names = [...Object.keys(routing.plugins ?? {}).map((p) => (p === 'argoproj-labs/gatewayAPI' ? 'Gateway API plugin' : p)), ...Object.keys(routing).filter((k) => k !== 'plugins' && k !== 'managedRoutes' && k !== 'maxTrafficWeight')];
  return names.length > 0 ? names.sort().join(', ') : undefined;
}

/** The update plan of a workload manifest, or undefined when the object is not a workload. */
export function deliveryPlanOf(manifest: Record<string, any>): DeliveryPlan | undefined {
  const spec = manifest.spec ?? {};
  switch (manifest.kind) {
    case 'Rollout': {
      const progressDeadlineSeconds = spec.progressDeadlineSeconds ?? 600;
      const progressDeadlineAbort = spec.progressDeadlineAbort === true;
      const bg = spec.strategy?.blueGreen;
      if (bg) {
        return {
          kind: 'blueGreen',
          activeService: String(bg.activeService ?? '?'),
          previewService: bg.previewService,
          autoPromotionEnabled: bg.autoPromotionEnabled !== false,
          autoPromotionSeconds: bg.autoPromotionSeconds,
          scaleDownDelaySeconds: bg.scaleDownDelaySeconds ?? 30,
          abortScaleDownDelaySeconds: bg.abortScaleDownDelaySeconds ?? 30,
          previewReplicaCount: bg.previewReplicaCount,
          prePromotionAnalysis: templatesOf(bg.prePromotionAnalysis),
          postPromotionAnalysis: templatesOf(bg.postPromotionAnalysis),
          progressDeadlineSeconds,
          progressDeadlineAbort,
        };
      }
      const canary = spec.strategy?.canary ?? {};
      return {
        kind: 'canary',
        steps: (canary.steps ?? []).map(canaryStep),
        maxSurge: canary.maxSurge ?? '25%',
        maxUnavailable: canary.maxUnavailable ?? '25%',
        trafficRouter: trafficRouterOf(canary.trafficRouting),
        backgroundAnalysis: templatesOf(canary.analysis),
        progressDeadlineSeconds,
        progressDeadlineAbort,
        abortScaleDownDelaySeconds: canary.abortScaleDownDelaySeconds ?? 30,
      };
    }
    case 'Deployment': {
      if (spec.strategy?.type === 'Recreate') return { kind: 'recreate' };
      const rolling = spec.strategy?.rollingUpdate ?? {};
      return { kind: 'rolling', maxSurge: rolling.maxSurge ?? '25%', maxUnavailable: rolling.maxUnavailable ?? '25%', progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600 };
    }
    case 'StatefulSet': {
      if (spec.updateStrategy?.type === 'OnDelete') return { kind: 'onDelete' };
      const rolling = spec.updateStrategy?.rollingUpdate ?? {};
      const partition = rolling.partition ? `, ordinals below ${rolling.partition} kept` : '';
      return { kind: 'rolling', maxSurge: 0, maxUnavailable: rolling.maxUnavailable ?? 1, note: `highest ordinal first${partition}` };
    }
    case 'DaemonSet': {
      if (spec.updateStrategy?.type === 'OnDelete') return { kind: 'onDelete' };
      const rolling = spec.updateStrategy?.rollingUpdate ?? {};
      return { kind: 'rolling', maxSurge: rolling.maxSurge ?? 0, maxUnavailable: rolling.maxUnavailable ?? 1, note: 'node by node' };
    }
    default:
      return undefined;
  }
}

/** Every AnalysisTemplate a plan runs (steps, background, experiments, pre/post promotion), sorted, without repeats. */
export function analysisTemplatesOf(plan: DeliveryPlan | undefined): string[] {
  const names = new Set<string>();
  if (plan?.kind === 'canary') {
    plan.backgroundAnalysis.forEach((n) => names.add(n));
    for (const s of plan.steps) {
      if (s.kind === 'analysis') s.templates.forEach((n) => names.add(n));
      if (s.kind === 'experiment') s.analyses.forEach((n) => names.add(n));
    }
  }
  if (plan?.kind === 'blueGreen') [...plan.prePromotionAnalysis, ...plan.postPromotionAnalysis].forEach((n) => names.add(n));
  return [...names].sort();
}

/** A canary's steps as one line: `10% → analysis(gateway-slo) → 30% → … → 100%`. */
export function describeSteps(steps: readonly CanaryPlanStep[]): string {
  const parts = steps.map((s) => {
    switch (s.kind) {
      case 'setWeight':
        return `${s.weight}%`;
      case 'pause':
        return s.duration === undefined ? 'pause (until promoted)' : `pause ${s.duration}`;
      case 'analysis':
        return `analysis(${s.templates.join(', ')})`;
      case 'experiment':
        return `experiment(${s.templates.join(', ')})`;
      default:
        return s.action;
    }
  });
  return [...parts, '100%'].join(' → ');
}

/** A strategy and its main settings as one line, e.g. `rolling (maxSurge 25%, maxUnavailable 0)`. */
export function describePlan(plan: DeliveryPlan): string {
  switch (plan.kind) {
    case 'canary':
      return `canary ${describeSteps(plan.steps)}${plan.trafficRouter ? ` via ${plan.trafficRouter}` : ' (basic: weights by pod count)'}`;
    case 'blueGreen':
      return `blue-green (preview ${plan.previewService ?? 'none'}, ${plan.autoPromotionEnabled ? 'auto-promotion' : 'manual promotion'}, blue kept ${plan.scaleDownDelaySeconds} s)`;
    case 'rolling':
      return `rolling (maxSurge ${plan.maxSurge}, maxUnavailable ${plan.maxUnavailable})`;
    case 'recreate':
      return 'recreate (downtime)';
    default:
      return 'OnDelete (pods replaced only when deleted)';
  }
}
