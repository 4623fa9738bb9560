import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { exactSeconds, goDuration, promDuration } from '../core/duration.js';
import { checkProps } from '../core/props/check-props.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { ANALYSIS_PARAMETERS_ANNOTATION, analysisParameters } from './analysis-parameters.js';
import { conditions, NoData } from './no-data.js';
import { ResolvedSlo } from './service-level-objectives.js';

/** Argument names of the SLO AnalysisTemplate. */
export const ANALYSIS_ARGS = {
  NAMESPACE: 'namespace',
  WORKLOAD: 'workload',
  CANARY_HASH: 'canary-hash',
  STABLE_HASH: 'stable-hash',
  /** The score at or below which a step's verdict passes ({@link VERDICT_Z} by default, the promotion's line). */
  VERDICT_PASS_LINE: 'verdict-pass-line',
} as const;

/**
 * Annotations stating the objectives a template was derived from: reviewers see them next to the
 * queries, and `analysis simulate` builds its scenarios around them.
 */
export const ANALYSIS_ANNOTATIONS = {
  SUCCESS_RATE: 'delivery.cdk8s.io/slo-success-rate',
  LATENCY_P99: 'delivery.cdk8s.io/slo-latency-p99-seconds',
  BUCKETS: 'delivery.cdk8s.io/histogram-buckets',
} as const;

/**
 * The args an analysis step passes to the template. The canary hash comes from the controller
 * (`podTemplateHashValue: Latest`), so every query sees only the canary's pods. A step before the last
 * analysis step passes `verdictPassLine` (z: its verdict passes a canary that is not significantly past the
 * line, and the next step gathers more evidence); the last one passes none, so its verdict is the template's
 * default, the promotion's {@link VERDICT_Z}.
 */
export function analysisStepArgs(namespace: string, workload: string, verdictPassLine?: number): Record<string, unknown>[] {
  return [
    { name: ANALYSIS_ARGS.NAMESPACE, value: namespace },
    { name: ANALYSIS_ARGS.WORKLOAD, value: workload },
    { name: ANALYSIS_ARGS.CANARY_HASH, valueFrom: { podTemplateHashValue: 'Latest' } },
    { name: ANALYSIS_ARGS.STABLE_HASH, valueFrom: { podTemplateHashValue: 'Stable' } },
    ...(verdictPassLine === undefined ? [] : [{ name: ANALYSIS_ARGS.VERDICT_PASS_LINE, value: String(verdictPassLine) }]),
  ];
}

/** Props of {@link SloAnalysisTemplate}. */
export interface SloAnalysisTemplateProps {
  /** Template name. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The resolved objectives. */
  readonly slo: ResolvedSlo;
  /**
   * The window of the step verdicts' counts: the canary's whole life up to the end of the last analysis step
   * ({@link verdictWindowSeconds}), so the promotion weighs every request the canary answered, not only the last step's.
   * @default the evidence window (one analysis step)
   */
  readonly verdictWindow?: Duration;
}

/**
 * An Argo Rollouts AnalysisTemplate derived from service level objectives: success rate and p99 latency
 * always, the canary's container restarts unless switched off, CPU saturation when asked for, measured every
 * interval; then one verdict per SLI at the step's end ({@link VERDICT_Z}) that a promotion needs. Every metric has a
 * count, so the analysis terminates; failureLimit and inconclusiveLimit bound how much noise it tolerates.
 */
export class SloAnalysisTemplate extends Construct {
  /** The template name. */
  public readonly templateName: string;
  /** The metric names, in order. */
  public readonly metricNames: readonly string[];

