import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SyncWave, syncAnnotations } from '../../core/sync-wave.js';
import { KedaScaling } from './keda-scaling.js';
import { KedaTrigger } from './keda-trigger.js';

/** Props of {@link emitKedaAutoscaler}. */
export interface KedaAutoscalerProps {
  /** Name of the ScaledObject (KEDA derives its HPA name, `keda-hpa-<name>`, from it). */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The scaled workload: an apps/v1 Deployment or an argoproj.io/v1alpha1 Rollout. */
  readonly target: { readonly apiVersion: string; readonly kind: string; readonly name: string };
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly scaling: KedaScaling;
}

/** The objects {@link emitKedaAutoscaler} created. */
export interface KedaAutoscalerObjects {
  readonly scaledObject: ApiObject;
  readonly triggerAuthentications: readonly ApiObject[];
}

/**
 * Emits a `keda.sh/v1alpha1` ScaledObject for the target, plus one TriggerAuthentication per trigger
 * with credentials (named `<name>-<trigger name>`).
 *
 * Waves: the TriggerAuthentications go with the configuration (CONFIG), before anything reads them. The
 * ScaledObject goes in its target's own wave, not before it: KEDA marks a ScaledObject whose target does
 * not exist yet `Ready=False`, which Argo CD's ScaledObject health check reports as Degraded, and a
 * Degraded object in an earlier wave would hold back the wave that creates the target on a first sync.
 */
export function emitKedaAutoscaler(scope: Construct, props: KedaAutoscalerProps): KedaAutoscalerObjects {
  const authName = (trigger: KedaTrigger) => (trigger.credentials ? `${props.name}-${trigger.name}` : undefined);
  const triggerAuthentications = props.scaling.triggers
    .filter((t) => t.credentials !== undefined)
    .map(
      (t) =>
        new ApiObject(scope, `trigger-authentication-${t.name}`, {
          apiVersion: 'keda.sh/v1alpha1',
          kind: 'TriggerAuthentication',
          metadata: { name: authName(t), namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(SyncWave.CONFIG, { customResource: true }) },
          spec: t.credentials!.renderSpec(),
        }),
    );
  const wave = props.target.kind === 'Rollout' ? SyncWave.ROLLOUT : SyncWave.APP;
  const scaledObject = new ApiObject(scope, 'scaled-object', {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(wave, { customResource: true }) },
    spec: props.scaling.renderSpec({ apiVersion: props.target.apiVersion, kind: props.target.kind, name: props.target.name }, props.minReplicas, props.maxReplicas, authName),
  });
  return { scaledObject, triggerAuthentications };
}
