import { type Measurement, type ProviderOutcome, runAnalysis, type RunOutcome } from '../evaluate/analysis-run.js';
import { LocalPrometheus, type PrometheusBinaries, type PrometheusClient } from './prometheus.js';
import { POWER_ERROR_MULTIPLES, POWER_LATENCY_MULTIPLES, powerScenarios, probesFor, type Scenario, seededRandom, sloScenarios, type TrialVerdict, type Verdict } from './scenarios.js';
import { metricsForStep, type QueryMetric, type SloSubject, stepSeconds, substituteArgs, type Subject, type WebSubject } from './subjects.js';
import { CPU_HEADER, HISTOGRAM_HEADER, REQUESTS_HEADER, RESTARTS_HEADER, SCRAPE_SECONDS, writePodCpu, writePodHistogram, writePodRequests, writePodRestarts } from './traffic.js';
import { webScenarios } from './web-scenarios.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Seeded trials per scenario and template. @default 100 */
  readonly trials?: number;
  /** Seed of the first trial. @default 1 */
  readonly seed?: number;
  /** Requests per second to the service (stable + canary) in the scenarios that do not set their own. @default 40 */
  readonly rps?: number;
  /**
   * Requests per second of the power report. @default each template's declared traffic (the
   * analysis-parameters annotation's `expectedRequestsPerSecond`), else `rps`
   */
  readonly powerRps?: number;
  /** Run the power ladder (the smallest regression each template aborts in step 1). @default true */
  readonly power?: boolean;
  /** Seeded trials per power rung. @default `trials` */
  readonly powerTrials?: number;
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
  readonly at: number;
  readonly metric?: string;
  readonly message?: string;
  readonly steps: readonly StepTrace[];
}

/** A template × scenario cell. */
export interface ScenarioResult {
  readonly template: string;
  /** A Prometheus (SLO) template or a web smoke test. */
  readonly kind: 'prometheus' | 'web';
  readonly scenario: string;
  readonly title: string;
  readonly expectation: string;
  readonly accepted: boolean;
  /** A bad canary: the acceptance includes "never Successful". */
  readonly bad: boolean;
  readonly trials: number;
  readonly counts: Readonly<Record<Verdict, number>>;
  /** Failed or Error verdicts decided in the first analysis step. */
  readonly abortedInFirstStep: number;
  /** The most common deciding reason: "step 1 · success-rate · failed (2) > failureLimit (1)". */
  readonly why: string;
  /** Every deciding reason, most common first. */
  readonly reasons: readonly { readonly reason: string; readonly count: number }[];
  /** Per trial, seconds from canary start to the verdict (undefined when paused). */
  readonly times: readonly (number | undefined)[];
  /** The first trial (the first promoted one when a bad canary was promoted), for the chart. */
  readonly example: Trial;
  /** The metric thresholds, for the chart: name → success line (when a plain `result[0] <= x`). */
  readonly lines: Readonly<Record<string, number | undefined>>;
}

/** One rung of a power ladder. */
export interface PowerRung {
  /** The regression, as a multiple of the error budget or of the p99 objective. */
  readonly multiple: number;
  /** Share of trials aborted (Failed or Error) in the first analysis step. */
  readonly abortedInFirstStep: number;
  /** Share of trials that passed the first step. */
  readonly passedFirstStep: number;
}

/** Time to a verdict in one low-traffic scenario. */
export interface TimeToVerdict {
  readonly scenario: string;
  readonly rps: number;
  readonly title: string;
  readonly counts: Readonly<Record<Verdict, number>>;
  readonly trials: number;
  /** Median and 95th percentile of the minutes from canary start to the verdict, over the trials that got one (not paused). */
  readonly medianMinutes?: number;
  readonly p95Minutes?: number;
}