  constructor(scope: Construct, id: string, props: SloAnalysisTemplateProps) {
    super(scope, id);
    this.templateName = props.name;
    if (!checkProps(this, props)) {
      this.metricNames = [];
      return;
    }
    const metrics = renderMetrics(props.slo, props.verdictWindow ?? props.slo.evidenceWindow);
    this.metricNames = metrics.map((m) => m.name as string);
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: {
          ...syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }),
          [ANALYSIS_ANNOTATIONS.SUCCESS_RATE]: String(props.slo.successRate),
          [ANALYSIS_ANNOTATIONS.LATENCY_P99]: String(props.slo.latencyP99Seconds),
          [ANALYSIS_ANNOTATIONS.BUCKETS]: props.slo.histogramBuckets.join(','),
          [ANALYSIS_PARAMETERS_ANNOTATION]: JSON.stringify(analysisParameters(props.slo)),
        },
      },
      spec: {
        args: Object.values(ANALYSIS_ARGS).map((name) => (name === ANALYSIS_ARGS.VERDICT_PASS_LINE ? { name, value: String(VERDICT_Z) } : { name })),
        metrics,
      },
    });
  }
}

const arg = (name: string) => `{{args.${name}}}`;

/** The fraction of requests slower than the p99 line that a p99 at the line allows. */
const P99_TAIL = 0.01;

/**
 * The SLI queries, as PromQL text. Every SLI is a count of bad events E (5xx answers, or requests
 * slower than the abort line) out of N requests of the canary's pods, probe paths left out, counted
 * over the evidence window: from the analysis step's start to its last measurement, so the evidence
 * grows with every measurement and a low-traffic canary reaches a verdict by the end of its step.
 *
 * Counts, not `rate()` or `increase()`, summed per series at the scrape interval s
 * ({@link SliQueries.count}):
 *
 * - `increase(x[w])` is blind to a series' first increment (OTel creates the 5xx series at 1 on the
 *   first error, so a canary's first errors would never show), and extrapolates to the window's ends.
 * - Each step adds x minus its last value s ago when that is ≥ 0; when it is negative the counter was
 *   reset (the container restarted and its OTel counters began again at 0 under the same labels), and
 *   the step adds `x`, the count since the restart; a series without a value in the window before
 *   (newborn) adds its whole value. A plain difference over the window would lose every request of a
 *   series that restarted.
 * - A missing error series is zero errors (`or vector(0)`); a missing total is no data (empty result).
 *
 * The decision is a one-sided test of E against what a canary exactly at the abort line F would
 * produce, λ = N·F: the result is the score 2·(√E − √λ), the variance-stabilised Poisson statistic
 * (≈ N(0,1) at the line, and, unlike (E − λ)/√λ, not wildly optimistic at a handful of events). It fails
 * above z of the confidence at any N: 2 errors in 2 requests is evidence, one 5xx in 480 is not, 5 % of
 * them is. A pass needs N ≥ minRequests: below it a score under z is no data (empty result).
 *
 * With `compareWithStable`, F is the stable pods' own ratio when that is worse than the abort line, up
 * to baselineCap × the line; a stable significantly past the abort line (by the same test) makes the
 * result NaN: the canary cannot be judged against a broken baseline. A stable whose ratio is past the
 * cap without that evidence (a chance error among few requests) only raises the line to the cap.
 */
export class SliQueries {
  /** @param window the evidence window of the counts (default the SLO's: one analysis step) */
  constructor(private readonly slo: ResolvedSlo, private readonly window: Duration = slo.evidenceWindow) {}

  private selector(metric: string, hashArg: string, extra: readonly string[], excludePaths = true): string {
    const p = this.slo.prometheus;
    const parts = [`namespace="${arg(ANALYSIS_ARGS.NAMESPACE)}"`, `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-${arg(hashArg)}-[a-z0-9]+"`];
    if (excludePaths && this.slo.excludePaths.length > 0) parts.push(`${p.routeLabel}!~"${this.slo.excludePaths.map(escapeRegex).join('|')}"`);
    return `${metric}{${[...parts, ...extra].join(', ')}}`;
  }

