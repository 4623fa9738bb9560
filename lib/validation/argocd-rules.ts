import { SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION } from '../core/sync-wave.js';
import { type Finding, renderValue } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, isSet } from './manifest.js';
import { closestField } from './schema/ajv-findings.js';

/**
 * Argo CD v3.5 annotation values, checked offline. Argo CD (gitops-engine) silently ignores a hook type,
 * delete policy or sync option it does not know, so a typo changes behaviour without any error: a
 * `PreSynk` hook becomes a plain resource applied with the app it should have prepared.
 * Sources: docs/user-guide/sync-waves.md and sync-options.md (release-3.4/3.5), gitops-engine
 * pkg/sync/common/types.go and pkg/sync/hook/delete_policy.go.
 */
export const ARGOCD_RULES = {
  syncWave: 'argocd/sync-wave',
  explicitWave: 'argocd/explicit-wave',
  hook: 'argocd/hook',
  hookDeletePolicy: 'argocd/hook-delete-policy',
  deletePolicyWithoutHook: 'argocd/delete-policy-without-hook',
  namedHookJob: 'argocd/named-hook-job',
  hookTtl: 'argocd/hook-ttl-with-hook-succeeded',
  syncOptions: 'argocd/sync-options',
} as const;

/** Warning-level rules: the setting does nothing, which is suspicious but harmless. */
export const ARGOCD_WARNING_RULES: ReadonlySet<string> = new Set([ARGOCD_RULES.deletePolicyWithoutHook]);

/** Options of {@link checkArgoCdAnnotations}. */
export interface ArgoCdRuleOptions {
  /**
   * Require an explicit sync wave on every object (this library's policy, argoproj/argo-cd#5086).
   * @default false: a missing wave means wave 0, which hand-written manifests often rely on
   */
  readonly requireExplicitWave?: boolean;
}

const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
const DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
const HOOK_TYPES = ['PreSync', 'Sync', 'PostSync', 'SyncFail', 'PreDelete', 'PostDelete', 'Skip'];
const DELETE_POLICIES = ['HookSucceeded', 'HookFailed', 'BeforeHookCreation'];
/** Helm hook delete policies, which Argo CD maps onto its own (gitops-engine hook/helm/delete_policy.go). */
const HELM_DELETE_POLICIES: Readonly<Record<string, string>> = { 'before-hook-creation': 'BeforeHookCreation', 'hook-succeeded': 'HookSucceeded', 'hook-failed': 'HookFailed' };

const BOOLEAN = ['true', 'false'];
/** Sync options honoured in the per-resource annotation, with their values. */
const RESOURCE_SYNC_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  Prune: ['false', 'confirm', 'true'],
  Delete: ['false', 'confirm', 'true'],
  Validate: BOOLEAN,
  SkipDryRunOnMissingResource: BOOLEAN,
  PruneLast: BOOLEAN,
  Replace: BOOLEAN,
  Force: BOOLEAN,
  ServerSideApply: BOOLEAN,
  RespectIgnoreDifferences: BOOLEAN,
};
/** Sync options that only an Application's `spec.syncPolicy.syncOptions` honours. */
const APPLICATION_SYNC_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  CreateNamespace: BOOLEAN,
  ApplyOutOfSyncOnly: BOOLEAN,
  PrunePropagationPolicy: ['foreground', 'background', 'orphan'],
  FailOnSharedResource: BOOLEAN,
  ClientSideApplyMigration: BOOLEAN,
};

/** Go strconv.Atoi, which Argo CD uses for the wave (gitops-engine syncwaves.Wave): an optional sign and decimal digits. */
const GO_INT = /^[+-]?\d+$/;

/** Comma-separated annotation values, trimmed, empty entries dropped (gitops-engine GetAnnotationCSVs). */
function csv(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter((v) => v !== '') : [];
}

