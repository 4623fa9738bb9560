import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { REVISION_HISTORY_LIMIT } from './deployment.js';
import { CanaryStrategy } from './strategy.js';

/** Props of {@link emitCanaryRollout}. */
export interface CanaryRolloutProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** Left out when an autoscaler owns the count. */
  readonly replicas?: number;
  readonly podTemplate: Record<string, unknown>;
  /** A canary strategy. */
  readonly strategy: CanaryStrategy;
  readonly stableService: string;
  readonly canaryService: string;
  /** `trafficRouting`, when a router splits traffic. */
  readonly trafficRouting?: Record<string, unknown>;
  /** Body of every analysis step (templates and args). */
  readonly analysis: Record<string, unknown>;
  /** Pin canary scaling for an HPA (needs trafficRouting). */
  readonly dynamicStableScale: boolean;
}

/**
 * An Argo Rollouts canary Rollout with an inline pod template (never `workloadRef`, which is broken with
 * HPA and KEDA: argoproj/argo-rollouts#3825, #4110, #4935), in the last sync wave.
 */
export function emitCanaryRollout(scope: Construct, props: CanaryRolloutProps): ApiObject {
  const s = props.strategy;
  const canary: Record<string, unknown> = {
    stableService: props.stableService,
    canaryService: props.canaryService,
    maxSurge: s.surge.maxSurge,
    maxUnavailable: s.surge.maxUnavailable,
    steps: s.steps.map((step) => step.render(props.analysis)),
  };
  if (props.trafficRouting) canary.trafficRouting = props.trafficRouting;
  if (props.dynamicStableScale) canary.dynamicStableScale = true;
  // dynamicStableScale + an explicit abortScaleDownDelaySeconds deadlocks on abort (argo-rollouts#4898).
  else if (s.abortScaleDownDelaySeconds !== undefined) canary.abortScaleDownDelaySeconds = s.abortScaleDownDelaySeconds;

  const spec: Record<string, unknown> = {
    revisionHistoryLimit: REVISION_HISTORY_LIMIT,
    progressDeadlineSeconds: 600,
    // A canary stuck past the deadline aborts back to stable instead of waiting for a human.
    progressDeadlineAbort: true,
    selector: { matchLabels: props.selector },
    template: props.podTemplate,
    strategy: { canary },
  };
  if (props.replicas !== undefined) spec.replicas = props.replicas;
  return new ApiObject(scope, 'rollout', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(SyncWave.ROLLOUT, { customResource: true }) },
    spec,
  });
}