  /**
   * The increments of the counters matching a selector over the evidence window, summed: per series
   * and per step s, x minus its last value s ago when ≥ 0, else `x` (a reset: the count since the
   * restart), and `x` for a series without any value in the window before (newborn). The last value is
   * `last_over_time(x[window] offset s)`, not `x offset s`: after a scrape gap longer than Prometheus'
   * 5 m lookback (a pod that crash-looped in back-off, a scrape outage) the series continues from its
   * value before the gap instead of counting its whole value again. The steps telescope, so the count is
   * exact whatever the scrape interval; only increments between the last scrape before a restart and the
   * restart are lost.
   */
  public static count(selector: string, window: string, step: string): string {
    return `sum_over_time(sum(((${selector} - last_over_time(${selector}[${window}] offset ${step})) >= 0) or ${selector})[${window}:${step}])`;
  }

  private count(metric: string, hashArg: string, extra: readonly string[] = [], excludePaths = true): string {
    return SliQueries.count(this.selector(metric, hashArg, extra, excludePaths), promDuration(this.window), promDuration(this.slo.prometheus.scrapeInterval));
  }

  private total(hashArg: string): string {
    return this.count(`${this.slo.prometheus.requestDurationHistogram}_count`, hashArg);
  }

  private errors(hashArg: string): string {
    const p = this.slo.prometheus;
    return `(${this.count(`${p.requestDurationHistogram}_count`, hashArg, [`${p.statusCodeLabel}=~"${p.errorStatusRegex}"`])} or vector(0))`;
  }

  private slower(hashArg: string, seconds: number): string {
    const p = this.slo.prometheus;
    return `(${this.total(hashArg)} - ${this.count(`${p.requestDurationHistogram}_bucket`, hashArg, [`le=~"${leRegex(seconds)}"`])})`;
  }

  /**
   * The score of E out of N against the abort ratio f (raised to the stable's ratio up to the cap), or
   * NaN when the stable is past the line; empty when there is no total, or too few requests and no
   * significant excess.
   */
  private score(bad: (hashArg: string) => string, f: number): string {
    const c = ANALYSIS_ARGS.CANARY_HASH;
    const s = ANALYSIS_ARGS.STABLE_HASH;
    const min = this.slo.minRequests;
    const z = this.slo.z;
    const cap = round(f * this.slo.baselineCap);
    const line = this.slo.compareWithStable ? `(clamp(${bad(s)} / (${this.total(s)} >= ${min}), ${f}, ${cap}) or vector(${f}))` : `${f}`;
    const canary = `2 * (sqrt(${bad(c)}) - sqrt(${this.total(c)} * ${line}))`;
    // A score above z decides at any N; a pass needs minRequests: below them, the score must beat z.
    const decided = `${canary} > on() ((vector(${z}) and on() (${this.total(c)} < ${min})) or on() vector(-Inf))`;
    if (!this.slo.compareWithStable) return decided;
    // Only evidence breaks the baseline: a stable significantly past the line. Its raw ratio past the cap is not enough
    // (one chance 5xx among a low-traffic stable's 250 requests is past 2 × a 0.2 % line): then the line is the cap.
    const stableBroken = `2 * (sqrt(${bad(s)}) - sqrt(${this.total(s)} * ${f})) > ${z}`;
    return `(vector(NaN) and on() (${stableBroken})) or on() (${decided})`;
  }

  /** The canary's 5xx count against the success-rate abort line. */
  public errorScore(): string {
    return this.score((h) => this.errors(h), round(1 - this.slo.successRateFailBelow));
  }

  /** The canary's count of requests slower than the p99 abort line against 1 %. */
  public latencyScore(): string {
    return this.score((h) => this.slower(h, this.slo.latencyP99FailAboveSeconds), P99_TAIL);
  }

  /** Container restarts of the canary pods over the evidence window (kube-state-metrics, never reset by a restart). */
  public restarts(): string {
    return this.count('kube_pod_container_status_restarts_total', ANALYSIS_ARGS.CANARY_HASH, [], false);
  }

