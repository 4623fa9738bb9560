import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';

/** Props of {@link emitService}. */
export interface ServiceSpecProps {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Pod selector; every key must be a pod label (Argo Rollouts checks it and adds its own hash key). */
  readonly selector: Record<string, string>;
  readonly port: number;
}

/** A ClusterIP Service that forwards `port` to the pods' named `http` port. */
export function emitService(scope: Construct, id: string, props: ServiceSpecProps): ApiObject {
  return new k8s.KubeService(scope, id, {
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncWaveAnnotations(SyncWave.APP_SUPPORT) },
    spec: {
      type: 'ClusterIP',
      selector: props.selector,
      ports: [{ name: 'http', port: props.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
    },
  });
}
