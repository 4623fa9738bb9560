import { subjectOf } from '../manifests.js';
import { ChangeDraft, risk, Risk } from './change.js';
import { compareAnalysisParameters, PARAMETER_ANNOTATIONS, statesParameters } from './compare-analysis-parameters.js';
import { Comparison } from './compare-workloads.js';
import { annotationField, valueText as text } from './field-paths.js';
import { compactLineDiff, isLongText, textSummary } from './long-text.js';

/** `result OP number` comparisons in an Argo Rollouts condition (`result`, `result[0]`, `result.x`). */
const COMPARISON = /\bresult(?:\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)*\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:[eE]-?\d+)?)/g;

/** A condition with its numbers taken out: two conditions with the same shape can be compared number by number. */
function shapeOf(condition: string): { shape: string; thresholds: { op: string; value: number }[] } {
  const thresholds: { op: string; value: number }[] = [];
  const shape = condition.replace(COMPARISON, (match, op: string, value: string) => {
    thresholds.push({ op, value: Number(value) });
    return `${match.slice(0, match.length - value.length)}#`;
  });
  return { shape: shape.replace(/\s+/g, ' ').trim(), thresholds };
}

/**
 * Whether a new condition lets more measurements through than the old one: for a success condition,
 * `>= 0.999 → >= 0.99` is weaker; for a failure condition, `< 0.999 → < 0.99` is weaker (it fails on
 * fewer values). Conditions of different shapes cannot be judged (undefined).
 */
export function conditionWeakened(kind: 'success' | 'failure', before: string | undefined, after: string | undefined): boolean | undefined {
  if (before === after) return false;
  // Without a success condition every measurement that does not fail succeeds.
  if (kind === 'success' && before !== undefined && after === undefined) return true;
  if (before === undefined || after === undefined) return undefined;
  const a = shapeOf(before);
  const b = shapeOf(after);
  if (a.shape !== b.shape || a.thresholds.length === 0) return undefined;
  let weaker = false;
  let stronger = false;
  a.thresholds.forEach((t, i) => {
    const delta = b.thresholds[i].value - t.value;
    if (delta === 0) return;
    const upward = t.op === '>' || t.op === '>=';
    // A success bound that moves towards more values, or a failure bound that moves towards fewer, is weaker.
    const loosens = kind === 'success' ? (upward ? delta < 0 : delta > 0) : upward ? delta > 0 : delta < 0;
    if (loosens) weaker = true;
    else stronger = true;
  });
  return weaker && !stronger ? true : weaker ? undefined : false;
}

const numeric = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** A limit where more is weaker (failureLimit, inconclusiveLimit, consecutiveErrorLimit). */
function limitRisk(field: string, before: unknown, after: unknown, fallback: number, what: string): Risk[] {
  const a = numeric(before) ?? fallback;
  const b = numeric(after) ?? fallback;
  return b > a ? [risk('analysis-weakened', `${field} ${a} → ${b}: ${what}`)] : [];
}

function metricSummary(metric: Record<string, any>): string {
  const parts = [
    metric.count !== undefined ? `count ${metric.count}` : undefined,
    metric.interval !== undefined ? `every ${metric.interval}` : undefined,
    metric.failureLimit !== undefined ? `failureLimit ${metric.failureLimit}` : undefined,
    metric.successCondition !== undefined ? `success when ${metric.successCondition}` : undefined,
    metric.failureCondition !== undefined ? `failure when ${metric.failureCondition}` : undefined,
  ].filter(Boolean);
  return parts.join(', ') || 'defaults';
}


/** The comparisons of a condition, e.g. `result[0] <= 2.326`: what differs between two conditions of the same shape. */
const comparisons = (condition: string) => [...condition.matchAll(COMPARISON)].map((m) => m[0]).join(', ');

/**
 * Changes of one metric. `explained`: the template's decision parameters changed, and its conditions
 * are built from them (z of the confidence, saturation lines), so a condition that moved with them is
 * listed without a flag of its own; the parameter's line carries it.
 */
function compareMetric(subject: string, name: string, a: Record<string, any>, b: Record<string, any>, explained: boolean): ChangeDraft[] {
  const out: ChangeDraft[] = [];
  const add = (field: string, risks: Risk[] = []) => {
    if (JSON.stringify(a[field]) === JSON.stringify(b[field])) return;
    out.push({ subject, aspect: 'analysis', field: `metric ${name} ${field}`, before: text(a[field]), after: text(b[field]), risks });
  };
  const condition = (field: 'successCondition' | 'failureCondition', kind: 'success' | 'failure') => {
    if (a[field] === b[field]) return;
    const weakened = conditionWeakened(kind, a[field], b[field]);
    // Same shape, other numbers: the comparisons say it all (the whole condition is long and mostly the same).
    const sameShape = typeof a[field] === 'string' && typeof b[field] === 'string' && shapeOf(a[field]).shape === shapeOf(b[field]).shape && shapeOf(a[field]).thresholds.length > 0;
    const show = (v: unknown) => (sameShape ? comparisons(v as string) : text(v));
    const risks = weakened && !explained ? [risk('analysis-weakened', kind === 'success' ? 'the success threshold is easier to meet' : 'the failure threshold is harder to hit')] : [];
    const note = weakened === undefined ? 'compare by hand' : explained ? 'follows from the parameters' : undefined;
    out.push({ subject, aspect: 'analysis', field: `metric ${name} ${field}`, before: show(a[field]), after: show(b[field]), note, risks });
  };
  condition('successCondition', 'success');
  condition('failureCondition', 'failure');
  const countA = numeric(a.count);
  const countB = numeric(b.count);
  add('count', countA !== undefined && countB !== undefined && countB < countA ? [risk('analysis-weakened', `count ${countA} → ${countB}: fewer measurements`)] : []);
  add('interval');
  add('initialDelay');
  add('failureLimit', limitRisk('failureLimit', a.failureLimit, b.failureLimit, 0, 'more failed measurements are tolerated before the analysis fails'));
  add('inconclusiveLimit', limitRisk('inconclusiveLimit', a.inconclusiveLimit, b.inconclusiveLimit, 0, 'more inconclusive measurements pass without pausing for a human'));
  add('consecutiveErrorLimit', limitRisk('consecutiveErrorLimit', a.consecutiveErrorLimit, b.consecutiveErrorLimit, 4, 'more measurement errors in a row are tolerated'));
  out.push(...compareProvider(subject, name, a.provider, b.provider));
  return out;
}

