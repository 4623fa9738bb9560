import { Duration } from 'cdk8s';
import { exactSeconds, isWholeSeconds } from '../core/duration.js';
import { NoData } from './no-data.js';

/**
 * Where the SLIs come from. The defaults follow the OpenTelemetry HTTP semantic conventions as exported
 * to Prometheus, and the kubelet/cAdvisor and kube-state-metrics series every cluster has.
 */
export interface PrometheusSource {
  /** Prometheus base URL. @default 'http://prometheus-operated.monitoring.svc.cluster.local:9090' */
  readonly address?: string;
  /** Request-duration histogram (without the _bucket/_count suffix). @default 'http_server_request_duration_seconds' */
  readonly requestDurationHistogram?: string;
  /** Label holding the route (OTel `http.route`), used to leave probe requests out. @default 'http_route' */
  readonly routeLabel?: string;
  /** Label holding the HTTP status code. @default 'http_response_status_code' */
  readonly statusCodeLabel?: string;
  /** Regex of status codes that count as errors. @default '5..' */
  readonly errorStatusRegex?: string;
  /**
   * How often Prometheus scrapes the service (and kube-state-metrics): the step at which the analysis
   * adds up counter increments. Counts stay exact with any step (the increments telescope); a step at the
   * scrape interval loses the fewest requests around a container restart, a shorter one only costs
   * query time. @default 30 seconds
   */
  readonly scrapeInterval?: Duration;
}

/**
 * Service level objectives of a service, from which its canary analysis is derived. Each SLI has a pass
 * threshold (the objective), a fail threshold, and an inconclusive band between them: a noisy metric
 * near the objective pauses for a human instead of flapping the rollout.
 */
