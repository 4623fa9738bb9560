import { type Measurement, type ProviderOutcome, runAnalysis, type RunOutcome } from '../evaluate/analysis-run.js';
import { LocalPrometheus, type PrometheusBinaries, type PrometheusClient } from './prometheus.js';
import { probesFor, type Scenario, seededRandom, sloScenarios, type TrialVerdict, type Verdict } from './scenarios.js';
import { type QueryMetric, type SloSubject, stepSeconds, type Subject, type WebSubject } from './subjects.js';
import { CPU_HEADER, HISTOGRAM_HEADER, REQUESTS_HEADER, SCRAPE_SECONDS, writePodCpu, writePodHistogram, writePodRequests } from './traffic.js';
import { webScenarios } from './web-scenarios.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Seeded trials per scenario and template. @default 100 */
  readonly trials?: number;
  /** Seed of the first trial. @default 1 */
  readonly seed?: number;
  /** Requests per second to the service (stable + canary). @default 40 */
  readonly rps?: number;
  readonly binaries?: PrometheusBinaries;
  /** Only these scenario ids. @default all */
  readonly scenarios?: readonly string[];
}

/** One analysis step's measurements in one trial. */
export interface StepTrace {
  readonly step: number;
  readonly weight: number;
  /** Seconds after the canary started when the step's analysis started. */
  readonly startedAt: number;
  readonly outcome: RunOutcome;
}

/** One trial. */
export interface Trial extends TrialVerdict {
  readonly metric?: string;
  readonly message?: string;
  readonly steps: readonly StepTrace[];
}

/** A template × scenario cell. */
export interface ScenarioResult {
  readonly template: string;
  readonly scenario: string;
  readonly title: string;
  readonly expectation: string;
  readonly accepted: boolean;
  readonly trials: number;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Failed or Error verdicts decided in the first analysis step. */
  readonly abortedInFirstStep: number;
  /** The most common deciding reason: "step 1 · success-rate · failed (2) > failureLimit (1)". */
  readonly why: string;
  /** The first trial, for the chart. */
  readonly example: Trial;
  /** The metric thresholds, for the chart: name → success line (when a plain `result[0] <= x`). */
  readonly lines: Readonly<Record<string, number | undefined>>;
}

/** The whole simulation. */
export interface SimulationResult {
  readonly results: readonly ScenarioResult[];
  readonly skipped: readonly { readonly template: string; readonly reason: string }[];
  readonly trials: number;
  readonly seconds: number;
}

const CANARY_HASH = '7c9d8f5b4';
const STABLE_HASH = '5f6b8d9c7';
const ANALYSIS_START = 15;
/** Seconds between trials beyond their own length: old pods leave the 5 m lookback and the windows. */
const TRIAL_GAP = 600;

interface Dataset {
  readonly subject: SloSubject;
  readonly scenario: Scenario;
  readonly namespace: string;
  readonly base: number;
  readonly spacing: number;
  readonly stepStarts: readonly number[];
  readonly end: number;
}

function podSuffix(random: () => number): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += chars[Math.floor(random() * chars.length)];
  return s;
}

