import { ApiObject } from 'cdk8s';
import type { k8s } from 'cdk8s-plus-28';
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
  return new ApiObject(scope, id, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncWaveAnnotations(SyncWave.APP_SUPPORT) } satisfies k8s.ObjectMeta,
    spec: {
      type: 'ClusterIP',
      selector: props.selector,
      ports: [{ name: 'http', port: props.port, targetPort: 'http', protocol: 'TCP' }],
    },
  });
}
