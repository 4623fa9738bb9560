import { Construct } from 'constructs';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION, SyncWave } from '../core/sync-wave.js';
import { podSpecsOf } from '../validation/pod-security-rules.js';
import type { ResourceScopes } from '../validation/schema/scopes.js';
import { DeliveryStage, setOutputFolder } from './output-folder.js';
import { EnvironmentChart } from './platform.js';

/** Props of a {@link DeliveryUnit}. */
export interface DeliveryUnitProps {
  /** The unit's folder under `dist/<platform>/<environment>/`: one Argo CD Application or Flux Kustomization. @default the construct id */
  readonly folder?: string;
  /** When the unit syncs. @default DeliveryStage.APP: after the platform, the data services and the migrations */
  readonly stage?: DeliveryStage;
}

/**
 * A unit of your own for plain cdk8s objects — cdk8s-plus constructs, `ApiObject`s, classes `cdk8s import`
 * generated — in an environment: everything created in its scope is written to its folder and synced in its stage.
 *
 * ```ts
 * platform.forEachEnvironment((env) => {
 *   const reports = new DeliveryUnit(env, 'reports');
 *   new kplus.CronJob(reports, 'nightly', { schedule: Cron.daily(), containers: [{ image }] });
 * });
 * ```
 *
 * Objects created in the scope of a workload (`new kplus.ConfigMap(orders, 'flags', …)`) join that workload's
 * unit instead; objects created directly in the environment get a unit named after their construct id. Wherever
 * they are, plain objects get what this library's own objects carry (see {@link completeManifest}): the
 * environment's namespace, a sync wave for their kind (under Argo CD), the platform labels, and the Pod Security
 * "restricted" settings they leave unset.
 */
export class DeliveryUnit extends Construct {
  /** The folder. */
  public readonly folder: string;
  /** The stage. */
  public readonly stage: DeliveryStage;

  constructor(scope: Construct, id: string, props: DeliveryUnitProps = {}) {
    super(scope, id);
    const usable = checkProps(this, props);
    this.folder = (usable ? props.folder : undefined) ?? id;
    this.stage = (usable ? props.stage : undefined) ?? DeliveryStage.APP;
    EnvironmentChart.of(this);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.folder) || this.folder.length > 63) {
      reportProblem(this, { field: 'folder', value: this.folder, message: 'is not a lower-case DNS label: it names a folder and the Application or Kustomization that syncs it', fix: 'use lower-case letters, digits and dashes, e.g. "reports"' });
    }
    if (!Object.values(DeliveryStage).includes(this.stage)) {
      reportProblem(this, { field: 'stage', value: this.stage, message: 'is not a delivery stage', fix: `use one of ${Object.values(DeliveryStage).map((s) => `DeliveryStage.${s.toUpperCase()}`).join(', ')}` });
    }
    setOutputFolder(this, this.folder, this.stage);
  }
}

/** The folder of a plain object created directly in an environment: its top-level construct id as a DNS label. */
export function guestFolderName(id: string): string {
  const label = id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return label === '' ? 'objects' : label;
}

/** What {@link completeManifest} fills in. */
export interface ManifestDefaults {
  /** The environment's namespace. */
  readonly namespace: string;
  /** The platform name (`app.kubernetes.io/part-of`). */
  readonly platform: string;
  /** Which kinds are namespaced, and which are custom resources. */
  readonly scopes: ResourceScopes;
  /** Give objects an Argo CD sync wave (every target but Flux, which orders by `dependsOn`). */
  readonly syncWaves: boolean;
}

