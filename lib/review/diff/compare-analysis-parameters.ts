import { ANALYSIS_PARAMETERS, ANALYSIS_PARAMETERS_ANNOTATION, AnalysisParameter } from '../../analysis/analysis-parameters.js';
import { ANALYSIS_ANNOTATIONS } from '../../analysis/slo-analysis-template.js';
import { ChangeDraft, risk, Risk } from './change.js';
import { valueText } from './field-paths.js';

/**
 * The decision parameters of an SLO AnalysisTemplate, compared one by one: each changed parameter is a
 * line of its own, flagged `analysis-weakened` by its direction in ANALYSIS_PARAMETERS. The queries are
 * built from these numbers, so a looser abort line shows here rather than deep inside a query.
 */

type Parameters = Record<string, unknown>;

/** What a template states about its parameters: the annotation, the older objective annotations only, nothing, or something unreadable. */
type Stated = { readonly kind: 'full' | 'legacy'; readonly values: Parameters } | { readonly kind: 'none' } | { readonly kind: 'unreadable'; readonly text: string };

const LEGACY: readonly (readonly [string, string])[] = [
  [ANALYSIS_ANNOTATIONS.SUCCESS_RATE, 'successRate'],
  [ANALYSIS_ANNOTATIONS.LATENCY_P99, 'latencyP99Seconds'],
];

function statedParameters(manifest: Record<string, any>): Stated {
  const annotations = manifest.metadata?.annotations ?? {};
  const text = annotations[ANALYSIS_PARAMETERS_ANNOTATION];
  if (text !== undefined) {
    try {
      const values = JSON.parse(String(text));
      if (values && typeof values === 'object' && !Array.isArray(values)) return { kind: 'full', values };
    } catch {
      // Shown as unreadable below.
    }
    return { kind: 'unreadable', text: valueText(text) };
  }
  // Templates synthesized before the annotation existed state their two objectives separately.
  const values: Parameters = {};
  for (const [annotation, key] of LEGACY) {
    const v = annotations[annotation];
    if (v !== undefined) values[key] = Number.isNaN(Number(v)) ? String(v) : Number(v);
  }
  return Object.keys(values).length > 0 ? { kind: 'legacy', values } : { kind: 'none' };
}

/** A parameter value as a reviewer reads it: lists comma-separated (`none` when empty). */
function show(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.map(valueText).join(', ');
  return valueText(v);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const list = (v: unknown): string[] | undefined => (v === undefined ? [] : Array.isArray(v) ? v.map(valueText) : undefined);

/** The note and risks of one changed parameter, by its direction. */
function judge(parameter: AnalysisParameter | undefined, a: unknown, b: unknown): { note?: string; risks: Risk[] } {
  if (!parameter) return { note: 'parameter not known to this version of cdk8s-delivery', risks: [] };
  const { label, direction } = parameter;
  if (direction === 'weaker-when-added') {
    const x = list(a);
    const y = list(b);
    if (!x || !y) return { note: 'compare by hand', risks: [] };
    const gained = y.filter((s) => !x.includes(s));
    const lost = x.filter((s) => !y.includes(s));
    const note = [gained.length > 0 ? `added ${gained.join(', ')}` : '', lost.length > 0 ? `removed ${lost.join(', ')}` : ''].filter(Boolean).join('; ') || undefined;
    return { note, risks: gained.length > 0 ? [risk('analysis-weakened', `${label} gained ${gained.join(', ')}: the analysis no longer sees them`)] : [] };
  }
  if (a === undefined || b === undefined) return { note: a === undefined ? 'added' : 'removed', risks: [] };
  if (direction === 'neutral') return { risks: [] };
  if (!isNumber(a) || !isNumber(b)) return { note: 'compare by hand', risks: [] };
  const weaker = direction === 'weaker-when-higher' ? b > a : b < a;
  return { risks: weaker ? [risk('analysis-weakened', `${label} ${a} → ${b}: the analysis tolerates more`)] : [] };
}

/**
 * One change per parameter that differs between two versions of an SLO AnalysisTemplate, in the order of
 * ANALYSIS_PARAMETERS, then parameters this version does not know (shown, never flagged). When one side
 * predates the annotation, only the objectives both sides state are compared.
 */
export function compareAnalysisParameters(subject: string, before: Record<string, any>, after: Record<string, any>): ChangeDraft[] {
  const a = statedParameters(before);
  const b = statedParameters(after);
  if (a.kind === 'none' || b.kind === 'none') return [];
  if (a.kind === 'unreadable' || b.kind === 'unreadable') {
    const text = (s: Stated) => (s.kind === 'unreadable' ? s.text : s.kind === 'none' ? 'unset' : JSON.stringify(s.values));
    if (text(a) === text(b)) return [];
    return [{ subject, aspect: 'analysis', field: 'analysis parameters', before: text(a), after: text(b), note: `${ANALYSIS_PARAMETERS_ANNOTATION} is not a JSON object: compare by hand`, risks: [] }];
  }
  const known = new Map(ANALYSIS_PARAMETERS.map((p) => [p.key, p]));
  const both = a.kind === 'full' && b.kind === 'full';
  const keys = [...new Set([...Object.keys(a.values), ...Object.keys(b.values)])]
    .filter((k) => both || (k in a.values && k in b.values))
    .sort((x, y) => (known.has(x) ? ANALYSIS_PARAMETERS.indexOf(known.get(x)!) : Infinity) - (known.has(y) ? ANALYSIS_PARAMETERS.indexOf(known.get(y)!) : Infinity) || (x < y ? -1 : x > y ? 1 : 0));
  const out: ChangeDraft[] = [];
  for (const key of keys) {
    const x = a.values[key];
    const y = b.values[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    const parameter = known.get(key);
    out.push({ subject, aspect: 'analysis', field: parameter?.label ?? `parameter ${key}`, before: show(x), after: show(y), ...judge(parameter, x, y) });
  }
  return out;
}

/** Whether a template states all its decision parameters (the annotation, readable). */
export const statesParameters = (manifest: Record<string, any>): boolean => statedParameters(manifest).kind === 'full';

/** The annotations {@link compareAnalysisParameters} explains (for the "other fields" line). */
export const PARAMETER_ANNOTATIONS = [ANALYSIS_PARAMETERS_ANNOTATION, ...LEGACY.map(([annotation]) => annotation)];