export interface ServiceLevelObjectives {
  /** The objective: fraction of non-error requests, in (0, 1). @default 0.995 */
  readonly successRate?: number;
  /**
   * The abort line: a canary whose success rate is, with `confidence`, below this line fails. A
   * canary between the objective and this line passes: a release is aborted on evidence, not on noise.
   * @default twice the error budget below 100%, e.g. 0.99 for 0.995
   */
  readonly successRateFailBelow?: number;
  /**
   * No-data handling for the success rate, at the step's verdict (no data during the step passes, as the evidence is
   * still accumulating; NoData.FAIL also fails those measurements).
   * @default NoData.INCONCLUSIVE: a canary that got no traffic proved nothing
   */
  readonly successRateNoData?: NoData;
  /** p99 latency objective; must be a boundary of `histogramBuckets`. @default 500 ms */
  readonly latencyP99?: Duration;
  /**
   * The abort line: a canary whose p99 is, with `confidence`, above this line (more than 1 % of its
   * requests slower) fails. Must be a boundary of `histogramBuckets` above the objective.
   * @default the first bucket boundary at or above 1.5 × latencyP99
   */
  readonly latencyP99FailAbove?: Duration;
  /**
   * Upper bounds (seconds) of the request-duration histogram's buckets, as the service exports them.
   * A latency line must be one of them: between two boundaries Prometheus can only interpolate.
   * @default OTEL_HTTP_BUCKETS, the OpenTelemetry HTTP semantic-convention boundaries
   */
  readonly histogramBuckets?: readonly number[];
  /**
   * One-sided confidence with which a measurement must show the canary beyond an abort line before it
   * counts as failed. @default 0.99 (z = 2.326): at most 1 in 100 measurements of a canary exactly at
   * the abort line fails by chance, and a step fails only after failureLimit + 1 such measurements
   */
  readonly confidence?: number;
  /**
   * Canary requests the analysis must have counted (since the analysis step began) before a measurement
   * can pass; with fewer, a measurement fails only on significant evidence and is otherwise no data.
   * @default 100
   */
  readonly minRequests?: number;
  /**
   * Compare the canary against the stable pods over the same window: the abort line becomes the
   * stable's own error (or slow) ratio when that is worse, up to `baselineCap` × the abort line, so a
   * stable hiccup does not abort the canary (Kayenta's baseline-vs-canary idea). A stable that is itself
   * past the abort line (with `confidence`), or past the cap, cannot judge the canary: the measurement
   * is Inconclusive, never Successful and never Failed. @default true
   */
  readonly compareWithStable?: boolean;
  /**
   * How far the stable's own ratio may raise an abort line, as a multiple of the line (at least 1).
   * @default 2: a 1 % abort line rises at most to 2 %
   */
  readonly baselineCap?: number;
  /**
   * Add a `restarts` metric: container restarts of the canary pods (kube-state-metrics
   * `kube_pod_container_status_restarts_total`) counted since the analysis step began. No series at all
   * (no kube-state-metrics) is Inconclusive, never a pass. @default true
   */
  readonly analyseRestarts?: boolean;
  /**
   * Container restarts of the canary pods tolerated in the analysis step; a measurement with more fails.
   * @default 0: a canary container that restarts (crash, OOMKill, failed liveness probe) aborts the step
   */
  readonly maxRestarts?: number;
  /**
   * The service's user traffic (requests per second, probes excluded) across all its pods. When given,
   * the synth checks that every analysis step can reach a pass: at the step's weight, the canary's requests by
   * the step's verdict (initialDelay + (count − 1) × interval into the step) must reach `minRequests` with a margin for Poisson noise
   * (mean − 2·√mean ≥ minRequests), else `analysis/evidence-unreachable` with the numbers and the fixes.
   * @default not checked
   */
  readonly expectedRequestsPerSecond?: number;
  /**
   * Request paths (routes) the analysis leaves out, in addition to the workload's own HTTP probe paths:
   * the kubelet's probes are no user traffic, and a canary that only answers them proved nothing.
   * @default none beyond the probe paths
   */
  readonly excludePaths?: readonly string[];
  /** No-data handling for latency. @default NoData.PASS: no requests, no slow requests; the success-rate SLI already flags missing traffic */
  readonly latencyNoData?: NoData;
  /** CPU saturation (usage ÷ request of the canary pods) at or below which the SLI passes. @default no saturation SLI */
  readonly cpuSaturationPassBelow?: number;
  /** CPU saturation above which the canary fails. @default saturation pass threshold + 0.15 */
  readonly cpuSaturationFailAbove?: number;
  /** No-data handling for saturation. @default NoData.INCONCLUSIVE: missing container metrics mean a monitoring gap */
  readonly saturationNoData?: NoData;
  /** Time between measurements. @default 1 minute */
  readonly interval?: Duration;
  /** Measurements per analysis step; the analysis ends after this many, so it always terminates. @default 5 */
  readonly count?: number;
  /** Failed measurements tolerated before the step fails. @default 1 */
  readonly failureLimit?: number;
  /**
   * Inconclusive measurements tolerated before the rollout pauses (the measurements every interval are
   * Inconclusive only when the stable is itself past the abort line; the step's verdicts tolerate none).
   * @default count − 1 − failureLimit: a step passes only with at least one passing measurement
   */
  readonly inconclusiveLimit?: number;
  /** Consecutive query errors tolerated. @default 2 */
  readonly consecutiveErrorLimit?: number;
  /** Window of the `rate()` of the CPU saturation SLI. @default 2 minutes */
  readonly rateWindow?: Duration;
  /**
   * Wait before the first measurement. The counts cover the evidence window, initialDelay +
   * (count − 1) × interval, which ends at the step's last measurement and so starts when the step's
   * analysis began. At least the scrape interval. @default interval (at least the scrape interval)
   */
  readonly initialDelay?: Duration;
  /** The metrics source. @default see {@link PrometheusSource} */
  readonly prometheus?: PrometheusSource;
}

/** {@link ServiceLevelObjectives} with every default applied. */
export interface ResolvedSlo {
  readonly successRate: number;
  readonly successRateFailBelow: number;
  readonly successRateNoData: NoData;
  readonly latencyP99Seconds: number;
  readonly latencyP99FailAboveSeconds: number;
  readonly latencyNoData: NoData;
  readonly histogramBuckets: readonly number[];
  /** One-sided confidence of an abort decision. */
  readonly confidence: number;
  readonly z: number;
  readonly minRequests: number;
  readonly compareWithStable: boolean;
  /** Multiple of an abort line the stable's ratio may raise it to. */
  readonly baselineCap: number;
  /** The restarts metric, when analysed. */
  readonly restarts?: { readonly max: number };
  readonly expectedRequestsPerSecond?: number;
  readonly excludePaths: readonly string[];
  readonly initialDelay: Duration;
  /** initialDelay + (count − 1) × interval: the counts of the last measurement cover the whole step. */
  readonly evidenceWindow: Duration;
  readonly saturation?: { readonly passBelow: number; readonly failAbove: number; readonly noData: NoData };
  readonly interval: Duration;
  readonly count: number;
  readonly failureLimit: number;
  readonly inconclusiveLimit: number;
  readonly consecutiveErrorLimit: number;
  readonly rateWindow: Duration;
  readonly prometheus: Required<PrometheusSource>;
}