function substitute(query: string, args: Readonly<Record<string, string>>): string {
  return query.replace(/\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g, (whole, name: string) => args[name] ?? whole);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Runs every template of `subjects` through the scenario suite on a local Prometheus: synthetic series
 * for `trials` trials per scenario are backfilled at once (trials side by side in time), every metric's
 * emitted query is evaluated with range queries at exactly the times the AnalysisRun controller would
 * measure, and the conditions and the AnalysisRun loop decide each trial.
 */
export async function simulate(subjects: readonly Subject[], options: SimulateOptions = {}): Promise<SimulationResult> {
  const started = Date.now();
  const trials = options.trials ?? 100;
  const seed = options.seed ?? 1;
  const rps = options.rps ?? 40;
  const skipped: { template: string; reason: string }[] = [];
  const datasets: Dataset[] = [];
  const base = Math.floor(Date.now() / 1000 / 3600) * 3600 - 72 * 3600;
  for (const s of subjects) {
    if (s.kind === 'skipped') { skipped.push({ template: s.template, reason: s.reason }); continue; }
    if (s.kind === 'web') continue;
    if (!s.objectives) { skipped.push({ template: s.template, reason: 'no objectives: the template lacks the delivery.cdk8s.io/slo-* annotations the scenarios are built around' }); continue; }
    const duration = stepSeconds(s.metrics);
    for (const scenario of sloScenarios(s.objectives)) {
      if (options.scenarios && !options.scenarios.includes(scenario.id)) continue;
      const steps = scenario.steps === 'first' ? 1 : s.steps.length;
      const stepStarts = Array.from({ length: steps }, (_, j) => ANALYSIS_START + j * duration);
      const end = Math.ceil((ANALYSIS_START + steps * duration + SCRAPE_SECONDS) / SCRAPE_SECONDS) * SCRAPE_SECONDS;
      const spacing = Math.ceil((end + TRIAL_GAP) / 60) * 60;
      datasets.push({ subject: s, scenario, namespace: `sim${datasets.length}`, base, spacing, stepStarts, end });
    }
  }

  const results: ScenarioResult[] = [];
  if (datasets.length > 0) {
    const t0 = Date.now();
    const prometheus = await LocalPrometheus.start({ openMetrics: partsOf(datasets).map((part) => (write: (chunk: string) => void) => writeDatasets(part, trials, seed, rps, write)), binaries: options.binaries, onPhase: timing });
    timing(`prometheus ready after ${Date.now() - t0} ms`);
    try {
      for (const d of datasets) results.push(await runDataset(prometheus.client, d, trials));
      timing(`queries and verdicts after ${Date.now() - t0} ms`);
    } finally {
      await prometheus.stop();
    }
  }
  for (const s of subjects) if (s.kind === 'web') results.push(...simulateWeb(s, trials, seed));
  return { results, skipped, trials, seconds: (Date.now() - started) / 1000 };
}

function timing(message: string): void {
  if (process.env.CDK8S_DELIVERY_SIMULATE_TIMING) process.stderr.write(`simulate: ${message}\n`);
}

function weightAt(d: Dataset, t: number): number {
  let j = 0;
  for (let i = 0; i < d.stepStarts.length; i++) if (t >= d.stepStarts[i]!) j = i;
  return (d.subject.steps[j]?.weight ?? 100) / 100;
}

/** The datasets in about four parts of similar size, so writing and backfilling overlap. */
function partsOf(datasets: readonly Dataset[]): Dataset[][] {
  const n = Math.min(4, datasets.length);
  const parts: Dataset[][] = Array.from({ length: n }, () => []);
  datasets.forEach((d, i) => parts[i % n]!.push(d));
  return parts;
}

function writeDatasets(datasets: readonly Dataset[], trials: number, seed: number, rps: number, write: (chunk: string) => void): void {
  const pods: { ns: string; pod: string; from: number; to: number; cpu: number }[] = [];
  write(HISTOGRAM_HEADER);
  datasets.forEach((d) => {
    const di = Number(d.namespace.slice(3));
    for (let k = 0; k < trials; k++) {
      const random = seededRandom(seed + k * 7919 + di * 104729);
      const origin = d.base + k * d.spacing;
      const canaryPod = `${d.subject.workload}-${CANARY_HASH}-${podSuffix(random)}`;
      const stablePod = `${d.subject.workload}-${STABLE_HASH}-${podSuffix(random)}`;
      const route = '/api';
      writePodHistogram({ namespace: d.namespace, pod: stablePod, from: origin - 2 * SCRAPE_SECONDS, to: origin + d.end, origin, rps: (t) => rps * (1 - weightAt(d, t)), behaviour: d.scenario.stable, probes: [], route }, d.subject.buckets, random, write);
      writePodHistogram({ namespace: d.namespace, pod: canaryPod, from: origin, to: origin + d.end, origin, rps: (t) => rps * weightAt(d, t), behaviour: d.scenario.canary, probes: probesFor(d.scenario) ? d.subject.probes : [], route }, d.subject.buckets, random, write);
      pods.push({ ns: d.namespace, pod: canaryPod, from: origin, to: origin + d.end, cpu: d.subject.cpuRequestCores });
    }
  });
  write(CPU_HEADER);
  for (const p of pods) writePodCpu(p.ns, p.pod, p.from, p.to, p.cpu, 0.4, write);
  write(REQUESTS_HEADER);
  for (const p of pods) writePodRequests(p.ns, p.pod, p.from, p.to, p.cpu, write);
  write('# EOF\n');
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  }));
  return out;
}