/**
 * Checks one object's Argo CD annotations: the sync wave is an integer (and present, when required),
 * hook types and delete policies are known, a named hook Job is deleted before it is recreated, a hook
 * Job has no TTL racing HookSucceeded, and every sync option (annotation, or an Application's
 * `spec.syncPolicy.syncOptions`) is known and valid where it is set.
 */
export function checkArgoCdAnnotations(manifest: Manifest, options: ArgoCdRuleOptions = {}): Finding[] {
  const sink = new FindingSink(manifest.location);
  const object = manifest.object;
  const annotations: Record<string, unknown> = isRecord(object?.metadata?.annotations) ? object.metadata.annotations : {};
  const field = (key: string) => `metadata.annotations["${key}"]`;

  const wave = annotations[SYNC_WAVE_ANNOTATION];
  if (wave === undefined) {
    if (options.requireExplicitWave) {
      sink.add(field(SYNC_WAVE_ANNOTATION), undefined, ARGOCD_RULES.explicitWave, 'every object needs an explicit integer sync wave, or it may sync before what it depends on (argoproj/argo-cd#5086)', 'annotate it `argocd.argoproj.io/sync-wave: "<n>"` with the wave of its kind (exported as SyncWave: e.g. String(SyncWave.CONFIG) for a ConfigMap, String(SyncWave.APP) for a workload); objects created inside an environment of a Platform get theirs');
    }
  } else if (!GO_INT.test(String(wave))) {
    sink.add(field(SYNC_WAVE_ANNOTATION), wave, ARGOCD_RULES.syncWave, 'is not an integer: Argo CD silently ignores it and syncs the object in wave 0 (or its Helm hook weight), likely before what it depends on', 'use a whole number such as "-10", "0" or "20" (quoted, annotations are strings)');
  }

  const hooks = csv(annotations[HOOK_ANNOTATION]);
  for (const hook of hooks.filter((h) => !HOOK_TYPES.includes(h))) {
    sink.add(field(HOOK_ANNOTATION), annotations[HOOK_ANNOTATION], ARGOCD_RULES.hook, `names unknown hook type ${renderValue(hook)}, which Argo CD ignores (the object is then applied as a normal resource)`, `use ${suggestion(hook, HOOK_TYPES)}one of ${HOOK_TYPES.join(', ')} (comma-separated for several)`);
  }
  const policies = csv(annotations[DELETE_POLICY_ANNOTATION]);
  for (const policy of policies.filter((p) => !DELETE_POLICIES.includes(p))) {
    sink.add(field(DELETE_POLICY_ANNOTATION), annotations[DELETE_POLICY_ANNOTATION], ARGOCD_RULES.hookDeletePolicy, `names unknown delete policy ${renderValue(policy)}, which Argo CD ignores`, `use ${suggestion(policy, DELETE_POLICIES)}one of ${DELETE_POLICIES.join(', ')} (comma-separated for several)`);
  }
  const isHook = hooks.some((h) => HOOK_TYPES.includes(h) && h !== 'Skip') || isSet(annotations['helm.sh/hook']);
  if (policies.length > 0 && !isHook) {
    sink.add(field(DELETE_POLICY_ANNOTATION), annotations[DELETE_POLICY_ANNOTATION], ARGOCD_RULES.deletePolicyWithoutHook, 'has no effect: the object is not a hook', `add ${HOOK_ANNOTATION} (e.g. PreSync), or remove the delete policy`);
  }
  if (isHook && isKind(object, 'batch', 'Job')) checkHookJob(sink, object, annotations, policies);

  checkSyncOptions(sink, field(SYNC_OPTIONS_ANNOTATION), annotations[SYNC_OPTIONS_ANNOTATION], 'resource');
  if (isKind(object, 'argoproj.io', 'Application')) {
    const list = object.spec?.syncPolicy?.syncOptions;
    if (Array.isArray(list)) list.forEach((o: unknown, i: number) => checkSyncOptions(sink, `spec.syncPolicy.syncOptions[${i}]`, o, 'application'));
  }
  return sink.findings;
}

