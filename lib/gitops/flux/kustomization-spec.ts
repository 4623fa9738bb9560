import { GATEWAY_API_PLUGIN } from '../../traffic/traffic-router.js';
import { DELIVERY_STAGES, DeliveryStage } from '../../platform/output-folder.js';
import { GitOpsUnit } from '../units.js';

/**
 * The Kustomizations a unit depends on: every unit of the nearest earlier stage that has units.
 *
 * That is the smallest set that reproduces the stage order. kustomize-controller applies a Kustomization
 * only once each dependency is Ready, and a dependency becomes Ready only after its own dependencies were
 * (and, with `wait: true`, after its objects are healthy), so readiness chains stage by stage: an app that
 * waits for the migration units also waits, through them, for the data units and the platform. Depending
 * on every earlier unit as well would add edges (n × m per stage pair) without changing any order. When a
 * stage is empty (no migration in this environment), the next stage depends on the one before it.
 */
export function dependenciesOf(unit: GitOpsUnit, units: readonly GitOpsUnit[]): GitOpsUnit[] {
  const index = DELIVERY_STAGES.indexOf(unit.stage);
  for (let i = index - 1; i >= 0; i--) {
    const earlier = units.filter((u) => u.stage === DELIVERY_STAGES[i]);
    if (earlier.length > 0) return earlier;
  }
  return [];
}

/** True for the units of the migration stage (Jobs: forced, so a new image recreates the immutable Job). */
export function isMigrationUnit(unit: GitOpsUnit): boolean {
  return unit.stage === DeliveryStage.MIGRATION;
}

/**
 * CEL health checks for the Argo Rollouts kinds in a unit, or none.
 *
 * kstatus, which `wait: true` uses, cannot read a Rollout: it has no `Ready` condition and its
 * `status.observedGeneration` is a string (fluxcd/flux2#4632, argoproj/argo-rollouts#4672). The Rollout's own
 * `status.phase` says it: `Healthy` once fully promoted, `Degraded` after an abort; `Progressing` and
 * `Paused` (a canary step, a blue-green waiting for promotion) are in progress until the Kustomization's
 * timeout. The controller still compares `status.observedGeneration` with `metadata.generation` first, which
 * accepts Argo Rollouts' string only from fluxcd/pkg#1187 (April 2026) on.
 */
export function rolloutHealthChecks(unit: GitOpsUnit): Record<string, string>[] {
  const hasRollout = unit.objects.some((o) => o.manifest.apiVersion === 'argoproj.io/v1alpha1' && o.manifest.kind === 'Rollout');
  if (!hasRollout) return [];
  return [{
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    failed: "status.phase == 'Degraded'",
    current: "status.phase == 'Healthy'",
  }];
}

/**
 * Drift-ignore rules for the HTTPRoute weights that the Argo Rollouts Gateway API plugin moves during a
 * canary (the Flux counterpart of Argo CD's `ignoreDifferences`): without them every reconcile would put the
 * weights back to 100/0 in the middle of a canary. Only the `weight` of each backendRef of the routes a
 * Rollout of the unit names is ignored, as JSON pointers into the route as emitted.
 */
export function pluginManagedRouteIgnores(unit: GitOpsUnit): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const o of unit.objects) {
    const plugin = o.manifest.kind === 'Rollout' ? o.manifest.spec?.strategy?.canary?.trafficRouting?.plugins?.[GATEWAY_API_PLUGIN] : undefined;
    if (!plugin?.httpRoute) continue;
    const namespace = plugin.namespace ?? o.manifest.metadata?.namespace;
    const route = unit.objects.find((r) => r.manifest.kind === 'HTTPRoute' && r.manifest.metadata?.name === plugin.httpRoute && r.manifest.metadata?.namespace === namespace);
    const rules: any[] = route?.manifest.spec?.rules ?? [];
    const paths = rules.flatMap((rule, i) => (rule.backendRefs ?? []).map((_: unknown, j: number) => `/spec/rules/${i}/backendRefs/${j}/weight`));
    if (paths.length === 0) continue;
    out.push({ paths, target: { group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: plugin.httpRoute, namespace } });
  }
  return out;
}

/** The annotation kustomize-controller reads to leave an object alone when it leaves Git (or the Kustomization is deleted). */
export const FLUX_PRUNE_DISABLED = { key: 'kustomize.toolkit.fluxcd.io/prune', value: 'disabled' } as const;

/** The annotation kustomize-controller reads to recreate an object whose immutable fields changed. */
export const FLUX_FORCE_ENABLED = { key: 'kustomize.toolkit.fluxcd.io/force', value: 'enabled' } as const;

const ARGOCD_PREFIX = 'argocd.argoproj.io/';

/**
 * Rewrites an object for Flux, in place: the constructs write Argo CD's per-object annotations (sync waves, hooks,
 * sync options), which mean nothing to Flux; each goes, and the two with a Flux counterpart become it —
 * `Prune=false` or `Delete=false` (a data service's main object) becomes `kustomize.toolkit.fluxcd.io/prune:
 * disabled`, so removing a PostgresCluster from Git does not delete the database; `Replace=true` or `Force=true`
 * becomes `kustomize.toolkit.fluxcd.io/force: enabled`. Order comes from the units' `dependsOn` instead of waves,
 * and a migration unit's Job is replaced by its forced Kustomization instead of a PreSync hook.
 */
export function adaptForFlux(manifest: Record<string, any>): void {
  const annotations = manifest.metadata?.annotations;
  if (typeof annotations !== 'object' || annotations === null) return;
  const options = String(annotations[`${ARGOCD_PREFIX}sync-options`] ?? '').split(',').map((o) => o.trim());
  for (const key of Object.keys(annotations)) if (key.startsWith(ARGOCD_PREFIX)) delete annotations[key];
  if (options.includes('Prune=false') || options.includes('Delete=false')) annotations[FLUX_PRUNE_DISABLED.key] = FLUX_PRUNE_DISABLED.value;
  if (options.includes('Replace=true') || options.includes('Force=true')) annotations[FLUX_FORCE_ENABLED.key] = FLUX_FORCE_ENABLED.value;
  if (Object.keys(annotations).length === 0) delete manifest.metadata.annotations;
}