async function runDataset(client: PrometheusClient, d: Dataset, trials: number): Promise<ScenarioResult> {
  const args = (step: number): Record<string, string> => ({
    ...(d.subject.steps[step]?.args ?? {}),
    namespace: d.namespace,
    workload: d.subject.workload,
    'canary-hash': CANARY_HASH,
    'stable-hash': STABLE_HASH,
  });
  // Every time each metric could be measured, on one grid per metric: one range query per metric.
  const cache = new Map<string, Map<number, ProviderOutcome>>();
  await pool(d.subject.metrics.map((m) => async () => {
    const times: number[] = [];
    for (let k = 0; k < trials; k++) {
      for (const start of d.stepStarts) {
        for (let i = 0; i < (m.count ?? 1); i++) times.push(d.base + k * d.spacing + start + (m.initialDelaySeconds ?? 0) + i * (m.intervalSeconds ?? 0));
      }
    }
    const first = Math.min(...times);
    const step = times.reduce((g, t) => gcd(g, t - first), 0) || 60;
    const query = substitute(m.query, args(0));
    const r = await client.queryRange(query, first, Math.max(...times), step);
    const byTime = new Map<number, ProviderOutcome>();
    for (const t of times) byTime.set(t, 'error' in r ? { error: r.error } : { result: r.byTime.get(t) ?? [], value: JSON.stringify(r.byTime.get(t) ?? []) });
    cache.set(m.name, byTime);
  }), 2);

  const list: Trial[] = [];
  for (let k = 0; k < trials; k++) list.push(await runTrial(client, d, k, cache, args));
  const counts: Record<Verdict, number> = { Successful: 0, Failed: 0, Inconclusive: 0, Error: 0 };
  const reasons = new Map<string, number>();
  let abortedInFirstStep = 0;
  for (const t of list) {
    counts[t.verdict]++;
    if ((t.verdict === 'Failed' || t.verdict === 'Error') && t.step === 1) abortedInFirstStep++;
    const why = t.verdict === 'Successful' ? `all ${t.steps.length} step(s) passed` : `step ${t.step} · ${t.metric} · ${t.message}`;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const why = [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
  const lines: Record<string, number | undefined> = {};
  for (const m of d.subject.metrics) lines[m.name] = threshold(m.successCondition);
  return {
    template: d.subject.template,
    scenario: d.scenario.id,
    title: d.scenario.title,
    expectation: d.scenario.expectation,
    accepted: d.scenario.accept(list),
    trials,
    counts,
    abortedInFirstStep,
    why,
    example: list[0]!,
    lines,
  };
}

async function runTrial(client: PrometheusClient, d: Dataset, k: number, cache: Map<string, Map<number, ProviderOutcome>>, args: (step: number) => Record<string, string>): Promise<Trial> {
  const origin = d.base + k * d.spacing;
  for (let attempt = 0; attempt < 20; attempt++) {
    const missing: { metric: QueryMetric; at: number; step: number }[] = [];
    const steps: StepTrace[] = [];
    let verdict: Trial | undefined;
    for (let j = 0; j < d.stepStarts.length; j++) {
      const startedAt = d.stepStarts[j]!;
      const outcome = runAnalysis(d.subject.metrics, (m, at) => {
        const t = origin + startedAt + at;
        const hit = cache.get(m.name)?.get(t);
        if (hit) return hit;
        missing.push({ metric: m as QueryMetric, at: t, step: j });
        return { error: 'not measured yet' };
      }, 3600);
      steps.push({ step: j + 1, weight: d.subject.steps[j]?.weight ?? 100, startedAt, outcome });
      if (outcome.phase !== 'Successful') {
        verdict = { verdict: outcome.phase, step: j + 1, metric: outcome.decidingMetric, message: outcome.message, steps };
        break;
      }
    }
    if (missing.length === 0) return verdict ?? { verdict: 'Successful', step: steps.length, steps };
    // Times off the grid (an error retry): instant queries, then decide the trial again.
    for (const miss of missing) {
      const r = await client.query(substitute(miss.metric.query, args(miss.step)), miss.at);
      cache.get(miss.metric.name)!.set(miss.at, 'error' in r ? { error: r.error } : { result: r.values, value: JSON.stringify(r.values) });
    }
  }
  throw new Error(`trial ${k} of ${d.subject.template}/${d.scenario.id} did not settle`);
}

/** The x of a success condition ending in `result[0] <= x` or `result[0] >= x`, for charts. */
function threshold(condition: string | undefined): number | undefined {
  const m = /result\[0\]\s*(?:<=|>=|<|>)\s*(-?[0-9.]+)\)*\s*$/.exec(condition ?? '');
  return m ? Number(m[1]) : undefined;
}

function simulateWeb(s: WebSubject, trials: number, seed: number): ScenarioResult[] {
  return webScenarios().map((scenario) => {
    const list: Trial[] = [];
    for (let k = 0; k < trials; k++) {
      const random = seededRandom(seed + k * 31);
      let call = 0;
      const outcome = runAnalysis(s.metrics, (m, at) => scenario.respond(call++, at, random, (m as { jsonPath?: string }).jsonPath), 3600);
      list.push({ verdict: outcome.phase, step: 1, metric: outcome.decidingMetric, message: outcome.message, steps: [{ step: 1, weight: 0, startedAt: 0, outcome }] });
    }
    const counts: Record<Verdict, number> = { Successful: 0, Failed: 0, Inconclusive: 0, Error: 0 };
    for (const t of list) counts[t.verdict]++;
    const first = list[0]!;
    return {
      template: s.template,
      scenario: scenario.id,
      title: scenario.title,
      expectation: scenario.expectation,
      accepted: scenario.accept(list),
      trials,
      counts,
      abortedInFirstStep: counts.Failed + counts.Error,
      why: first.verdict === 'Successful' ? 'every GET passed' : `${first.metric} · ${first.message}`,
      example: first,
      lines: {},
    };
  });
}

export type { Measurement };