/** What one template is able to detect. */
export interface PowerReport {
  readonly template: string;
  readonly rps: number;
  /** Where the traffic came from. */
  readonly rpsFrom: 'declared' | 'given' | 'default';
  /** The template's error budget and p99 objective (s). */
  readonly errorBudget: number;
  readonly latencyP99: number;
  /** The first step's canary weight (%) and its analysis length (s). */
  readonly weight: number;
  readonly stepSeconds: number;
  readonly trials: number;
  /**
   * The smallest multiple of the error budget (5xx) aborted in step 1 in ≥ 95 % of trials, with every
   * larger rung also ≥ 95 %; undefined when not even the largest rung is.
   */
  readonly errorMultiple?: number;
  /** The same for the p99 latency, as a multiple of the objective. */
  readonly latencyMultiple?: number;
  readonly errorLadder: readonly PowerRung[];
  readonly latencyLadder: readonly PowerRung[];
  /** Time to a verdict at low traffic (the suite's 1, 5 and 10 req/s scenarios, when run). */
  readonly lowTraffic: readonly TimeToVerdict[];
}

/** The whole simulation. */
export interface SimulationResult {
  readonly results: readonly ScenarioResult[];
  /** Per template: the smallest regression aborted in step 1, and the time to a verdict at low traffic. */
  readonly power: readonly PowerReport[];
  readonly skipped: readonly { readonly template: string; readonly reason: string }[];
  readonly trials: number;
  readonly seconds: number;
}

const CANARY_HASH = '7c9d8f5b4';
const STABLE_HASH = '5f6b8d9c7';
const ANALYSIS_START = 15;
/** Prometheus' lookback delta: an instant selector sees a series' last sample up to 5 m old. */
const LOOKBACK_DELTA = 300;

/**
 * How far back in time the queries of a template can see: the longest range (`[5m]`, `[5m:30s]`) plus
 * the longest `offset`, plus Prometheus' lookback delta. Trials of one dataset sit at least this far
 * apart (after the previous trial's end), so no query of a trial sees the previous trial's pods.
 */
