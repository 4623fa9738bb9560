import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration, promDuration } from '../core/duration.js';
import { checkProps } from '../core/props/check-props.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { ANALYSIS_PARAMETERS_ANNOTATION, analysisParameters } from './analysis-parameters.js';
import { conditions } from './no-data.js';
import { ResolvedSlo } from './service-level-objectives.js';

/** Argument names of the SLO AnalysisTemplate. */
export const ANALYSIS_ARGS = {
  NAMESPACE: 'namespace',
  WORKLOAD: 'workload',
  CANARY_HASH: 'canary-hash',
  STABLE_HASH: 'stable-hash',
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
 * (`podTemplateHashValue: Latest`), so every query sees only the canary's pods.
 */
export function analysisStepArgs(namespace: string, workload: string): Record<string, unknown>[] {
  return [
    { name: ANALYSIS_ARGS.NAMESPACE, value: namespace },
    { name: ANALYSIS_ARGS.WORKLOAD, value: workload },
    { name: ANALYSIS_ARGS.CANARY_HASH, valueFrom: { podTemplateHashValue: 'Latest' } },
    { name: ANALYSIS_ARGS.STABLE_HASH, valueFrom: { podTemplateHashValue: 'Stable' } },
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
}

/**
 * An Argo Rollouts AnalysisTemplate derived from service level objectives: success rate and p99 latency
 * always, error-budget burn and CPU saturation when asked for. Every metric has a count, so the
 * analysis terminates; failureLimit and inconclusiveLimit bound how much noise it tolerates.
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
    const metrics = renderMetrics(props.slo);
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
        args: Object.values(ANALYSIS_ARGS).map((name) => ({ name })),
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
 * slower than the abort line) out of N requests of the canary's pods in the window, probe paths left
 * out. Counts, not `rate()`:
 *
 * - `increase(x[w])` is blind to a series' first increment: OTel creates the 5xx series at 1 on the
 *   first error, so a canary's first errors never show. The count over the window is instead the
 *   difference with the value one window ago, or the whole value for a series that did not exist then
 *   (`clamp_min(x - x offset w, 0) or x`; a counter reset inside the window counts as 0).
 * - A missing error series is zero errors (`or vector(0)`); a missing total is no data (empty result),
 *   and so is a total below `minRequests` (`N >= min` filters it out).
 *
 * The decision is a one-sided test, not a fixed line: the result is how many standard deviations E
 * lies above what a canary exactly at the abort line F would produce, `(E - N·F) / sqrt(N·F)`
 * (Poisson approximation of the binomial score test; Wilson's interval is this test inverted). It
 * fails above z of the confidence, so one 5xx in 480 requests is no evidence, and 5 % of them is.
 * With `compareWithStable`, F is the stable pods' own ratio when that is worse than the abort line.
 */
export class SliQueries {
  constructor(private readonly slo: ResolvedSlo) {}

  private selector(metric: string, hashArg: string, extra: readonly string[]): string {
    const p = this.slo.prometheus;
    const parts = [`namespace="${arg(ANALYSIS_ARGS.NAMESPACE)}"`, `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-${arg(hashArg)}-[a-z0-9]+"`];
    if (this.slo.excludePaths.length > 0) parts.push(`${p.routeLabel}!~"${this.slo.excludePaths.map(escapeRegex).join('|')}"`);
    return `${metric}{${[...parts, ...extra].join(', ')}}`;
  }

  private count(metric: string, hashArg: string, extra: readonly string[] = []): string {
    const s = this.selector(metric, hashArg, extra);
    const w = promDuration(this.slo.rateWindow);
    return `sum(clamp_min(${s} - ${s} offset ${w}, 0) or ${s})`;
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

  /** The score of E out of N against the abort ratio f, optionally raised to the stable's ratio. */
  private score(bad: (hashArg: string) => string, f: number): string {
    const c = ANALYSIS_ARGS.CANARY_HASH;
    const s = ANALYSIS_ARGS.STABLE_HASH;
    const min = this.slo.minRequests;
    const line = this.slo.compareWithStable
      ? `(clamp_min(${bad(s)} / (${this.total(s)} >= ${min}), ${f}) or vector(${f}))`
      : `${f}`;
    return `(${bad(c)} - (${this.total(c)} >= ${min}) * ${line}) / sqrt(${this.total(c)} * ${line})`;
  }

  /** Standard deviations by which the canary's 5xx count exceeds the abort line. */
  public errorScore(): string {
    return this.score((h) => this.errors(h), round(1 - this.slo.successRateFailBelow));
  }

  /** Standard deviations by which the canary's count of requests slower than the p99 abort line exceeds 1 %. */
  public latencyScore(): string {
    return this.score((h) => this.slower(h, this.slo.latencyP99FailAboveSeconds), P99_TAIL);
  }

  /** CPU usage ÷ CPU request of the canary pods. */
  public cpuSaturation(): string {
    const ns = `namespace="${arg(ANALYSIS_ARGS.NAMESPACE)}"`;
    const pods = `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-${arg(ANALYSIS_ARGS.CANARY_HASH)}-[a-z0-9]+"`;
    const window = promDuration(this.slo.rateWindow);
    return `sum(rate(container_cpu_usage_seconds_total{${ns}, ${pods}, container!="", container!="POD"}[${window}])) / sum(kube_pod_container_resource_requests{${ns}, ${pods}, resource="cpu"})`;
  }
}

function renderMetrics(slo: ResolvedSlo): Record<string, unknown>[] {
  const p = slo.prometheus;
  const q = new SliQueries(slo);
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
  const metrics = [
    metric('success-rate', q.errorScore(), conditions(`result[0] <= ${z}`, `result[0] > ${z}`, slo.successRateNoData)),
    metric('latency-p99', q.latencyScore(), conditions(`result[0] <= ${z}`, `result[0] > ${z}`, slo.latencyNoData)),
  ];
  if (slo.saturation) {
    metrics.push(metric('cpu-saturation', q.cpuSaturation(), conditions(`result[0] <= ${slo.saturation.passBelow}`, `result[0] > ${slo.saturation.failAbove}`, slo.saturation.noData)));
  }
  return metrics;
}

/** A regex matching the `le` label of a boundary however it is formatted ("1", "1.0", "0.50"). */
export function leRegex(seconds: number): string {
  const [int, frac] = String(seconds).split('.');
  return frac === undefined ? `${int}([.]0+)?` : `${int}[.]${frac}0*`;
}

function escapeRegex(path: string): string {
  return path.replace(/\./g, '[.]');
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
