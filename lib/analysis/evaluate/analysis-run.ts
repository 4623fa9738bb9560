import { evaluateResult, type MeasurementPhase } from './expr.js';

/**
 * The AnalysisRun loop of Argo Rollouts v1.9.1 (`analysis/analysis.go`), for simulation: when each
 * metric is measured, how measurements are counted, and when the run ends with which phase. What this
 * follows, from reading upstream (no code copied):
 *
 * - A metric is first measured when the run starts, or `initialDelay` after it; then `interval` after
 *   the previous measurement finished; after an Error measurement, 10 s later (DefaultErrorRetryInterval).
 * - Successful, Failed and Inconclusive measurements count towards `count` and reset the consecutive
 *   errors; an Error counts only as an error (it does not advance `count`).
 * - A metric is Failed when failed > failureLimit (default 0), Inconclusive when inconclusive >
 *   inconclusiveLimit (default 0), Error when consecutiveErrors > consecutiveErrorLimit (default 4),
 *   checked in that order with the later one winning; otherwise Successful once `count` is reached.
 * - A metric that ends Failed, Error or Inconclusive terminates the run: the other metrics take no
 *   further measurements and end Successful unless their own limits say otherwise. The run's phase is
 *   the worst metric phase (Successful < Inconclusive < Error < Failed).
 */

/** One metric as the simulation needs it. */
export interface RunMetric {
  readonly name: string;
  readonly successCondition?: string;
  readonly failureCondition?: string;
  /** Seconds between measurements. @default none: the metric is measured once */
  readonly intervalSeconds?: number;
  /** @default 1 without an interval, unbounded with one */
  readonly count?: number;
  readonly initialDelaySeconds?: number;
  readonly failureLimit?: number;
  readonly inconclusiveLimit?: number;
  readonly consecutiveErrorLimit?: number;
}

/** What a provider returned for one measurement: a result for the conditions, or an error. */
export type ProviderOutcome = { readonly result: unknown; readonly value?: string } | { readonly error: string };

/** One measurement taken. */
export interface Measurement {
  readonly metric: string;
  /** Seconds after the run started. */
  readonly at: number;
  readonly phase: MeasurementPhase;
  readonly value?: string;
  readonly error?: string;
}

/** The run's outcome. */
export interface RunOutcome {
  readonly phase: 'Successful' | 'Failed' | 'Inconclusive' | 'Error';
  /** The metric whose phase decided the run (the first worst one), when not Successful. */
  readonly decidingMetric?: string;
  /** Why, in upstream's words, e.g. "failed (2) > failureLimit (1)". */
  readonly message?: string;
  /** Seconds after start when the run ended. */
  readonly endedAt: number;
  readonly measurements: readonly Measurement[];
}

const DEFAULT_ERROR_RETRY_SECONDS = 10;
const DEFAULT_CONSECUTIVE_ERROR_LIMIT = 4;
const ORDER = ['Successful', 'Inconclusive', 'Error', 'Failed'] as const;

interface State {
  failed: number;
  inconclusive: number;
  count: number;
  consecutiveErrors: number;
  next: number;
  phase?: RunOutcome['phase'];
  message?: string;
}

function effectiveCount(m: RunMetric): number {
  if (m.count === undefined || m.count === 0) return m.intervalSeconds === undefined ? 1 : Infinity;
  return m.count;
}

function limitPhase(m: RunMetric, s: State): { phase?: RunOutcome['phase']; message?: string } {
  let phase: RunOutcome['phase'] | undefined;
  let message: string | undefined;
  const failureLimit = m.failureLimit ?? 0;
  if (failureLimit >= 0 && s.failed > failureLimit) { phase = 'Failed'; message = `failed (${s.failed}) > failureLimit (${failureLimit})`; }
  const inconclusiveLimit = m.inconclusiveLimit ?? 0;
  if (s.inconclusive > inconclusiveLimit) { phase = 'Inconclusive'; message = `inconclusive (${s.inconclusive}) > inconclusiveLimit (${inconclusiveLimit})`; }
  const errorLimit = m.consecutiveErrorLimit ?? DEFAULT_CONSECUTIVE_ERROR_LIMIT;
  if (s.consecutiveErrors > errorLimit) { phase = 'Error'; message = `consecutiveErrors (${s.consecutiveErrors}) > consecutiveErrorLimit (${errorLimit})`; }
  return { phase, message };
}