type P = { field: string; value: unknown; message: string; fix: string };

/** Applies defaults and lists every problem (fields relative to `field`). */
export function resolveSlo(slo: ServiceLevelObjectives = {}, field = 'slo', probePaths: readonly string[] = []): { resolved: ResolvedSlo; problems: P[] } {
  const problems: P[] = [];
  const successRate = slo.successRate ?? 0.995;
  const successRateFailBelow = slo.successRateFailBelow ?? round(1 - 2 * (1 - successRate));
  const buckets = [...(slo.histogramBuckets ?? OTEL_HTTP_BUCKETS)];
  const latency = (slo.latencyP99 ?? Duration.millis(500)).toMilliseconds() / 1000;
  const latencyFail = slo.latencyP99FailAbove ? slo.latencyP99FailAbove.toMilliseconds() / 1000 : buckets.find((b) => b >= round(latency * 1.5)) ?? round(latency * 1.5);
  const confidence = slo.confidence ?? 0.99;
  const minRequests = slo.minRequests ?? 100;
  const rateWindow = slo.rateWindow ?? Duration.minutes(2);
  const count = slo.count ?? 5;
  const failureLimit = slo.failureLimit ?? 1;
  const inconclusiveLimit = slo.inconclusiveLimit ?? Math.max(0, count - 1 - failureLimit);
  const interval = slo.interval ?? Duration.minutes(1);
  const p = slo.prometheus ?? {};
  const scrapeInterval = p.scrapeInterval ?? Duration.seconds(30);
  const baselineCap = slo.baselineCap ?? 2;
  const maxRestarts = slo.maxRestarts ?? 0;

  if (!(successRate > 0 && successRate < 1)) problems.push({ field: `${field}.successRate`, value: successRate, message: 'must be a fraction between 0 and 1 (exclusive)', fix: 'use e.g. 0.995 for 99.5 %' });
  if (!(successRateFailBelow > 0 && successRateFailBelow <= successRate)) problems.push({ field: `${field}.successRateFailBelow`, value: successRateFailBelow, message: `must be above 0 and at most the objective (${successRate})`, fix: 'use a value a little below successRate, e.g. 0.99' });
  if (!(latency > 0)) problems.push({ field: `${field}.latencyP99`, value: latency, message: 'must be above 0', fix: 'use e.g. Duration.millis(250)' });
  if (!(latencyFail >= latency)) problems.push({ field: `${field}.latencyP99FailAbove`, value: latencyFail, message: `must be at least the objective (${latency}s)`, fix: 'use a value above latencyP99, e.g. 1.5 × the objective' });
  if (!(Number.isInteger(count) && count >= 1)) problems.push({ field: `${field}.count`, value: count, message: 'must be a whole number of at least 1 (an analysis without count never ends)', fix: 'use e.g. 5' });
  if (!(Number.isInteger(failureLimit) && failureLimit >= 0)) problems.push({ field: `${field}.failureLimit`, value: failureLimit, message: 'must be a whole number of at least 0', fix: 'use e.g. 1' });
  else if (failureLimit >= count) problems.push({ field: `${field}.failureLimit`, value: failureLimit, message: `must be below count (${count}), or the analysis could never fail`, fix: `use a failureLimit below ${count}` });
  if (!(Number.isInteger(inconclusiveLimit) && inconclusiveLimit >= 0 && inconclusiveLimit <= count)) problems.push({ field: `${field}.inconclusiveLimit`, value: inconclusiveLimit, message: `must be a whole number from 0 to count (${count})`, fix: 'use e.g. 1' });
  else if (Number.isInteger(failureLimit) && failureLimit >= 0 && failureLimit < count && inconclusiveLimit + failureLimit >= count) problems.push({ field: `${field}.inconclusiveLimit`, value: inconclusiveLimit, message: `plus failureLimit (${failureLimit}) reaches count (${count}): a step could end Successful without a single passing measurement (Argo Rollouts passes a metric whose failed and inconclusive measurements stay within their limits)`, fix: `use at most ${count - 1 - failureLimit}, or omit it` });
  if (!isWholeSeconds(interval, 1)) problems.push({ field: `${field}.interval`, value: exactSeconds(interval), message: 'must be a whole number of seconds, at least 1', fix: 'use e.g. Duration.minutes(1)' });
  if (!isWholeSeconds(scrapeInterval, 1)) problems.push({ field: `${field}.prometheus.scrapeInterval`, value: exactSeconds(scrapeInterval), message: 'must be a whole number of seconds, at least 1', fix: "use the scrape interval of the service's ServiceMonitor or PodMonitor, e.g. Duration.seconds(30)" });
  if (!(Number.isFinite(baselineCap) && baselineCap >= 1)) problems.push({ field: `${field}.baselineCap`, value: baselineCap, message: 'must be a number of at least 1 (a multiple of the abort line)', fix: 'use e.g. 2, or compareWithStable: false to ignore the stable' });
  if (!(Number.isInteger(maxRestarts) && maxRestarts >= 0)) problems.push({ field: `${field}.maxRestarts`, value: maxRestarts, message: 'must be a whole number of at least 0', fix: 'use e.g. 0 (any restart fails), or analyseRestarts: false without kube-state-metrics' });
  if (slo.expectedRequestsPerSecond !== undefined && !(Number.isFinite(slo.expectedRequestsPerSecond) && slo.expectedRequestsPerSecond > 0)) problems.push({ field: `${field}.expectedRequestsPerSecond`, value: slo.expectedRequestsPerSecond, message: 'must be a number above 0', fix: "use the service's user traffic in requests per second, probes excluded, e.g. 5" });

  if (slo.rateWindow !== undefined && !isWholeSeconds(slo.rateWindow, 30)) problems.push({ field: `${field}.rateWindow`, value: exactSeconds(slo.rateWindow), message: 'must be a whole number of seconds, at least 30 (a window needs two scrapes)', fix: 'use e.g. Duration.minutes(2)' });
  if (!(buckets.length > 0 && buckets.every((b, i) => Number.isFinite(b) && b > 0 && (i === 0 || b > buckets[i - 1]!)))) {
    problems.push({ field: `${field}.histogramBuckets`, value: buckets, message: 'must be positive, finite, strictly increasing bucket upper bounds', fix: 'list the boundaries the service exports, e.g. OTEL_HTTP_BUCKETS' });
  } else {
    problems.push(...bucketProblems(latency, latencyFail, buckets, field));
  }
  if (!(confidence >= 0.9 && confidence < 1)) problems.push({ field: `${field}.confidence`, value: confidence, message: 'must be at least 0.9 and below 1', fix: 'use e.g. 0.999' });
  if (!(Number.isInteger(minRequests) && minRequests >= 1)) problems.push({ field: `${field}.minRequests`, value: minRequests, message: 'must be a whole number of at least 1', fix: 'use e.g. 100' });
  const excludePaths = [...new Set([...probePaths, ...(slo.excludePaths ?? [])])];
  for (const path of slo.excludePaths ?? []) {
    if (!PATH.test(path)) problems.push({ field: `${field}.excludePaths`, value: path, message: 'must be an absolute path of letters, digits and / _ . ~ -', fix: "use e.g. '/metrics'" });
  }
  const initialDelay = slo.initialDelay ?? (exactSeconds(interval) >= exactSeconds(scrapeInterval) ? interval : scrapeInterval);
  if (slo.initialDelay !== undefined && !isWholeSeconds(slo.initialDelay, 0)) problems.push({ field: `${field}.initialDelay`, value: exactSeconds(slo.initialDelay), message: 'must be a whole number of seconds', fix: 'omit it (the interval)' });
  else if (slo.initialDelay !== undefined && exactSeconds(initialDelay) < exactSeconds(scrapeInterval)) problems.push({ field: `${field}.initialDelay`, value: exactSeconds(initialDelay), message: `is shorter than the scrape interval (${exactSeconds(scrapeInterval)}s): the first measurement could come before any scrape of the canary`, fix: 'omit it (the interval)' });
  const evidenceWindow = Duration.seconds(Math.round(exactSeconds(initialDelay) + Math.max(0, count - 1) * exactSeconds(interval)));
  let saturation: ResolvedSlo['saturation'];
  if (slo.cpuSaturationPassBelow !== undefined || slo.cpuSaturationFailAbove !== undefined) {
    const passBelow = slo.cpuSaturationPassBelow ?? 0.8;
    const failAbove = slo.cpuSaturationFailAbove ?? round(passBelow + 0.15);
    if (!(passBelow > 0 && failAbove >= passBelow)) problems.push({ field: `${field}.cpuSaturationFailAbove`, value: failAbove, message: `must be at least the pass threshold (${passBelow}), which must be above 0`, fix: 'use e.g. cpuSaturationPassBelow: 0.8, cpuSaturationFailAbove: 0.95' });
    saturation = { passBelow, failAbove, noData: slo.saturationNoData ?? NoData.INCONCLUSIVE };
  }
  return {
    problems,
    resolved: {
      successRate,
      successRateFailBelow,
      successRateNoData: slo.successRateNoData ?? NoData.INCONCLUSIVE,
      latencyP99Seconds: latency,
      latencyP99FailAboveSeconds: latencyFail,
      latencyNoData: slo.latencyNoData ?? NoData.PASS,
      histogramBuckets: buckets,
      confidence,
      z: round3(normalQuantile(confidence)),
      minRequests,
      compareWithStable: slo.compareWithStable ?? true,
      baselineCap,
      restarts: slo.analyseRestarts === false ? undefined : { max: maxRestarts },
      expectedRequestsPerSecond: slo.expectedRequestsPerSecond,
      excludePaths,
      initialDelay,
      evidenceWindow,
      saturation,
      interval,
      count,
      failureLimit,
      inconclusiveLimit,
      consecutiveErrorLimit: slo.consecutiveErrorLimit ?? 2,
      rateWindow,
      prometheus: {
        address: p.address ?? 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
        requestDurationHistogram: p.requestDurationHistogram ?? 'http_server_request_duration_seconds',
        routeLabel: p.routeLabel ?? 'http_route',
        statusCodeLabel: p.statusCodeLabel ?? 'http_response_status_code',
        errorStatusRegex: p.errorStatusRegex ?? '5..',
        scrapeInterval,
      },
    },
  };
}

