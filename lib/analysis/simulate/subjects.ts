import { goDurationSeconds, type RunMetric, runMetricOf } from '../evaluate/analysis-run.js';
import { ANALYSIS_PARAMETERS_ANNOTATION } from '../analysis-parameters.js';
import { ANALYSIS_ANNOTATIONS } from '../slo-analysis-template.js';
import type { Objectives } from './scenarios.js';

type Obj = Record<string, any>;

/** One analysis step of a canary: the weight the canary has while it runs, and the args it passes. */
export interface AnalysisStep {
  readonly weight: number;
  readonly args: Readonly<Record<string, string>>;
}

/** A metric with its Prometheus query, as the simulation runs it. */
export interface QueryMetric extends RunMetric {
  readonly query: string;
}

/** A Prometheus-backed AnalysisTemplate and the canary that runs it. */
export interface SloSubject {
  readonly kind: 'prometheus';
  readonly template: string;
  readonly namespace: string;
  readonly workload: string;
  readonly metrics: readonly QueryMetric[];
  readonly steps: readonly AnalysisStep[];
  readonly objectives?: Objectives;
  readonly probes: readonly { readonly path: string; readonly periodSeconds: number }[];
  readonly cpuRequestCores: number;
  readonly buckets: readonly number[];
  /** The service's expected user traffic, from the analysis-parameters annotation (`expectedRequestsPerSecond`), when declared. */
  readonly declaredRps?: number;
}

/** A `web`-provider AnalysisTemplate (a smoke test). */
export interface WebSubject {
  readonly kind: 'web';
  readonly template: string;
  readonly namespace: string;
  readonly metrics: readonly (RunMetric & { readonly jsonPath?: string })[];
}

/** Templates the simulation cannot run, and why. */
export interface SkippedSubject {
  readonly kind: 'skipped';
  readonly template: string;
  readonly reason: string;
}

export type Subject = SloSubject | WebSubject | SkippedSubject;

const DEFAULT_STEPS = [10, 30];

function cpuCores(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.endsWith('m') ? Number(value.slice(0, -1)) / 1000 : Number(value);
  return 0.25;
}

/**
 * The subjects of an environment's manifests: every AnalysisTemplate, with the canary Rollout that
 * references it from an analysis step (its weights, args, probes and CPU request).
 */
export function subjectsOf(objects: readonly Obj[]): Subject[] {
  const rollouts = objects.filter((o) => o?.kind === 'Rollout');
  const out: Subject[] = [];
  for (const t of objects.filter((o) => o?.kind === 'AnalysisTemplate' || o?.kind === 'ClusterAnalysisTemplate')) {
    const name = String(t.metadata?.name);
    const metrics: Obj[] = Array.isArray(t.spec?.metrics) ? t.spec.metrics : [];
    const namespace = String(t.metadata?.namespace ?? 'default');
    try {
      if (metrics.length > 0 && metrics.every((m) => m.provider?.web)) {
        out.push({ kind: 'web', template: name, namespace, metrics: metrics.map((m) => ({ ...runMetricOf(m), jsonPath: m.provider.web.jsonPath })) });
        continue;
      }
      if (metrics.length === 0 || !metrics.every((m) => typeof m.provider?.prometheus?.query === 'string')) {
        out.push({ kind: 'skipped', template: name, reason: 'only templates whose metrics are all Prometheus (or all web) queries are simulated' });
        continue;
      }
      const rollout = rollouts.find((r) => (r.spec?.strategy?.canary?.steps ?? []).some((s: Obj) => (s.analysis?.templates ?? []).some((x: Obj) => x.templateName === name)));
      const steps: AnalysisStep[] = [];
      // The template's own defaults, which a step's args override.
      const defaults: Record<string, string> = {};
      for (const a of Array.isArray(t.spec?.args) ? t.spec.args : []) if (typeof a?.value === 'string') defaults[a.name] = a.value;
      let weight = 0;
      for (const s of rollout?.spec?.strategy?.canary?.steps ?? []) {
        if (typeof s.setWeight === 'number') weight = s.setWeight;
        if (s.analysis && (s.analysis.templates ?? []).some((x: Obj) => x.templateName === name)) {
          const args: Record<string, string> = { ...defaults };
          for (const a of s.analysis.args ?? []) if (typeof a.value === 'string') args[a.name] = a.value;
          steps.push({ weight, args });
        }
      }
      const container = rollout?.spec?.template?.spec?.containers?.[0] ?? {};
      const probes = ['readinessProbe', 'livenessProbe', 'startupProbe']
        .map((k) => container[k])
        .filter((p) => typeof p?.httpGet?.path === 'string')
        .map((p) => ({ path: String(p.httpGet.path), periodSeconds: Number(p.periodSeconds ?? 10) }));
      const ann = t.metadata?.annotations ?? {};
      const successRate = Number(ann[ANALYSIS_ANNOTATIONS.SUCCESS_RATE]);
      const latency = Number(ann[ANALYSIS_ANNOTATIONS.LATENCY_P99]);
      const parameters = parseParameters(ann[ANALYSIS_PARAMETERS_ANNOTATION]);
      const declaredRps = Number(parameters.expectedRequestsPerSecond);
      const buckets = String(ann[ANALYSIS_ANNOTATIONS.BUCKETS] ?? '').split(',').filter(Boolean).map(Number);
      out.push({
        kind: 'prometheus',
        template: name,
        namespace,
        workload: rollout?.metadata?.name ?? steps[0]?.args.workload ?? name,
        metrics: metrics.map((m) => ({ ...runMetricOf(m), query: m.provider.prometheus.query })),
        steps: steps.length > 0 ? steps : DEFAULT_STEPS.map((w) => ({ weight: w, args: { ...defaults } })),
        objectives: successRate > 0 && latency > 0 ? { errorBudget: Math.round((1 - successRate) * 1e9) / 1e9, latencyP99: latency } : undefined,
        probes,
        cpuRequestCores: cpuCores(container.resources?.requests?.cpu),
        buckets: buckets.length > 0 ? buckets : [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
        ...(declaredRps > 0 ? { declaredRps } : {}),
      });
    } catch (e) {
      out.push({ kind: 'skipped', template: name, reason: (e as Error).message });
    }
  }
  return out;
}

function parseParameters(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return {};
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** Seconds an analysis step of these metrics takes when nothing errors: the last metric's last measurement. */
export function stepSeconds(metrics: readonly RunMetric[]): number {
  return Math.max(...metrics.map((m) => {
    const count = m.count ?? (m.intervalSeconds === undefined ? 1 : 1);
    return (m.initialDelaySeconds ?? 0) + (count - 1) * (m.intervalSeconds ?? 0);
  }));
}

export { goDurationSeconds };

/** Substitutes `{{args.<name>}}` in a text; unknown names stay as they are. */
export function substituteArgs(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => args[name] ?? whole);
}

/** The metrics as one analysis step runs them: its args substituted in the conditions (Argo Rollouts resolves args in the whole metric). */
export function metricsForStep<M extends RunMetric>(metrics: readonly M[], args: Readonly<Record<string, string>>): M[] {
  return metrics.map((m) => ({
    ...m,
    ...(m.successCondition === undefined ? {} : { successCondition: substituteArgs(m.successCondition, args) }),
    ...(m.failureCondition === undefined ? {} : { failureCondition: substituteArgs(m.failureCondition, args) }),
  }));
}