export function lookbackSeconds(queries: readonly string[]): number {
  const seconds = (n: string, unit: string) => Number(n) * ({ ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 } as Record<string, number>)[unit]!;
  let range = 0;
  let offset = 0;
  for (const q of queries) {
    for (const m of q.matchAll(/\[\s*((?:[0-9]+(?:ms|s|m|h|d|w|y))+)\s*(?::[^\]]*)?\]/g)) {
      let total = 0;
      for (const part of m[1]!.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += seconds(part[1]!, part[2]!);
      range = Math.max(range, total);
    }
    for (const m of q.matchAll(/offset\s+((?:[0-9]+(?:ms|s|m|h|d|w|y))+)/g)) {
      let total = 0;
      for (const part of m[1]!.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += seconds(part[1]!, part[2]!);
      offset = Math.max(offset, total);
    }
  }
  return range + offset + LOOKBACK_DELTA;
}

interface Dataset {
  readonly subject: SloSubject;
  readonly scenario: Scenario;
  readonly rps: number;
  readonly trials: number;
  /** A power rung, not an acceptance scenario. */
  readonly power: boolean;
  readonly namespace: string;
  /** Seconds between the canary starts of two trials side by side in one backfill group. */
  readonly spacing: number;
  readonly stepStarts: readonly number[];
  readonly end: number;
}

/**
 * Where trials sit in time: groups of `groupSeconds` (a multiple of Prometheus' 2 h block), each with
 * `perGroup(d)` trials of every dataset side by side. Each group is its own OpenMetrics part, so each
 * promtool process reads one part once per 2 h block it spans (promtool 2.42 re-reads its whole input
 * for every block: one part over days of trials was read dozens of times).
 */
interface Layout {
  readonly base: number;
  readonly groupSeconds: number;
  readonly groups: number;
}

const BLOCK_SECONDS = 7200;

function perGroup(d: Dataset, layout: Pick<Layout, 'groupSeconds'>): number {
  return Math.max(1, Math.floor(layout.groupSeconds / d.spacing));
}

/** Unix seconds at which trial `k` of `d`'s canary starts. */
function originOf(d: Dataset, layout: Layout, k: number): number {
  const n = perGroup(d, layout);
  return layout.base + Math.floor(k / n) * layout.groupSeconds + (k % n) * d.spacing + 60;
}

function podSuffix(random: () => number): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += chars[Math.floor(random() * chars.length)];
  return s;
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
  const powerRps = new Map<string, { rps: number; from: PowerReport['rpsFrom'] }>();
  for (const s of subjects) {
    if (s.kind === 'skipped') { skipped.push({ template: s.template, reason: s.reason }); continue; }
    if (s.kind === 'web') continue;
    if (!s.objectives) { skipped.push({ template: s.template, reason: 'no objectives: the template lacks the delivery.cdk8s.io/slo-* annotations the scenarios are built around' }); continue; }
    const duration = stepSeconds(s.metrics);
    const lookback = lookbackSeconds(s.metrics.map((m) => m.query));
    const add = (scenario: Scenario, power: boolean) => {
      const steps = scenario.steps === 'first' ? 1 : s.steps.length;
      const stepStarts = Array.from({ length: steps }, (_, j) => ANALYSIS_START + j * duration);
      const end = Math.ceil((ANALYSIS_START + steps * duration + SCRAPE_SECONDS) / SCRAPE_SECONDS) * SCRAPE_SECONDS;
      const spacing = Math.ceil((end + lookback + 120) / 60) * 60;
      datasets.push({ subject: s, scenario, rps: scenario.rps ?? rps, trials: power ? options.powerTrials ?? trials : trials, power, namespace: `sim${datasets.length}`, spacing, stepStarts, end });
    };
    for (const scenario of sloScenarios(s.objectives)) {
      if (options.scenarios && !options.scenarios.includes(scenario.id)) continue;
      add(scenario, false);
    }
    if (options.power !== false) {
      const p = options.powerRps !== undefined ? { rps: options.powerRps, from: 'given' as const } : s.declaredRps !== undefined ? { rps: s.declaredRps, from: 'declared' as const } : { rps, from: 'default' as const };
      powerRps.set(s.template, p);
      for (const scenario of powerScenarios(s.objectives, p.rps)) add(scenario, true);
    }
  }

  const results: ScenarioResult[] = [];
  const rungs: { d: Dataset; r: ScenarioResult }[] = [];
  if (datasets.length > 0) {
    const t0 = Date.now();
    const groupSeconds = BLOCK_SECONDS * Math.max(...datasets.map((d) => Math.ceil((d.spacing + 120) / BLOCK_SECONDS)));
    const groups = Math.max(...datasets.map((d) => Math.ceil(d.trials / perGroup(d, { groupSeconds }))));
    const now = Math.floor(Date.now() / 1000 / BLOCK_SECONDS) * BLOCK_SECONDS;
    const layout: Layout = { base: now - (groups + 2) * groupSeconds, groupSeconds, groups };
    const parts = Array.from({ length: groups }, (_, g) => (write: (chunk: string) => void) => writeGroup(datasets, layout, g, seed, write));
    // Killed after an hour whatever happens (the full suite takes minutes).
    const prometheus = await LocalPrometheus.start({ openMetrics: parts, binaries: options.binaries, onPhase: timing, maxLifetimeMs: 60 * 60_000 });
    timing(`prometheus ready after ${Date.now() - t0} ms`);
    try {
      for (const d of datasets) {
        const r = await runDataset(prometheus.client, d, layout, seed);
        timing(`${d.subject.template} · ${d.scenario.id} after ${Date.now() - t0} ms`);
        if (d.power) rungs.push({ d, r });
        else results.push(r);
      }
      timing(`queries and verdicts after ${Date.now() - t0} ms`);
    } finally {
      await prometheus.stop();
    }
  }
  for (const s of subjects) if (s.kind === 'web') results.push(...simulateWeb(s, trials, seed));
  const power: PowerReport[] = [];
  for (const s of subjects) {
    if (s.kind !== 'prometheus' || !powerRps.has(s.template)) continue;
    power.push(powerOf(s, powerRps.get(s.template)!, rungs.filter((x) => x.d.subject === s), results.filter((r) => r.template === s.template)));
  }
  return { results, power, skipped, trials, seconds: (Date.now() - started) / 1000 };
}