/** The OpenTelemetry HTTP semantic conventions' advised `http.server.request.duration` boundaries (s). */
export const OTEL_HTTP_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const PATH = /^\/[A-Za-z0-9/_.~-]*$/;

/**
 * A latency line between two bucket boundaries cannot be measured: `histogram_quantile` interpolates
 * linearly inside the bucket, so a true p99 of 120 ms reads ~190 ms in the 0.1–0.25 s bucket, and the
 * count of requests slower than the line does not exist. Both lines must be boundaries.
 */
function bucketProblems(objective: number, failAbove: number, buckets: readonly number[], field: string): P[] {
  const out: P[] = [];
  const ms = (s: number) => `${round(s * 1000)} ms`;
  const around = (s: number) => {
    const upper = buckets.find((b) => b > s);
    const lower = [...buckets].reverse().find((b) => b < s);
    return { lower, upper };
  };
  for (const [key, value] of [['latencyP99', objective], ['latencyP99FailAbove', failAbove]] as const) {
    if (buckets.includes(value)) continue;
    const { lower, upper } = around(value);
    const inside = lower !== undefined && upper !== undefined ? `inside the histogram bucket ${lower}–${upper} s` : upper === undefined ? `above the last histogram boundary (${buckets[buckets.length - 1]} s)` : `below the first histogram boundary (${buckets[0]} s)`;
    out.push({
      field: `${field}.${key}`,
      value: ms(value),
      message: `falls ${inside}: Prometheus can only interpolate there, so the analysis could not tell a canary on one side of the line from one on the other`,
      fix: `use a bucket boundary (${[lower, upper].filter((b) => b !== undefined).map((b) => ms(b!)).join(' or ')}), or declare the boundaries the service exports in slo.histogramBuckets`,
    });
  }
  if (out.length === 0 && failAbove === objective) {
    out.push({ field: `${field}.latencyP99FailAbove`, value: ms(failAbove), message: `must be a bucket boundary above the objective (${ms(objective)})`, fix: `use ${ms(buckets.find((b) => b > objective) ?? objective * 2)}` });
  }
  return out;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
