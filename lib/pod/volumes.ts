import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkFactory } from '../core/props/check-props.js';
import { SYNC_OPTIONS_ANNOTATION, SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';

/** Options of {@link WorkloadVolume.emptyDir}. */
export interface EmptyDirOptions {
  /** Size limit; the kubelet evicts the pod beyond it. @default 256 MiB */
  readonly sizeLimitMebibytes?: number;
  /** Keep it in memory (tmpfs, counted in the container's memory limit). @default false: on the node's disk */
  readonly memory?: boolean;
}

/** Options of {@link WorkloadVolume.persistent}. */
export interface PersistentVolumeOptions {
  /** Size of the claim, e.g. `10Gi`. */
  readonly storageSize: string;
  /** StorageClass of the claim. @default the cluster's default StorageClass */
  readonly storageClass?: string;
}

/**
 * A volume of a workload's pod, mounted into its container at `mountPath` (init containers and sidecars mount it by
 * name through their `volumeMounts`).
 */
export class WorkloadVolume {
  /** Scratch space that lives as long as the pod, with a size limit. */
  public static emptyDir(name: string, mountPath: string, options: EmptyDirOptions = {}): WorkloadVolume {
    return checkFactory(new WorkloadVolume(name, mountPath, { kind: 'emptyDir', sizeLimitMebibytes: options.sizeLimitMebibytes ?? 256, memory: options.memory ?? false }), 'WorkloadVolume.emptyDir', [name, mountPath, options]);
  }

  /**
   * A PersistentVolumeClaim `<workload>-<name>` (ReadWriteOnce), for a `Singleton` only: one pod, stopped before its
   * successor starts (Recreate), so the claim is never wanted by two. The claim is kept when removed from Git
   * (Argo CD `Prune=false`): delete it on purpose.
   */
  public static persistent(name: string, mountPath: string, options: PersistentVolumeOptions): WorkloadVolume {
    return checkFactory(new WorkloadVolume(name, mountPath, { kind: 'persistent', storageSize: options.storageSize, storageClass: options.storageClass }), 'WorkloadVolume.persistent', [name, mountPath, options]);
  }

  private constructor(
    /** Volume name, unique in the pod. */
    public readonly name: string,
    /** Where the workload's container mounts it. */
    public readonly mountPath: string,
    /** What it is. */
    public readonly source: { readonly kind: 'emptyDir'; readonly sizeLimitMebibytes: number; readonly memory: boolean } | { readonly kind: 'persistent'; readonly storageSize: string; readonly storageClass?: string },
  ) {}

  /** Problems with the volume (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.name) || this.name.length > 63 || this.name === 'tmp' || this.name.startsWith('config-')) {
      out.push({ field: `${field}.name`, value: this.name, message: 'is not a volume name of its own (a DNS label; "tmp" and "config-…" are the library\'s)', fix: 'use e.g. "cache"' });
    }
    if (!this.mountPath.startsWith('/')) out.push({ field: `${field}.mountPath`, value: this.mountPath, message: 'must be an absolute path', fix: 'use e.g. "/var/cache/app"' });
    if (this.source.kind === 'emptyDir' && !(Number.isInteger(this.source.sizeLimitMebibytes) && this.source.sizeLimitMebibytes >= 1)) {
      out.push({ field: `${field}.sizeLimitMebibytes`, value: this.source.sizeLimitMebibytes, message: 'must be a whole number of at least 1', fix: 'use e.g. 256' });
    }
    if (this.source.kind === 'persistent' && !/^[0-9]+(Mi|Gi|Ti)$/.test(this.source.storageSize)) {
      out.push({ field: `${field}.storageSize`, value: this.source.storageSize, message: 'is not a size in Mi, Gi or Ti', fix: 'use e.g. "10Gi"' });
    }
    return out;
  }

  /** The pod's `volumes` entry; `claimName` is the PersistentVolumeClaim of a persistent volume. */
  public render(claimName: string): Record<string, unknown> {
    if (this.source.kind === 'persistent') return { name: this.name, persistentVolumeClaim: { claimName } };
    return { name: this.name, emptyDir: { sizeLimit: `${this.source.sizeLimitMebibytes}Mi`, ...(this.source.memory ? { medium: 'Memory' } : {}) } };
  }
}

/** Emits the PersistentVolumeClaim of a persistent volume, before its workload, kept when removed from Git. */
export function emitVolumeClaim(scope: Construct, input: { name: string; namespace: string; labels: Record<string, string>; volume: WorkloadVolume }): void {
  const source = input.volume.source;
  if (source.kind !== 'persistent') return;
  new ApiObject(scope, `volume-claim-${input.volume.name}`, {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, annotations: { ...syncWaveAnnotations(SyncWave.CONFIG), [SYNC_OPTIONS_ANNOTATION]: 'Prune=false,Delete=false' } },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: source.storageSize } },
      ...(source.storageClass ? { storageClassName: source.storageClass } : {}),
    },
  });
}
