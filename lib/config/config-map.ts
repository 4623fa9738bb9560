import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { setFileStem } from '../platform/output-folder.js';
import { ConfigSource } from './config-source.js';

/**
 * Emits an immutable ConfigMap named `<workload>-<source>-<content hash>` in the CONFIG wave, pruned last
 * so the running (old) pods keep their configuration until the new release is healthy. Its file name
 * stays `configmap-<workload>-<source>.yaml`, so a config change edits that one file. Returns the name.
 */
export function emitConfigMap(scope: Construct, props: { workload: string; namespace: string; labels: Record<string, string>; source: ConfigSource }): string {
  const name = `${props.workload}-${props.source.name}-${props.source.contentHash()}`;
  const object = new ApiObject(scope, `config-${props.source.name}`, {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(SyncWave.CONFIG, { pruneLast: true }) },
    immutable: true,
    data: { ...props.source.data },
  });
  setFileStem(object, `configmap-${props.workload}-${props.source.name}`);
  return name;
}