  /** CPU usage ÷ CPU request of the canary pods. */
  public cpuSaturation(): string {
    const ns = `namespace="${arg(ANALYSIS_ARGS.NAMESPACE)}"`;
    const pods = `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-${arg(ANALYSIS_ARGS.CANARY_HASH)}-[a-z0-9]+"`;
    const window = promDuration(this.slo.rateWindow);
    return `sum(rate(container_cpu_usage_seconds_total{${ns}, ${pods}, container!="", container!="POD"}[${window}])) / sum(kube_pod_container_resource_requests{${ns}, ${pods}, resource="cpu"})`;
  }
}

/** The PromQL of one template's metrics. */
interface TemplateQueries {
  readonly errorScore: string;
  readonly latencyScore: string;
  readonly restarts: string;
  readonly cpuSaturation: string;
  readonly verdictErrorScore: string;
  readonly verdictLatencyScore: string;
}

/**
 * The queries of the templates built so far, by their objectives and verdict window ({@link queriesKey}). They name no
 * service (the namespace, workload and hashes are the template's args), so every service with the same objectives has
 * the same text: built once, and one string in memory instead of a tree of concatenations per service (a template's
 * queries are ~20 KB of text, each selector repeated 18 times). Bounded: cleared when it reaches {@link MAX_MEMO}.
 */
const queriesMemo = new Map<string, TemplateQueries>();
const MAX_MEMO = 256;

/**
 * Every input of the queries, exactly: the whole ResolvedSlo and the window, each number and string tagged with its
 * type (JSON alone writes NaN and Infinity both as null, and a number as a string's digits).
 */
function queriesKey(slo: ResolvedSlo, verdictWindow: Duration): string {
  return JSON.stringify([slo, verdictWindow], (_key, value: unknown) => (typeof value === 'number' ? `n${value}` : typeof value === 'string' ? `s${value}` : value));
}

function templateQueries(slo: ResolvedSlo, verdictWindow: Duration): TemplateQueries {
  const key = queriesKey(slo, verdictWindow);
  const known = queriesMemo.get(key);
  if (known) return known;
  const q = new SliQueries(slo);
  const whole = new SliQueries(slo, verdictWindow);
  const queries: TemplateQueries = {
    errorScore: q.errorScore(),
    latencyScore: q.latencyScore(),
    restarts: q.restarts(),
    cpuSaturation: q.cpuSaturation(),
    verdictErrorScore: whole.errorScore(),
    verdictLatencyScore: whole.latencyScore(),
  };
  if (queriesMemo.size >= MAX_MEMO) queriesMemo.clear();
  queriesMemo.set(key, queries);
  return queries;
}

function renderMetrics(slo: ResolvedSlo, verdictWindow: Duration): Record<string, unknown>[] {
  const p = slo.prometheus;
  const q = templateQueries(slo, verdictWindow);
  const timing = {
    initialDelay: goDuration(slo.initialDelay),
    interval: goDuration(slo.interval),
    count: slo.count,
    failureLimit: slo.failureLimit,
    inconclusiveLimit: slo.inconclusiveLimit,
    consecutiveErrorLimit: slo.consecutiveErrorLimit,
  };
  const metric = (name: string, query: string, c: { successCondition: string; failureCondition: string }) => ({
    name,
    ...timing,
    ...c,
    provider: { prometheus: { address: p.address, query } },
  });
  const z = slo.z;
  const metrics: Record<string, unknown>[] = [
    metric('success-rate', q.errorScore, conditions(`result[0] <= ${z}`, `result[0] > ${z}`, duringTheStep(slo.successRateNoData))),
    metric('latency-p99', q.latencyScore, conditions(`result[0] <= ${z}`, `result[0] > ${z}`, duringTheStep(slo.latencyNoData))),
  ];
  if (slo.restarts) {
    metrics.push(metric('restarts', q.restarts, conditions(`result[0] <= ${slo.restarts.max}`, `result[0] > ${slo.restarts.max}`, NoData.INCONCLUSIVE)));
  }
  if (slo.saturation) {
    metrics.push(metric('cpu-saturation', q.cpuSaturation, conditions(`result[0] <= ${slo.saturation.passBelow}`, `result[0] > ${slo.saturation.failAbove}`, slo.saturation.noData)));
  }
  // The verdicts: one measurement of each SLI's score at the step's end, over the whole evidence window.
  const verdict = (name: string, query: string, noData: NoData) => ({
    name: `${name}-verdict`,
    initialDelay: goDuration(slo.evidenceWindow),
    count: 1,
    failureLimit: 0,
    inconclusiveLimit: 0,
    consecutiveErrorLimit: slo.consecutiveErrorLimit,
    ...conditions(`result[0] <= ${arg(ANALYSIS_ARGS.VERDICT_PASS_LINE)}`, `result[0] > ${z}`, noData),
    provider: { prometheus: { address: p.address, query } },
  });
  metrics.push(verdict('success-rate', q.verdictErrorScore, slo.successRateNoData), verdict('latency-p99', q.verdictLatencyScore, slo.latencyNoData));
  return metrics;
}

