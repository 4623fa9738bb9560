import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { REVISION_HISTORY_LIMIT } from './deployment.js';
import { BlueGreenStrategy, CanaryStrategy } from './strategy.js';

/** What every Rollout needs, whatever its strategy. */
export interface RolloutBaseProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** Replica count. @default left out of the spec: an autoscaler owns the count */
  readonly replicas?: number;
  readonly podTemplate: Record<string, unknown>;
  /** Annotations besides the sync wave (e.g. notification subscriptions). @default none */
  readonly annotations?: Record<string, string>;
}

/** Props of {@link emitCanaryRollout}. */
export interface CanaryRolloutProps extends RolloutBaseProps {
  /** A canary strategy. */
  readonly strategy: CanaryStrategy;
  readonly stableService: string;
  readonly canaryService: string;
  /** `trafficRouting`, when a router splits traffic. @default none: a basic canary, weights approximated by pod counts */
  readonly trafficRouting?: Record<string, unknown>;
  /** Body of every analysis step (templates and args). */
  readonly analysis: Record<string, unknown>;
  /** Body of the last analysis step, the one that promotes the canary. @default `analysis` */
  readonly lastAnalysis?: Record<string, unknown>;
  /** Pin canary scaling for an HPA (needs trafficRouting). */
  readonly dynamicStableScale: boolean;
}

/** Props of {@link emitBlueGreenRollout}. */
export interface BlueGreenRolloutProps extends RolloutBaseProps {
  /** A blue-green strategy. */
  readonly strategy: BlueGreenStrategy;
  /** The Service users reach (the route's backend). */
  readonly activeService: string;
  /** The Service that reaches green before promotion; must differ from the active one. */
  readonly previewService: string;
  /** `prePromotionAnalysis` (templates and args): the smoke test that gates the flip. */
  readonly prePromotionAnalysis: Record<string, unknown>;
}

/**
 * An Argo Rollouts canary Rollout with an inline pod template (never `workloadRef`, which is broken with
 * HPA and KEDA: argoproj/argo-rollouts#3825, #4110, #4935), in the last sync wave.
 */
export function emitCanaryRollout(scope: Construct, props: CanaryRolloutProps): ApiObject {
  const s = props.strategy;
  const lastAnalysis = s.steps.map((step) => step.action).lastIndexOf('analysis');
  const canary: Record<string, unknown> = {
    stableService: props.stableService,
    canaryService: props.canaryService,
    maxSurge: s.surge.maxSurge,
    maxUnavailable: s.surge.maxUnavailable,
    steps: s.steps.map((step, i) => step.render(i === lastAnalysis ? props.lastAnalysis ?? props.analysis : props.analysis)),
  };
  if (props.trafficRouting) canary.trafficRouting = props.trafficRouting;
  if (props.dynamicStableScale) canary.dynamicStableScale = true;
  // dynamicStableScale + an explicit abortScaleDownDelaySeconds deadlocks on abort (argo-rollouts#4898).
  else if (s.abortScaleDownDelaySeconds !== undefined) canary.abortScaleDownDelaySeconds = s.abortScaleDownDelaySeconds;
  return emitRollout(scope, props, { canary });
}

/**
 * An Argo Rollouts blue-green Rollout, inline pod template, last sync wave. Green comes up behind the
 * preview Service, the smoke test (`prePromotionAnalysis`) runs against it, then the controller flips the
 * active Service's selector to green; blue stays `scaleDownDelaySeconds` for an instant rollback. There
 * is no `trafficRouting`: blue-green flips selectors, not weights, so the route keeps one backend.
 *
 * With an HPA, `spec.replicas` is left out and the HPA sizes both stacks in unison; a
 * `previewReplicaCount` pins green to that count while previewed, whatever the HPA decides, and green is
 * scaled to the HPA's count just before the flip (docs/features/hpa-support.md).
 */
export function emitBlueGreenRollout(scope: Construct, props: BlueGreenRolloutProps): ApiObject {
  const s = props.strategy;
  const blueGreen: Record<string, unknown> = {
    activeService: props.activeService,
    previewService: props.previewService,
    autoPromotionEnabled: s.autoPromotionEnabled,
    scaleDownDelaySeconds: s.scaleDownDelaySeconds,
    prePromotionAnalysis: props.prePromotionAnalysis,
  };
  if (s.autoPromotionSeconds !== undefined) blueGreen.autoPromotionSeconds = s.autoPromotionSeconds;
  if (s.previewReplicaCount !== undefined) blueGreen.previewReplicaCount = s.previewReplicaCount;
  if (s.abortScaleDownDelaySeconds !== undefined) blueGreen.abortScaleDownDelaySeconds = s.abortScaleDownDelaySeconds;
  return emitRollout(scope, props, { blueGreen });
}

function emitRollout(scope: Construct, props: RolloutBaseProps, strategy: Record<string, unknown>): ApiObject {
  const spec: Record<string, unknown> = {
    revisionHistoryLimit: REVISION_HISTORY_LIMIT,
    progressDeadlineSeconds: 600,
    // A rollout stuck past the deadline aborts back to stable instead of waiting for a human.
    progressDeadlineAbort: true,
    selector: { matchLabels: props.selector },
    template: props.podTemplate,
    strategy,
  };
  if (props.replicas !== undefined) spec.replicas = props.replicas;
  return new ApiObject(scope, 'rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: { ...props.annotations, ...syncAnnotations(SyncWave.ROLLOUT, { customResource: true }) } },
    spec,
  });
}
