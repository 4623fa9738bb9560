import { SYNC_WAVE_ANNOTATION } from '../../core/sync-wave.js';
import { deliveryPlanOf, describePlan } from '../delivery-plan.js';
import { compareText, HOOK_ANNOTATION, hookOf, isProductionEnvironment, isWorkload, locationOf, ReviewObject, subjectOf, waveOf } from '../manifests.js';
import { Change, ChangeDraft, risk, Risk } from './change.js';
import { compareAnalysisTemplates } from './compare-analysis.js';
import { compareSloRules } from './compare-slo-rules.js';
import { compareDisruptionBudgets, compareHorizontalAutoscalers, compareScaledObjects } from './compare-capacity.js';
import { compareImages, compareReplicas, compareStrategies, Comparison } from './compare-workloads.js';
import { annotationField, changedFields, valueText } from './field-paths.js';

const SYNC_ORDER_FIELDS = [annotationField(SYNC_WAVE_ANNOTATION), annotationField(HOOK_ANNOTATION)];
const MAX_OTHER_FIELDS = 6;

/** Wave and hook phase: where the object sits in Argo CD's sync order. */
function compareSyncOrder(a: Record<string, any>, b: Record<string, any>): ChangeDraft[] {
  const subject = subjectOf(b);
  const out: ChangeDraft[] = [];
  const waveA = waveOf(a);
  const waveB = waveOf(b);
  if (waveA !== waveB) {
    const direction = waveB > waveA ? 'later' : 'earlier';
    out.push({ subject, aspect: 'wave', field: 'sync wave', before: String(waveA), after: String(waveB), note: direction, risks: [risk('wave-moved', `syncs ${direction} (wave ${waveA} → ${waveB})`)] });
  }
  const hookA = hookOf(a) ?? 'none (Sync phase)';
  const hookB = hookOf(b) ?? 'none (Sync phase)';
  if (hookA !== hookB) out.push({ subject, aspect: 'wave', field: 'hook', before: hookA, after: hookB, risks: [risk('wave-moved', `hook phase ${hookA} → ${hookB}`)] });
  return out;
}

function kindComparisons(a: Record<string, any>, b: Record<string, any>, production: boolean): Comparison[] {
  if (isWorkload(a) && isWorkload(b)) return [compareImages(a, b), compareReplicas(a, b), compareStrategies(a, b, production)];
  if (b.kind === 'Job' || b.kind === 'CronJob' || b.kind === 'Pod') return [compareImages(a, b)];
  if (b.kind === 'AnalysisTemplate' || b.kind === 'ClusterAnalysisTemplate') return [compareAnalysisTemplates(a, b)];
  if (b.kind === 'PodDisruptionBudget') return [compareDisruptionBudgets(a, b)];
  if (b.kind === 'HorizontalPodAutoscaler') return [compareHorizontalAutoscalers(a, b)];
  if (b.kind === 'ScaledObject') return [compareScaledObjects(a, b)];
  if (b.kind === 'PrometheusRule') return [compareSloRules(a, b)];
  return [];
}

/** Every change between two versions of one object: the reviewer-level ones, then the remaining fields in one line. */
export function compareObjects(a: Record<string, any>, b: Record<string, any>, production: boolean): ChangeDraft[] {
  const subject = subjectOf(b);
  const drafts: ChangeDraft[] = [];
  const covered: RegExp[] = [...SYNC_ORDER_FIELDS];
  // Hand-written or broken manifests may hold any YAML value here: compared and shown as text.
  if (valueText(a.kind) !== valueText(b.kind)) {
    drafts.push({ subject, aspect: 'strategy', field: 'kind', before: valueText(a.kind), after: valueText(b.kind), risks: [] });
    covered.push(/^(apiVersion|kind)$/);
  }
  if (valueText(a.metadata?.name) !== valueText(b.metadata?.name)) {
    drafts.push({ subject, aspect: 'renamed', field: 'name', before: valueText(a.metadata?.name), after: valueText(b.metadata?.name), risks: [] });
    covered.push(/^metadata\.name$/);
  }
  drafts.push(...compareSyncOrder(a, b));
  for (const c of kindComparisons(a, b, production)) {
    drafts.push(...c.changes);
    covered.push(...c.covered);
  }
  const rest = changedFields(a, b).filter((f) => !covered.some((r) => r.test(f)));
  if (rest.length > 0) {
    const shown = rest.slice(0, MAX_OTHER_FIELDS).join(', ');
    drafts.push({ subject, aspect: 'other', field: 'other fields', after: rest.length > MAX_OTHER_FIELDS ? `${shown} (+${rest.length - MAX_OTHER_FIELDS} more)` : shown, risks: [] });
  }
  return drafts;
}

