import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { DisruptionBudget } from './disruption-budget.js';

/** Emits a policy/v1 PodDisruptionBudget for the pods matching `selector`. */
export function emitPodDisruptionBudget(scope: Construct, props: { name: string; namespace: string; labels: Record<string, string>; selector: Record<string, string>; budget: DisruptionBudget }): ApiObject {
  return new ApiObject(scope, 'pdb', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncWaveAnnotations(SyncWave.APP_SUPPORT) } satisfies k8s.ObjectMeta,
    spec: props.budget.renderSpec(props.selector),
  });
}
