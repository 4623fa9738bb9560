import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { RecreateStrategy, RollingStrategy } from './strategy.js';

/** Props of {@link emitDeployment}. */
export interface DeploymentRenderProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  /** Replica count. @default left out of the spec: an autoscaler owns the count */
  readonly replicas?: number;
  readonly podTemplate: Record<string, unknown>;
  /** A rolling update, or Recreate for singletons. */
  readonly strategy: RollingStrategy | RecreateStrategy;
}

/** Revisions kept for `kubectl rollout undo` and Argo Rollouts rollback. */
export const REVISION_HISTORY_LIMIT = 5;

/** An apps/v1 Deployment with a RollingUpdate (or Recreate) strategy, in the APP wave. */
export function emitDeployment(scope: Construct, props: DeploymentRenderProps): ApiObject {
  const spec: Record<string, unknown> = {
    revisionHistoryLimit: REVISION_HISTORY_LIMIT,
    progressDeadlineSeconds: 600,
    selector: { matchLabels: props.selector },
    strategy: props.strategy.kind === 'recreate'
      ? { type: 'Recreate' }
      : { type: 'RollingUpdate', rollingUpdate: { maxSurge: props.strategy.surge.maxSurge, maxUnavailable: props.strategy.surge.maxUnavailable } },
    template: props.podTemplate,
  };
  if (props.replicas !== undefined) spec.replicas = props.replicas;
  return new ApiObject(scope, 'deployment', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncWaveAnnotations(SyncWave.APP) } satisfies k8s.ObjectMeta,
    spec,
  });
}
