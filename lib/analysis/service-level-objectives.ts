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
  /** Label holding the HTTP status code. @default 'http_response_status_code' */
  readonly statusCodeLabel?: string;
  /** Regex of status codes that count as errors. @default '5..' */
  readonly errorStatusRegex?: string;
}

/**
 * Service level objectives of a service, from which its canary analysis is derived. Each SLI has a pass
 * threshold (the objective), a fail threshold, and an inconclusive band between them: a noisy metric
 * near the objective pauses for a human instead of flapping the rollout.
 */
export interface ServiceLevelObjectives {
  /** Fraction of non-error requests needed to pass, in (0, 1). @default 0.995 */
  readonly successRate?: number;
  /** Success rate below which the canary fails. @default twice the error budget below 100%, e.g. 0.99 for 0.995 */
  readonly successRateFailBelow?: number;
  /** No-data handling for the success rate. @default NoData.INCONCLUSIVE: a canary that got no traffic proved nothing */
  readonly successRateNoData?: NoData;
  /** p99 latency objective. @default 500 ms */
  readonly latencyP99?: Duration;
  /** p99 latency above which the canary fails. @default 1.5 × latencyP99 */
  readonly latencyP99FailAbove?: Duration;
  /** No-data handling for latency. @default NoData.PASS: no requests, no slow requests; the success-rate SLI already flags missing traffic */
  readonly latencyNoData?: NoData;
  /**
   * Maximum error-budget burn rate over `errorBudgetWindow`, for the whole service (stable + canary).
   * @default no burn-rate SLI
   */
  readonly errorBudgetBurnRateFailAbove?: number;
  /** Burn rate at or below which the SLI passes. @default burn-rate fail threshold ÷ 2 */
  readonly errorBudgetBurnRatePassBelow?: number;
  /** Window of the burn-rate query. @default 1 hour */
  readonly errorBudgetWindow?: Duration;
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
  /** Inconclusive measurements tolerated before the rollout pauses. @default 1 */
  readonly inconclusiveLimit?: number;
  /** Consecutive query errors tolerated. @default 2 */
  readonly consecutiveErrorLimit?: number;
  /** Rate window of the queries. @default 2 minutes */
  readonly rateWindow?: Duration;
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
  readonly burnRate?: { readonly passBelow: number; readonly failAbove: number; readonly window: Duration };
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
export function resolveSlo(slo: ServiceLevelObjectives = {}, field = 'slo'): { resolved: ResolvedSlo; problems: P[] } {
  const problems: P[] = [];
  const successRate = slo.successRate ?? 0.995;
  const successRateFailBelow = slo.successRateFailBelow ?? round(1 - 2 * (1 - successRate));
  const latency = (slo.latencyP99 ?? Duration.millis(500)).toMilliseconds() / 1000;
  const latencyFail = slo.latencyP99FailAbove ? slo.latencyP99FailAbove.toMilliseconds() / 1000 : round(latency * 1.5);
  const count = slo.count ?? 5;
  const failureLimit = slo.failureLimit ?? 1;
  const inconclusiveLimit = slo.inconclusiveLimit ?? 1;
  const interval = slo.interval ?? Duration.minutes(1);

  if (!(successRate > 0 && successRate < 1)) problems.push({ field: `${field}.successRate`, value: successRate, message: 'must be a fraction between 0 and 1 (exclusive)', fix: 'use e.g. 0.995 for 99.5 %' });
  if (!(successRateFailBelow > 0 && successRateFailBelow <= successRate)) problems.push({ field: `${field}.successRateFailBelow`, value: successRateFailBelow, message: `must be above 0 and at most the objective (${successRate})`, fix: 'use a value a little below successRate, e.g. 0.99' });
  if (!(latency > 0)) problems.push({ field: `${field}.latencyP99`, value: latency, message: 'must be above 0', fix: 'use e.g. Duration.millis(300)' });
  if (!(latencyFail >= latency)) problems.push({ field: `${field}.latencyP99FailAbove`, value: latencyFail, message: `must be at least the objective (${latency}s)`, fix: 'use a value above latencyP99, e.g. 1.5 × the objective' });
  if (!(Number.isInteger(count) && count >= 1)) problems.push({ field: `${field}.count`, value: count, message: 'must be a whole number of at least 1 (an analysis without count never ends)', fix: 'use e.g. 5' });
  if (!(Number.isInteger(failureLimit) && failureLimit >= 0)) problems.push({ field: `${field}.failureLimit`, value: failureLimit, message: 'must be a whole number of at least 0', fix: 'use e.g. 1' });
  else if (failureLimit >= count) problems.push({ field: `${field}.failureLimit`, value: failureLimit, message: `must be below count (${count}), or the analysis could never fail`, fix: `use a failureLimit below ${count}` });
  if (!(Number.isInteger(inconclusiveLimit) && inconclusiveLimit >= 0 && inconclusiveLimit <= count)) problems.push({ field: `${field}.inconclusiveLimit`, value: inconclusiveLimit, message: `must be a whole number from 0 to count (${count})`, fix: 'use e.g. 1' });
  if (!isWholeSeconds(interval, 1)) problems.push({ field: `${field}.interval`, value: exactSeconds(interval), message: 'must be a whole number of seconds, at least 1', fix: 'use e.g. Duration.minutes(1)' });

  for (const [key, window] of [['rateWindow', slo.rateWindow], ['errorBudgetWindow', slo.errorBudgetWindow]] as const) {
    if (window !== undefined && !isWholeSeconds(window, 30)) problems.push({ field: `${field}.${key}`, value: exactSeconds(window), message: 'must be a whole number of seconds, at least 30 (a rate needs two scrapes)', fix: `use e.g. Duration.minutes(2)` });
  }
  let burnRate: ResolvedSlo['burnRate'];
  if (slo.errorBudgetBurnRateFailAbove !== undefined || slo.errorBudgetBurnRatePassBelow !== undefined) {
    const failAbove = slo.errorBudgetBurnRateFailAbove ?? 14.4;
    const passBelow = slo.errorBudgetBurnRatePassBelow ?? failAbove / 2;
    if (!(failAbove > 0 && passBelow > 0 && passBelow <= failAbove)) problems.push({ field: `${field}.errorBudgetBurnRatePassBelow`, value: passBelow, message: `must be above 0 and at most the fail threshold (${failAbove})`, fix: 'use e.g. errorBudgetBurnRateFailAbove: 14.4 with the default pass threshold' });
    burnRate = { passBelow, failAbove, window: slo.errorBudgetWindow ?? Duration.hours(1) };
  }
  let saturation: ResolvedSlo['saturation'];
  if (slo.cpuSaturationPassBelow !== undefined || slo.cpuSaturationFailAbove !== undefined) {
    const passBelow = slo.cpuSaturationPassBelow ?? 0.8;
    const failAbove = slo.cpuSaturationFailAbove ?? round(passBelow + 0.15);
    if (!(passBelow > 0 && failAbove >= passBelow)) problems.push({ field: `${field}.cpuSaturationFailAbove`, value: failAbove, message: `must be at least the pass threshold (${passBelow}), which must be above 0`, fix: 'use e.g. cpuSaturationPassBelow: 0.8, cpuSaturationFailAbove: 0.95' });
    saturation = { passBelow, failAbove, noData: slo.saturationNoData ?? NoData.INCONCLUSIVE };
  }
  const p = slo.prometheus ?? {};
  return {
    problems,
    resolved: {
      successRate,
      successRateFailBelow,
      successRateNoData: slo.successRateNoData ?? NoData.INCONCLUSIVE,
      latencyP99Seconds: latency,
      latencyP99FailAboveSeconds: latencyFail,
      latencyNoData: slo.latencyNoData ?? NoData.PASS,
      burnRate,
      saturation,
      interval,
      count,
      failureLimit,
      inconclusiveLimit,
      consecutiveErrorLimit: slo.consecutiveErrorLimit ?? 2,
      rateWindow: slo.rateWindow ?? Duration.minutes(2),
      prometheus: {
        address: p.address ?? 'http://prometheus-operated.monitoring.svc.cluster.local:9090',
        requestDurationHistogram: p.requestDurationHistogram ?? 'http_server_request_duration_seconds',
        statusCodeLabel: p.statusCodeLabel ?? 'http_response_status_code',
        errorStatusRegex: p.errorStatusRegex ?? '5..',
      },
    },
  };
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
