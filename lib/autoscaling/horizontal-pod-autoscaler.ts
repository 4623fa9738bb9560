import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';

/** Props of {@link emitHorizontalPodAutoscaler}. */
export interface HpaProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The scaled workload (a Deployment, or an argoproj.io/v1alpha1 Rollout). */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilizationPercent: number;
  readonly scaleDownStabilizationSeconds: number;
}

/**
 * An autoscaling/v2 HorizontalPodAutoscaler on average CPU utilization, in its target's own wave: Argo CD
 * reports an HPA whose target does not exist yet as Degraded (FailedGetScale), and a Degraded object in
 * an earlier wave would hold back the wave that creates the target on the first sync. Within one wave
 * Argo CD applies Deployments before HPAs.
 */
export function emitHorizontalPodAutoscaler(scope: Construct, props: HpaProps): ApiObject {
  return new ApiObject(scope, 'hpa', {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncWaveAnnotations(props.target.kind === 'Rollout' ? SyncWave.ROLLOUT : SyncWave.APP) },
    spec: {
      scaleTargetRef: props.target,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.cpuUtilizationPercent } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: props.scaleDownStabilizationSeconds } },
    } satisfies k8s.HorizontalPodAutoscalerSpecV2,
  });
}