/**
 * Runs an analysis: `measure(metric, t)` is called at each time (seconds after start) the controller
 * would measure. `maxSeconds` bounds a metric without count.
 */
export function runAnalysis(metrics: readonly RunMetric[], measure: (metric: RunMetric, at: number) => ProviderOutcome, maxSeconds = 24 * 3600): RunOutcome {
  const states = new Map<string, State>(metrics.map((m) => [m.name, { failed: 0, inconclusive: 0, count: 0, consecutiveErrors: 0, next: m.initialDelaySeconds ?? 0 }]));
  const measurements: Measurement[] = [];
  let now = 0;
  for (;;) {
    const open = metrics.filter((m) => states.get(m.name)!.phase === undefined);
    if (open.length === 0) break;
    now = Math.min(...open.map((m) => states.get(m.name)!.next));
    if (now > maxSeconds) break;
    // Every metric due at this instant is measured in the same reconcile, then assessed.
    for (const m of open) {
      const s = states.get(m.name)!;
      if (s.next !== now) continue;
      const outcome = measure(m, now);
      let phase: MeasurementPhase;
      let error: string | undefined;
      let value: string | undefined;
      if ('error' in outcome) {
        phase = 'Error';
        error = outcome.error;
      } else {
        const r = evaluateResult(outcome.result, m.successCondition, m.failureCondition);
        phase = r.phase;
        error = r.error;
        value = outcome.value;
      }
      measurements.push({ metric: m.name, at: now, phase, value, error });
      if (phase === 'Error') {
        s.consecutiveErrors++;
        s.next = now + DEFAULT_ERROR_RETRY_SECONDS;
      } else {
        s.count++;
        s.consecutiveErrors = 0;
        if (phase === 'Failed') s.failed++;
        if (phase === 'Inconclusive') s.inconclusive++;
        s.next = now + (m.intervalSeconds ?? Infinity);
      }
      const limit = limitPhase(m, s);
      if (limit.phase) { s.phase = limit.phase; s.message = limit.message; }
      else if (s.count >= effectiveCount(m)) s.phase = 'Successful';
    }
    const terminating = metrics.some((m) => { const p = states.get(m.name)!.phase; return p === 'Failed' || p === 'Error' || p === 'Inconclusive'; });
    if (terminating) {
      for (const m of metrics) {
        const s = states.get(m.name)!;
        if (s.phase === undefined) s.phase = 'Successful';
      }
      break;
    }
  }
  let worst: RunOutcome['phase'] = 'Successful';
  let deciding: string | undefined;
  let message: string | undefined;
  for (const m of metrics) {
    const s = states.get(m.name)!;
    const p = s.phase ?? 'Successful';
    if (ORDER.indexOf(p) > ORDER.indexOf(worst)) { worst = p; deciding = m.name; message = s.message; }
  }
  return { phase: worst, decidingMetric: deciding, message, endedAt: now, measurements };
}

/** Parses the Go durations our templates and most hand-written ones use ("90s", "1m", "1h30m", "500ms"). */
export function goDurationSeconds(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 's' ? n : m[2] === 'm' ? n * 60 : n * 3600;
    matched = re.lastIndex;
  }
  if (matched !== text.length) throw new Error(`not a Go duration: ${JSON.stringify(text)}`);
  return total;
}

/** A metric of an AnalysisTemplate manifest, as {@link RunMetric}. */
export function runMetricOf(metric: Record<string, unknown>): RunMetric {
  const int = (v: unknown) => (v === undefined ? undefined : Number(v));
  return {
    name: String(metric.name),
    successCondition: metric.successCondition as string | undefined,
    failureCondition: metric.failureCondition as string | undefined,
    intervalSeconds: goDurationSeconds(metric.interval as string | undefined),
    count: int(metric.count),
    initialDelaySeconds: goDurationSeconds(metric.initialDelay as string | undefined),
    failureLimit: int(metric.failureLimit),
    inconclusiveLimit: int(metric.inconclusiveLimit),
    consecutiveErrorLimit: int(metric.consecutiveErrorLimit),
  };
}