const LOW_TRAFFIC = ['healthy-1rps', 'errors-100pct-1rps', 'healthy-5rps', 'errors-5pct-5rps', 'healthy-10rps'];

function powerOf(s: SloSubject, rps: { rps: number; from: PowerReport['rpsFrom'] }, rungs: readonly { d: Dataset; r: ScenarioResult }[], results: readonly ScenarioResult[]): PowerReport {
  const ladder = (prefix: string, multiples: readonly number[]): PowerRung[] => multiples.map((multiple) => {
    const r = rungs.find((x) => x.d.scenario.id === `${prefix}-${multiple}x`)!.r;
    return { multiple, abortedInFirstStep: r.abortedInFirstStep / r.trials, passedFirstStep: r.counts.Successful / r.trials };
  });
  const smallest = (l: readonly PowerRung[]) => {
    let m: number | undefined;
    for (let i = l.length - 1; i >= 0 && l[i]!.abortedInFirstStep >= 0.95; i--) m = l[i]!.multiple;
    return m;
  };
  const errorLadder = ladder('power-errors', POWER_ERROR_MULTIPLES);
  const latencyLadder = ladder('power-latency', POWER_LATENCY_MULTIPLES);
  const lowTraffic: TimeToVerdict[] = [];
  for (const id of LOW_TRAFFIC) {
    const r = results.find((x) => x.scenario === id);
    if (!r) continue;
    const minutes = r.times.filter((t): t is number => t !== undefined).sort((a, b) => a - b).map((t) => t / 60);
    const q = (p: number) => (minutes.length === 0 ? undefined : Math.round(10 * minutes[Math.min(minutes.length - 1, Math.ceil(p * minutes.length) - 1)]!) / 10);
    lowTraffic.push({ scenario: id, rps: Number(/-(\d+)rps$/.exec(id)![1]), title: r.title, counts: r.counts, trials: r.trials, medianMinutes: q(0.5), p95Minutes: q(0.95) });
  }
  return {
    template: s.template,
    rps: rps.rps,
    rpsFrom: rps.from,
    errorBudget: s.objectives!.errorBudget,
    latencyP99: s.objectives!.latencyP99,
    weight: s.steps[0]?.weight ?? 0,
    stepSeconds: stepSeconds(s.metrics),
    trials: rungs[0]?.r.trials ?? 0,
    errorMultiple: smallest(errorLadder),
    latencyMultiple: smallest(latencyLadder),
    errorLadder,
    latencyLadder,
    lowTraffic,
  };
}

function timing(message: string): void {
  if (process.env.CDK8S_DELIVERY_SIMULATE_TIMING) process.stderr.write(`simulate: ${message}\n`);
}

function weightAt(d: Dataset, t: number): number {
  let j = 0;
  for (let i = 0; i < d.stepStarts.length; i++) if (t >= d.stepStarts[i]!) j = i;
  return (d.subject.steps[j]?.weight ?? 100) / 100;
}

/**
 * The `le` buckets the queries of a template can see: when every `…_bucket` selector of its queries
 * has an `le` matcher, only the buckets those matchers select are written (a query cannot tell the
 * difference, and the backfill is several times smaller); otherwise every bucket.
 */
export function bucketFilter(queries: readonly string[]): ((le: string) => boolean) | undefined {
  const matchers: ((le: string) => boolean)[] = [];
  for (const text of queries) {
    const q = text.replace(/\{\{[^}]*\}\}/g, 'arg');
    const re = /_bucket\b(\{([^}]*)\})?/g;
    for (let m = re.exec(q); m; m = re.exec(q)) {
      const le = /(?:^|,)\s*le\s*(=~|=|!=|!~)\s*"((?:[^"\\]|\\.)*)"/.exec(m[2] ?? '');
      if (!le || le[1] === '!=' || le[1] === '!~') return undefined;
      if (le[1] === '=') { const v = le[2]!; matchers.push((x) => x === v); continue; }
      let regex: RegExp;
      try { regex = new RegExp(`^(?:${le[2]!.replace(/\\\\/g, '\\')})$`); } catch { return undefined; }
      matchers.push((x) => regex.test(x));
    }
  }
  return (le) => matchers.some((f) => f(le));
}