/** What an added or removed object is, in one line. */
function describeObject(m: Record<string, any>): string {
  const plan = deliveryPlanOf(m);
  if (plan) return describePlan(plan);
  if (m.kind === 'PodDisruptionBudget') return m.spec?.maxUnavailable !== undefined ? `maxUnavailable ${m.spec.maxUnavailable}` : `minAvailable ${m.spec?.minAvailable}`;
  if (m.kind === 'HorizontalPodAutoscaler') return `${m.spec?.minReplicas ?? 1}–${m.spec?.maxReplicas} replicas`;
  if (m.kind === 'ScaledObject') return `${m.spec?.minReplicaCount ?? 0}–${m.spec?.maxReplicaCount ?? 100} replicas`;
  return `wave ${waveOf(m)}${hookOf(m) ? `, ${hookOf(m)} hook` : ''}`;
}

function selects(selector: Record<string, any> | undefined, labels: Record<string, any> | undefined): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

/** A removed PDB is a risk when a workload it protected is still there. */
function removalRisks(removed: Record<string, any>, remaining: readonly ReviewObject[]): Risk[] {
  if (removed.kind !== 'PodDisruptionBudget') return [];
  const still = remaining.find((o) => isWorkload(o.manifest) && o.manifest.metadata?.namespace === removed.metadata?.namespace && selects(removed.spec?.selector, o.manifest.spec?.template?.metadata?.labels));
  return still ? [risk('pdb-removed', `${subjectOf(still.manifest)} has no disruption budget any more`)] : [];
}

/** Identity of an object across versions: its file, plus kind and name when a file holds several objects. */
function keyed(objects: readonly ReviewObject[]): Map<string, ReviewObject> {
  const perFile = new Map<string, number>();
  for (const o of objects) perFile.set(o.path, (perFile.get(o.path) ?? 0) + 1);
  return new Map(objects.map((o) => [perFile.get(o.path)! > 1 ? `${o.path}#${o.manifest.kind}/${o.manifest.metadata?.namespace ?? ''}/${o.manifest.metadata?.name}` : o.path, o]));
}

/**
 * Compares two versions of an output folder object by object, per platform, environment and unit.
 * Objects are matched by file (one object per file, as synth writes them); a workload whose kind changed
 * (Rollout ↔ Deployment, so its file name changed) is matched by name within its unit.
 */
export function compareManifests(before: readonly ReviewObject[], after: readonly ReviewObject[]): Change[] {
  const a = keyed(before);
  const b = keyed(after);
  const changes: Change[] = [];
  const place = (path: string, drafts: ChangeDraft[]) => {
    const { platform, environment, unit } = locationOf(path);
    for (const d of drafts) changes.push({ platform, environment, unit, ...d });
  };
  const removed = [...a.keys()].filter((k) => !b.has(k));
  const added = new Set([...b.keys()].filter((k) => !a.has(k)));
  const pairs = new Map<string, string>();
  for (const k of removed) {
    const old = a.get(k)!;
    if (!isWorkload(old.manifest)) continue;
    const unit = old.path.split('/').slice(0, -1).join('/');
    const match = [...added].find((n) => {
      const o = b.get(n)!;
      return isWorkload(o.manifest) && o.path.split('/').slice(0, -1).join('/') === unit && o.manifest.metadata?.name === old.manifest.metadata?.name;
    });
    if (match) {
      pairs.set(k, match);
      added.delete(match);
    }
  }
  const order = [...new Set([...a.keys(), ...b.keys()])].sort(compareText);
  for (const k of order) {
    const old = a.get(k);
    const now = b.get(k);
    if (old && now) {
      place(now.path, compareObjects(old.manifest, now.manifest, isProductionEnvironment(locationOf(now.path).environment)));
    } else if (old && pairs.has(k)) {
      const partner = b.get(pairs.get(k)!)!;
      place(partner.path, compareObjects(old.manifest, partner.manifest, isProductionEnvironment(locationOf(partner.path).environment)));
    } else if (old) {
      const env = old.path.split('/').slice(0, 2).join('/') + '/';
      const remaining = after.filter((o) => o.path.startsWith(env));
      place(old.path, [{ subject: subjectOf(old.manifest), aspect: 'removed', field: 'removed', before: describeObject(old.manifest), risks: removalRisks(old.manifest, remaining) }]);
    } else if (now && added.has(k)) {
      place(now.path, [{ subject: subjectOf(now.manifest), aspect: 'added', field: 'added', after: describeObject(now.manifest), risks: [] }]);
    }
  }
  return sortChanges(changes);
}

/**
 * Changes by platform, environment and unit (a stable sort: the order within a unit is kept); changes
 * outside any environment (platform `-`, e.g. a migration no unit runs) come last.
 */
export function sortChanges(changes: readonly Change[]): Change[] {
  const last = (s: string) => (s === '-' ? '\uffff' : s);
  return [...changes].sort((x, y) => compareText(last(x.platform), last(y.platform)) || compareText(x.environment, y.environment) || compareText(x.unit, y.unit));
}