/**
 * No data during the step (too few requests yet, or none) is left to the step's verdict, which measures the whole
 * evidence window: only NoData.FAIL also fails a measurement on the way.
 */
function duringTheStep(noData: NoData): NoData {
  return noData === NoData.FAIL ? NoData.FAIL : NoData.PASS;
}

/**
 * The score the last analysis step's verdict must not exceed for the canary to be promoted: Φ⁻¹(0.75), the template's
 * default `verdict-pass-line` (the steps before it pass z: their verdicts only need the data and no significant excess,
 * and a canary in the grey zone goes on to the next step's larger share and evidence instead of pausing).
 *
 * Why verdicts: the measurements every interval abort on significant evidence (a score above z) and let everything
 * else pass, and Argo Rollouts ends a metric Successful once its count is reached with at most failureLimit failed and
 * inconclusiveLimit inconclusive measurements, so on their own, early measurements holding little evidence promoted a
 * canary a little past the abort line that the whole rollout would have caught (bitvaultd at 5 × its budget at
 * 2,000 req/s: 4 in 100). A verdict measures once, at the step's end, over the canary's whole life so far (the
 * template's verdict window): it fails on significant evidence like the others, passes at a score ≤ the step's line,
 * and is Inconclusive in between, where the rollout pauses for a human. At the last step, a canary exactly at the
 * abort line passes with ~75 %, one at 2.5 × the line with 40 req/s of traffic (~10 expected bad events against ~24)
 * with ~0.2 %. The line is not 0: one 5xx among ~600 requests against a 0.2 % line (λ = 1.2: score −0.2) or two
 * (0.64) is no evidence either way, and a healthy low-traffic canary must not pause on it. With too few requests
 * (N < minRequests) and no significant excess, a verdict is no data: what the SLI's noData says (Inconclusive for the
 * success rate, by default).
 */
export const VERDICT_Z = 0.674;

/** A regex matching the `le` label of a boundary however it is formatted ("1", "1.0", "0.50"). */
export function leRegex(seconds: number): string {
  const [int, frac] = String(seconds).split('.');
  return frac === undefined ? `${int}([.]0+)?` : `${int}[.]${frac}0*`;
}