/** The random stream of trial `k` of a dataset. */
function trialRandom(seed: number, d: Dataset, k: number, stream = 0): () => number {
  return seededRandom(seed + k * 7919 + Number(d.namespace.slice(3)) * 104729 + stream * 15485863);
}

function canaryPodsOf(d: Dataset): readonly Scenario['canary'][] {
  return d.scenario.canaryPods ?? [d.scenario.canary];
}

/** Writes backfill group `g`: the trials of every dataset that sit in it. */
function writeGroup(datasets: readonly Dataset[], layout: Layout, g: number, seed: number, write: (chunk: string) => void): void {
  const pods: { ns: string; pod: string; from: number; to: number; cpu?: number; restarts: readonly number[] }[] = [];
  write(HISTOGRAM_HEADER);
  for (const d of datasets) {
    const storeBucket = bucketFilter(d.subject.metrics.map((m) => m.query));
    const n = perGroup(d, layout);
    for (let k = g * n; k < Math.min(d.trials, (g + 1) * n); k++) {
      const random = trialRandom(seed, d, k);
      const origin = originOf(d, layout, k);
      const route = '/api';
      const stablePod = `${d.subject.workload}-${STABLE_HASH}-${podSuffix(random)}`;
      const stableFrom = origin - 2 * SCRAPE_SECONDS;
      const stableRestarts = (d.scenario.stable.restarts?.(random, d.end) ?? []).map((t) => origin + t);
      writePodHistogram({ namespace: d.namespace, pod: stablePod, from: stableFrom, to: origin + d.end, origin, rps: (t) => d.rps * (1 - weightAt(d, t)), behaviour: d.scenario.stable, probes: [], route, restarts: stableRestarts, restartDownSeconds: d.scenario.stable.restartDownSeconds, storeBucket }, d.subject.buckets, random, write);
      pods.push({ ns: d.namespace, pod: stablePod, from: stableFrom, to: origin + d.end, restarts: stableRestarts });
      const canaries = canaryPodsOf(d);
      const missing = new Set<number>();
      if (d.scenario.scrapeMissing) {
        const gaps = trialRandom(seed, d, k, 1);
        for (let t = origin; t <= origin + d.end; t += SCRAPE_SECONDS) if (d.scenario.scrapeMissing(t - origin, gaps)) missing.add(t);
      }
      for (const behaviour of canaries) {
        const pod = `${d.subject.workload}-${CANARY_HASH}-${podSuffix(random)}`;
        const restarts = (behaviour.restarts?.(random, d.end) ?? []).map((t) => origin + t);
        writePodHistogram({
          namespace: d.namespace, pod, from: origin, to: origin + d.end, origin, rps: (t) => (d.rps * weightAt(d, t)) / canaries.length, behaviour,
          probes: probesFor(d.scenario) ? d.subject.probes : [], route, restarts, restartDownSeconds: behaviour.restartDownSeconds,
          scrapeMissing: missing.size > 0 ? (t) => missing.has(t) : undefined, storeBucket,
        }, d.subject.buckets, random, write);
        pods.push({ ns: d.namespace, pod, from: origin, to: origin + d.end, cpu: d.subject.cpuRequestCores, restarts });
      }
    }
  }
  write(CPU_HEADER);
  for (const p of pods) if (p.cpu !== undefined) writePodCpu(p.ns, p.pod, p.from, p.to, p.cpu, 0.4, write);
  write(REQUESTS_HEADER);
  for (const p of pods) if (p.cpu !== undefined) writePodRequests(p.ns, p.pod, p.from, p.to, p.cpu, write);
  write(RESTARTS_HEADER);
  for (const p of pods) writePodRestarts(p.ns, p.pod, p.from, p.to, p.restarts, write);
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

async function runDataset(client: PrometheusClient, d: Dataset, layout: Layout, seed: number): Promise<ScenarioResult> {
  const trials = d.trials;
  const args = (step: number): Record<string, string> => ({
    ...(d.subject.steps[step]?.args ?? {}),
    namespace: d.namespace,
    workload: d.subject.workload,
    'canary-hash': CANARY_HASH,
    'stable-hash': STABLE_HASH,
  });
  // Every time each metric could be measured, on one grid per metric, query text (a step's args may
  // change the query) and backfill group: one range query each. Prometheus 2.42 steps every series a
  // query selects through every step of the range, so a query over one group's trials is much cheaper
  // than one over all of them.
  const cache = new Map<string, Map<number, ProviderOutcome>>(d.subject.metrics.map((m) => [m.name, new Map()]));
  const tasks: (() => Promise<void>)[] = [];
  const n = perGroup(d, layout);
  for (const m of d.subject.metrics) {
    const byQuery = new Map<string, number[][]>();
    d.stepStarts.forEach((start, j) => {
      const query = substituteArgs(m.query, args(j));
      const groups = byQuery.get(query) ?? [];
      for (let k = 0; k < trials; k++) {
        const times = (groups[Math.floor(k / n)] ??= []);
        for (let i = 0; i < (m.count ?? 1); i++) times.push(originOf(d, layout, k) + start + (m.initialDelaySeconds ?? 0) + i * (m.intervalSeconds ?? 0));
      }
      byQuery.set(query, groups);
    });
    for (const [query, groups] of byQuery) {
      for (const times of groups) {
        tasks.push(async () => {
          const first = Math.min(...times);
          const step = times.reduce((g, t) => gcd(g, t - first), 0) || 60;
          const r = await client.queryRange(query, first, Math.max(...times), step);
          const byTime = cache.get(m.name)!;
          for (const t of times) byTime.set(t, 'error' in r ? { error: r.error } : { result: r.byTime.get(t) ?? [], value: JSON.stringify(r.byTime.get(t) ?? []) });
        });
      }
    }
  }
  await pool(tasks, 3);

  const list = await runTrials(client, d, layout, cache, args, seed);
  const counts: Record<Verdict, number> = { Successful: 0, Failed: 0, Inconclusive: 0, Error: 0 };
  const reasons = new Map<string, number>();
  let abortedInFirstStep = 0;
  for (const t of list) {
    counts[t.verdict]++;
    if ((t.verdict === 'Failed' || t.verdict === 'Error') && t.step === 1) abortedInFirstStep++;
    const why = t.verdict === 'Successful' ? `all ${t.steps.length} step(s) passed` : `step ${t.step} · ${t.metric} · ${t.message}`;
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const sorted = [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines: Record<string, number | undefined> = {};
  // The lines of the last step (the promotion's).
  for (const m of metricsForStep(d.subject.metrics, d.subject.steps[d.subject.steps.length - 1]?.args ?? {})) lines[m.name] = threshold(m.successCondition);
  return {
    template: d.subject.template,
    kind: 'prometheus',
    scenario: d.scenario.id,
    title: d.scenario.title,
    expectation: d.scenario.expectation + (d.scenario.bad && !/never Successful/.test(d.scenario.expectation) ? '; a bad canary: never Successful' : ''),
    accepted: d.scenario.accept(list) && (!d.scenario.bad || counts.Successful === 0),
    bad: d.scenario.bad === true,
    trials,
    counts,
    abortedInFirstStep,
    why: sorted[0]![0],
    reasons: sorted.map(([reason, count]) => ({ reason, count })),
    times: list.map((t) => (t.verdict === 'Inconclusive' ? undefined : t.at)),
    // A bad canary that was promoted is the trial worth looking at.
    example: (d.scenario.bad ? list.find((t) => t.verdict === 'Successful') : undefined) ?? list[0]!,
    lines,
  };
}

/** A deterministic draw per trial, metric and time: the same answer however often a trial is re-run. */
function drawFor(seed: number, d: Dataset, k: number, metric: string, t: number): () => number {
  let h = 2166136261;
  for (const c of `${seed}|${d.namespace}|${k}|${metric}|${t}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return seededRandom(h >>> 0);
}

interface Miss {
  readonly metric: QueryMetric;
  readonly at: number;
  readonly step: number;
}

/** Decides trial `k` from the measurements at hand, or lists the measurement times not queried yet. */
function decideTrial(d: Dataset, origin: number, k: number, cache: Map<string, Map<number, ProviderOutcome>>, seed: number): Trial | Miss[] {
  const missing: Miss[] = [];
  const steps: StepTrace[] = [];
  let verdict: Trial | undefined;
  for (let j = 0; j < d.stepStarts.length; j++) {
    const startedAt = d.stepStarts[j]!;
    const outcome = runAnalysis(metricsForStep(d.subject.metrics, d.subject.steps[j]?.args ?? {}), (m, at) => {
      const t = origin + startedAt + at;
      // Prometheus unreachable or timing out: the provider's error, whatever the data.
      const down = d.scenario.provider?.(startedAt + at, drawFor(seed, d, k, m.name, t));
      if (down !== undefined) return { error: down };
      const hit = cache.get(m.name)?.get(t);
      if (hit) return hit;
      missing.push({ metric: m as QueryMetric, at: t, step: j });
      return { error: 'not measured yet' };
    }, 3600);
    steps.push({ step: j + 1, weight: d.subject.steps[j]?.weight ?? 100, startedAt, outcome });
    if (outcome.phase !== 'Successful') {
      verdict = { verdict: outcome.phase, step: j + 1, at: startedAt + outcome.endedAt, metric: outcome.decidingMetric, message: outcome.message, steps };
      break;
    }
  }
  if (missing.length > 0) return missing;
  const last = steps[steps.length - 1]!;
  return verdict ?? { verdict: 'Successful', step: steps.length, at: last.startedAt + last.outcome.endedAt, steps };
}

/**
 * Decides every trial of a dataset: measurement times off the range-query grid (the 10 s retries after
 * an Error) are queried at once with instant queries, a few at a time, and the trials decided again.
 */
async function runTrials(client: PrometheusClient, d: Dataset, layout: Layout, cache: Map<string, Map<number, ProviderOutcome>>, args: (step: number) => Record<string, string>, seed: number): Promise<Trial[]> {
  const out: (Trial | undefined)[] = new Array(d.trials).fill(undefined);
  for (let attempt = 0; attempt < 20; attempt++) {
    const missing: Miss[] = [];
    for (let k = 0; k < d.trials; k++) {
      if (out[k]) continue;
      const r = decideTrial(d, originOf(d, layout, k), k, cache, seed);
      if (Array.isArray(r)) missing.push(...r);
      else out[k] = r;
    }
    if (missing.length === 0) return out as Trial[];
    await pool(missing.map((miss) => async () => {
      const r = await client.query(substituteArgs(miss.metric.query, args(miss.step)), miss.at);
      cache.get(miss.metric.name)!.set(miss.at, 'error' in r ? { error: r.error } : { result: r.values, value: JSON.stringify(r.values) });
    }), 3);
  }
  throw new Error(`the trials of ${d.subject.template}/${d.scenario.id} did not settle`);
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
      list.push({ verdict: outcome.phase, step: 1, at: outcome.endedAt, metric: outcome.decidingMetric, message: outcome.message, steps: [{ step: 1, weight: 0, startedAt: 0, outcome }] });
    }
    const counts: Record<Verdict, number> = { Successful: 0, Failed: 0, Inconclusive: 0, Error: 0 };
    for (const t of list) counts[t.verdict]++;
    const first = list[0]!;
    return {
      template: s.template,
      kind: 'web',
      scenario: scenario.id,
      title: scenario.title,
      expectation: scenario.expectation,
      accepted: scenario.accept(list),
      bad: false,
      trials,
      counts,
      abortedInFirstStep: counts.Failed + counts.Error,
      why: first.verdict === 'Successful' ? 'every GET passed' : `${first.metric} · ${first.message}`,
      reasons: [],
      times: list.map((t) => t.at),
      example: first,
      lines: {},
    };
  });
}

export type { Measurement };
