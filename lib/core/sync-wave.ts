/**
 * Argo CD sync waves used by every construct of this library.
 *
 * Argo CD applies a sync in phase order (PreSync, Sync, PostSync), then wave, then kind, then name, and
 * waits for each wave to be Healthy before the next. Negative waves hold what everything else needs
 * (namespaces, CRDs, RBAC, operators); wave 0 holds data services and the database migration (a PreSync
 * hook); positive waves hold the application workloads, with Rollouts in the very last wave because a
 * paused Rollout reports Suspended and would block any wave after it (argoproj/argo-cd#19422).
 *
 * Every object we emit carries an explicit wave: an object left in the default wave can sync before the
 * migration it depends on has finished (argoproj/argo-cd#5086).
 */
export const SyncWave = {
  /** Namespaces (with their Pod Security labels): first, everything else lives in them. */
  NAMESPACE: -30,
  /** CustomResourceDefinitions. */
  CRD: -25,
  /** ServiceAccounts, Roles, ClusterRoles and their bindings. */
  RBAC: -20,
  /**
   * NetworkPolicies of the environment's namespace: the default deny and every allow, together, before any pod of the
   * environment (data service, migration, workload) starts, so none runs a moment unisolated or cut off.
   */
  NETWORK_POLICY: -20,
  /** Operators and controllers (Argo Rollouts, KEDA, CloudNativePG) and their configuration. */
  OPERATOR: -10,
  /**
   * Secrets created from a secret store (ExternalSecret): after the operators, before every consumer (the data
   * services' passwords, the migration hook, the workloads' `secretEnv`).
   */
  SECRET: -5,
  /** Data services, caches and queues managed by operators. */
  DATA: 0,
  /** The database migration, a PreSync hook Job: it runs before every Sync-phase object. */
  MIGRATION: 0,
  /** ConfigMaps and Secret references the workloads mount: before the workloads that read them. */
  CONFIG: 5,
  /** Services, routes, PodDisruptionBudgets and AnalysisTemplates: before their workload. */
  APP_SUPPORT: 10,
  /** Deployments and other plain workloads, with their HPA or ScaledObject (an autoscaler synced before its target reports Degraded). */
  APP: 20,
  /** Argo Rollouts (with their autoscaler): the last wave, so a paused canary never blocks another wave. */
  ROLLOUT: 30,
} as const;

/** One of the {@link SyncWave} values. */
export type SyncWaveValue = (typeof SyncWave)[keyof typeof SyncWave];

/** The annotation Argo CD reads the wave from. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** Annotations that put an object in a wave. */
export function syncWaveAnnotations(wave: number): Record<string, string> {
  return { [SYNC_WAVE_ANNOTATION]: String(wave) };
}

/** The annotation Argo CD reads per-object sync options from (comma-separated). */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** Options of {@link syncAnnotations}. */
export interface SyncAnnotationOptions {
  /**
   * The object is a custom resource whose CRD may be installed by an earlier wave of the same sync
   * (Argo Rollouts, KEDA, CloudNativePG, Gateway API). Without `SkipDryRunOnMissingResource=true`,
   * Argo CD's dry run of the whole sync fails before the wave that installs the CRD ever runs.
   * @default false
   */
  readonly customResource?: boolean;
  /**
   * Prune the object only after every other object of the sync is applied and healthy
   * (`PruneLast=true`), so a content-hashed ConfigMap stays until the new release is up.
   * @default false
   */
  readonly pruneLast?: boolean;
}

/** The Argo CD annotations of an object: its wave, and sync options where they are needed. */
export function syncAnnotations(wave: number, options: SyncAnnotationOptions = {}): Record<string, string> {
  const syncOptions: string[] = [];
  if (options.pruneLast) syncOptions.push('PruneLast=true');
  if (options.customResource) syncOptions.push('SkipDryRunOnMissingResource=true');
  return syncOptions.length > 0 ? { ...syncWaveAnnotations(wave), [SYNC_OPTIONS_ANNOTATION]: syncOptions.join(',') } : syncWaveAnnotations(wave);
}