/** The delete policies Argo CD applies to a hook: its own and Helm's, or BeforeHookCreation when none. */
function effectiveDeletePolicies(annotations: Record<string, unknown>, policies: readonly string[]): Set<string> {
  const effective = new Set(policies.filter((p) => DELETE_POLICIES.includes(p)));
  for (const p of csv(annotations['helm.sh/hook-delete-policy'])) if (HELM_DELETE_POLICIES[p]) effective.add(HELM_DELETE_POLICIES[p]!);
  if (effective.size === 0) effective.add('BeforeHookCreation');
  return effective;
}

function checkHookJob(sink: FindingSink, job: any, annotations: Record<string, unknown>, policies: readonly string[]): void {
  const effective = effectiveDeletePolicies(annotations, policies);
  const named = typeof job.metadata?.name === 'string' && job.metadata.name !== '' && !job.metadata?.generateName;
  if (named && !effective.has('BeforeHookCreation')) {
    sink.add(
      `metadata.annotations["${DELETE_POLICY_ANNOTATION}"]`,
      annotations[DELETE_POLICY_ANNOTATION],
      ARGOCD_RULES.namedHookJob,
      `keeps the previous Job ${renderValue(job.metadata.name)} when it is not deleted by its policy, so the next sync that changes its template (an image bump) fails with "field is immutable"`,
      `add BeforeHookCreation (e.g. "BeforeHookCreation" or "HookSucceeded,BeforeHookCreation")`,
    );
  }
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (isSet(ttl) && effective.has('HookSucceeded')) {
    sink.add(
      'spec.ttlSecondsAfterFinished',
      ttl,
      ARGOCD_RULES.hookTtl,
      'races the HookSucceeded delete policy: the TTL controller can delete the finished Job before Argo CD sees it complete, and the sync waits forever (argo-cd PR #29409, #21055)',
      'remove ttlSecondsAfterFinished and let the delete policy clean up (BeforeHookCreation keeps the last run for debugging)',
    );
  }
}

function checkSyncOptions(sink: FindingSink, field: string, value: unknown, scope: 'resource' | 'application'): void {
  const known = scope === 'resource' ? RESOURCE_SYNC_OPTIONS : { ...RESOURCE_SYNC_OPTIONS, ...APPLICATION_SYNC_OPTIONS };
  for (const option of scope === 'resource' ? csv(value) : csv(typeof value === 'string' ? value : '')) {
    const eq = option.indexOf('=');
    // Argo CD compares whole trimmed entries ("Prune=false"), so "Prune = false" matches nothing.
    const key = eq < 0 ? option : option.slice(0, eq);
    const optionValue = eq < 0 ? undefined : option.slice(eq + 1);
    const allowed = known[key];
    if (!allowed) {
      const appOnly = scope === 'resource' && APPLICATION_SYNC_OPTIONS[key] !== undefined;
      sink.add(field, value, ARGOCD_RULES.syncOptions, appOnly
        ? `sets ${key}, which Argo CD honours only in an Application's spec.syncPolicy.syncOptions, not on a resource`
        : `names unknown sync option ${renderValue(key)}, which Argo CD ignores`, appOnly
        ? `move ${key} to the Application's spec.syncPolicy.syncOptions, or remove it`
        : `use ${suggestion(key, Object.keys(known))}one of ${Object.keys(known).join(', ')} as Key=value, comma-separated`);
    } else if (optionValue === undefined || !allowed.includes(optionValue)) {
      sink.add(field, value, ARGOCD_RULES.syncOptions, `sets ${key} to ${renderValue(optionValue)}, which Argo CD does not understand`, `write ${key}=${allowed[0]} (allowed values: ${allowed.join(', ')})`);
    }
  }
}

function suggestion(value: string, known: readonly string[]): string {
  const close = closestField(value, known);
  return close ? `"${close}" or ` : '';
}