/** A path as a literal in a Prometheus (RE2) label regex: its dots match only dots. */
export function escapeRegex(path: string): string {
  return path.replace(/\./g, '[.]');
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** A canary step as the evidence check needs it. */
export interface EvidenceStep {
  readonly action: string;
  readonly weight?: number;
  readonly duration?: Duration;
}

/**
 * The canary's life up to the end of its last analysis step: each analysis step lasts its verdict's delay (the
 * evidence window), each timed pause its duration; a pause without one (until a human promotes) counts 0, so the
 * window never reaches back past the canary's start. At least the evidence window.
 */
export function verdictWindowSeconds(steps: readonly EvidenceStep[], slo: ResolvedSlo): number {
  const last = steps.map((s) => s.action).lastIndexOf('analysis');
  let seconds = 0;
  for (const step of steps.slice(0, last + 1)) {
    if (step.action === 'analysis') seconds += exactSeconds(slo.evidenceWindow);
    else if (step.action === 'pause' && step.duration) seconds += exactSeconds(step.duration);
  }
  return Math.max(seconds, exactSeconds(slo.evidenceWindow));
}

/**
 * With `expectedRequestsPerSecond`, whether every analysis step can reach a pass. A step promotes only on its
 * verdict, measured once at initialDelay + (count − 1) × interval into the step over the whole evidence window
 * ({@link VERDICT_Z}): the canary's share of the traffic (the weight of the setWeight step before it) over that
 * time must reach minRequests, with a margin for Poisson noise (a mean μ with μ − 2√μ ≥ minRequests: ~98 % of
 * healthy canaries get there). Traffic before the analysis step began is not counted. One problem per step that
 * cannot, with the numbers and the ways out.
 */
export function evidenceProblems(steps: readonly EvidenceStep[], slo: ResolvedSlo, stepsField: string, field = 'slo'): { field: string; value: unknown; rule: string; message: string; fix: string }[] {
  const rps = slo.expectedRequestsPerSecond;
  if (rps === undefined || !(rps > 0)) return [];
  const out: { field: string; value: unknown; rule: string; message: string; fix: string }[] = [];
  const interval = exactSeconds(slo.interval);
  const delay = exactSeconds(slo.initialDelay);
  const deciding = exactSeconds(slo.evidenceWindow);
  const min = slo.minRequests;
  const needed = Math.ceil((1 + Math.sqrt(1 + min)) ** 2);
  let weight = 0;
  steps.forEach((step, i) => {
    if (step.action === 'setWeight') weight = step.weight ?? 0;
    if (step.action !== 'analysis' || !(weight > 0)) return;
    const perSecond = (weight / 100) * rps;
    const expected = perSecond * deciding;
    if (expected - 2 * Math.sqrt(expected) >= min) return;
    const neededSeconds = Math.ceil(needed / perSecond);
    const neededCount = Math.max(1, Math.ceil((neededSeconds - delay) / interval)) + 1;
    const neededWeight = Math.ceil((100 * needed) / (rps * deciding));
    const lowerMin = Math.max(1, Math.floor((Math.sqrt(expected) - 1) ** 2 - 1));
    const ways = [
      `lengthen the analysis so that its verdict comes at least ${neededSeconds} s into the step (slo.count: ${neededCount} at the ${goDuration(slo.interval)} interval, or a longer slo.interval)`,
      neededWeight <= 100 ? `raise the weight before ${stepsField}[${i}] to at least ${neededWeight}%` : `no weight is enough: even 100% of ${rps} req/s for ${deciding} s is ${Math.floor(rps * deciding)} requests`,
      `lower slo.minRequests to ${lowerMin} (a weaker pass)`,
      'or deliver this service without a canary (Strategy.rolling(), or Strategy.blueGreen() with a smoke test)',
    ];
    out.push({
      field: `${field}.expectedRequestsPerSecond`,
      value: rps,
      rule: 'analysis/evidence-unreachable',
      message: `at ${rps} req/s, the analysis at ${stepsField}[${i}] (canary weight ${weight}%) counts about ${Math.floor(expected)} canary requests by its verdict (${deciding} s into the step: initialDelay ${delay} s + (count ${slo.count} − 1) × ${interval} s); a pass needs ${min} (slo.minRequests), about ${needed} on average to get there in ~98 % of steps: a healthy canary would pause there for a human instead of being promoted (a bad one still aborts)`,
      fix: ways.join('; '),
    });
  });
  return out;
}