const RBAC_KINDS = new Set(['ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']);
const CONFIG_KINDS = new Set(['ConfigMap', 'Secret', 'PersistentVolumeClaim']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController']);

/**
 * The sync wave of an object by kind, in the order this library's own objects follow ({@link SyncWave}): namespaces,
 * CRDs, RBAC, config, then Services and everything else that supports a workload, then workloads; an autoscaler
 * in its target's wave (synced earlier it reports Degraded), Rollouts last.
 */
export function syncWaveOfKind(manifest: Record<string, any>): number {
  const kind = String(manifest.kind ?? '');
  if (kind === 'Namespace') return SyncWave.NAMESPACE;
  if (kind === 'CustomResourceDefinition') return SyncWave.CRD;
  if (RBAC_KINDS.has(kind)) return SyncWave.RBAC;
  if (CONFIG_KINDS.has(kind)) return SyncWave.CONFIG;
  if (kind === 'Rollout') return SyncWave.ROLLOUT;
  if (WORKLOAD_KINDS.has(kind)) return SyncWave.APP;
  if (kind === 'HorizontalPodAutoscaler' || kind === 'ScaledObject') return manifest.spec?.scaleTargetRef?.kind === 'Rollout' ? SyncWave.ROLLOUT : SyncWave.APP;
  return SyncWave.APP_SUPPORT;
}

/**
 * Completes a manifest of an environment with what every object of this library carries, leaving whatever it sets
 * alone — so the constructs' own objects are unchanged, and plain cdk8s objects (cdk8s-plus, `ApiObject`) become
 * first-class members of the environment:
 *
 * - a namespaced kind (by the schemas) without `metadata.namespace` goes to the environment's namespace (Argo CD would
 *   put it in the Application's destination namespace, Flux in the namespace of its Kustomization);
 * - `app.kubernetes.io/part-of` (the platform) and `app.kubernetes.io/managed-by` labels;
 * - under Argo CD (or no target), a sync wave by kind ({@link syncWaveOfKind}) and, for a custom resource,
 *   `SkipDryRunOnMissingResource=true` (its CRD may arrive with its controller in the same sync);
 * - the Pod Security "restricted" settings a pod template leaves unset — the environment's Namespace enforces that
 *   profile, and cdk8s-plus's defaults set neither a seccomp profile nor dropped capabilities: `seccompProfile:
 *   RuntimeDefault` and `runAsNonRoot: true` on the pod, `allowPrivilegeEscalation: false` and `capabilities.drop:
 *   [ALL]` on each container. A value set explicitly is kept, and one the profile forbids fails the synth
 *   (`pss/*`) with the field and the fix.
 */
export function completeManifest(manifest: Record<string, any>, defaults: ManifestDefaults): void {
  const metadata = (manifest.metadata ??= {});
  if (defaults.scopes.isNamespaced(manifest.apiVersion, manifest.kind) === true && (typeof metadata.namespace !== 'string' || metadata.namespace === '')) {
    metadata.namespace = defaults.namespace;
  }
  const labels = (metadata.labels ??= {});
  labels[PART_OF_LABEL] ??= defaults.platform;
  labels[MANAGED_BY_LABEL] ??= 'cdk8s-delivery';
  if (defaults.syncWaves) {
    const annotations = (metadata.annotations ??= {});
    if (annotations[SYNC_WAVE_ANNOTATION] === undefined) {
      annotations[SYNC_WAVE_ANNOTATION] = String(syncWaveOfKind(manifest));
      const options = String(annotations[SYNC_OPTIONS_ANNOTATION] ?? '').split(',').filter((o) => o !== '');
      if (defaults.scopes.isCustomResource(manifest.apiVersion, manifest.kind) && !options.some((o) => o.startsWith('SkipDryRunOnMissingResource='))) {
        annotations[SYNC_OPTIONS_ANNOTATION] = [...options, 'SkipDryRunOnMissingResource=true'].join(',');
      }
    }
  }
  for (const spec of podSpecsOf(manifest)) restrictPod(spec);
}

/** Fills the Pod Security "restricted" fields a pod spec leaves unset (Windows pods may not set them). */
function restrictPod(spec: Record<string, any>): void {
  if (spec.os?.name === 'windows') return;
  const pod = (spec.securityContext ??= {});
  pod.seccompProfile ??= { type: 'RuntimeDefault' };
  pod.runAsNonRoot ??= true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of Array.isArray(spec[list]) ? spec[list] : []) {
      if (typeof container !== 'object' || container === null) continue;
      const sc = (container.securityContext ??= {});
      sc.allowPrivilegeEscalation ??= false;
      const capabilities = (sc.capabilities ??= {});
      capabilities.drop ??= ['ALL'];
    }
  }
}