/**
 * The metric's provider: another provider type in one line; within the same type, one line per changed
 * setting, long texts (the query) as a size and hash with a compact line diff, never whole.
 */
function compareProvider(subject: string, name: string, a: unknown, b: unknown): ChangeDraft[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const providerA = (a ?? {}) as Record<string, any>;
  const providerB = (b ?? {}) as Record<string, any>;
  const typesA = Object.keys(providerA).sort().join(', ') || 'none';
  const typesB = Object.keys(providerB).sort().join(', ') || 'none';
  const objects = Object.values(providerA).every(isObject) && Object.values(providerB).every(isObject);
  if (typesA !== typesB || !objects) return [{ subject, aspect: 'analysis', field: `metric ${name} provider`, before: typesA, after: typesB, note: 'compare by hand', risks: [] }];
  const out: ChangeDraft[] = [];
  for (const type of Object.keys(providerB).sort()) {
    const x = providerA[type] as Record<string, unknown>;
    const y = providerB[type] as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (JSON.stringify(x[key]) === JSON.stringify(y[key])) continue;
      // The query is the provider's main setting: `metric success-rate query`, other settings by their type.
      const field = key === 'query' ? `metric ${name} query` : `metric ${name} ${type} ${key}`;
      if (isLongText(x[key]) || isLongText(y[key])) {
        const summary = (v: unknown) => (typeof v === 'string' ? textSummary(v) : text(v));
        const lineDiff = typeof x[key] === 'string' && typeof y[key] === 'string' ? compactLineDiff(x[key], y[key]) : undefined;
        out.push({ subject, aspect: 'analysis', field, before: summary(x[key]), after: summary(y[key]), ...(lineDiff ? { lineDiff } : {}), risks: [] });
      } else {
        out.push({ subject, aspect: 'analysis', field, before: text(x[key]), after: text(y[key]), risks: [] });
      }
    }
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Changes of an AnalysisTemplate (or ClusterAnalysisTemplate): its decision parameters one by one (see
 * compareAnalysisParameters), then metric by metric: conditions, count, interval, limits and the provider
 * (the query as a size, a hash and a compact line diff). Weaker analysis (a metric removed, fewer
 * measurements, higher limits, looser thresholds or parameters) is flagged `analysis-weakened`.
 */
export function compareAnalysisTemplates(before: Record<string, any>, after: Record<string, any>): Comparison {
  const subject = subjectOf(after);
  const metrics = (m: Record<string, any>) => new Map<string, Record<string, any>>((m.spec?.metrics ?? []).map((x: any) => [String(x?.name), x ?? {}]));
  const a = metrics(before);
  const b = metrics(after);
  const changes: ChangeDraft[] = compareAnalysisParameters(subject, before, after);
  const explained = changes.length > 0 && statesParameters(before) && statesParameters(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const metricChanges = names.map((name) => {
    const old = a.get(name);
    const now = b.get(name);
    return { name, old, now, changes: old && now ? compareMetric(subject, name, old, now, explained) : [] };
  });
  // An SLI and its step verdict measure the same score over other windows: the same edit shows the same provider line
  // diffs in both. Such a change is shown once, on the first metric, with the others named.
  const sameEdit = (name: string, c: ChangeDraft) => c.field.startsWith(`metric ${name} `) && c.lineDiff !== undefined;
  const editKey = (name: string, list: readonly ChangeDraft[]) => JSON.stringify(list.filter((c) => sameEdit(name, c)).map((c) => [c.field.slice(`metric ${name} `.length), c.lineDiff]));
  const firstWithEdit = new Map<string, string>();
  const alsoFor = new Map<string, string[]>();
  for (const m of metricChanges) {
    if (!m.changes.some((c) => sameEdit(m.name, c))) continue;
    const key = editKey(m.name, m.changes);
    const first = firstWithEdit.get(key);
    if (first === undefined) firstWithEdit.set(key, m.name);
    else alsoFor.set(first, [...(alsoFor.get(first) ?? []), m.name]);
  }
  const folded = new Set([...alsoFor.values()].flat());
  for (const { name, old, now, changes: list } of metricChanges) {
    const also = alsoFor.get(name);
    if (old && now) {
      for (const c of list) {
        if (!sameEdit(name, c)) changes.push(c);
        else if (!folded.has(name)) changes.push(also ? { ...c, note: c.note ? `${c.note}; also metric ${also.join(', ')}` : `also metric ${also.join(', ')}` } : c);
      }
    } else if (old) changes.push({ subject, aspect: 'analysis', field: `metric ${name}`, before: metricSummary(old), note: 'removed', risks: [risk('analysis-weakened', `metric ${name} removed: it no longer gates the rollout`)] });
    else if (now) changes.push({ subject, aspect: 'analysis', field: `metric ${name}`, after: metricSummary(now), note: 'added', risks: [] });
  }
  return { changes, covered: [/^spec\.metrics(\.|\[|$)/, ...PARAMETER_ANNOTATIONS.map(annotationField)] };
}
