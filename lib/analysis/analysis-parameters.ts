import { exactSeconds } from '../core/duration.js';
import { ResolvedSlo } from './service-level-objectives.js';

/**
 * Annotation on every SLO AnalysisTemplate: the parameters its queries and conditions were built from, as one
 * JSON object (keys in the order of {@link ANALYSIS_PARAMETERS}). The queries are long PromQL; a reviewer (and
 * `cdk8s-delivery diff`) compares these numbers instead, one line per parameter.
 */
export const ANALYSIS_PARAMETERS_ANNOTATION = 'delivery.cdk8s.io/analysis-parameters';

/** The value of one parameter in the annotation. */
export type AnalysisParameterValue = number | boolean | string | readonly string[];

/** How a change of a parameter's value changes what the analysis catches. */
export type ParameterDirection =
  /** A higher value lets more bad canaries through (e.g. a latency abort line). */
  | 'weaker-when-higher'
  /** A lower value lets more bad canaries through (e.g. a success-rate abort line). */
  | 'weaker-when-lower'
  /** A list (of strings) that lets more bad canaries through when it gains entries (e.g. paths left out). */
  | 'weaker-when-added'
  /** Neither direction is weaker in general: shown, not flagged. */
  | 'neutral';

/** One parameter of an SLO analysis, as the review diff shows it. */
export interface AnalysisParameter {
  /** Key in the annotation's JSON object. */
  readonly key: string;
  /** What a reviewer reads. */
  readonly label: string;
  readonly direction: ParameterDirection;
}

/** Every parameter the annotation may hold, in order. */
export const ANALYSIS_PARAMETERS: readonly AnalysisParameter[] = [
  { key: 'successRate', label: 'success-rate objective', direction: 'weaker-when-lower' },
  { key: 'successRateFailBelow', label: 'success-rate abort line', direction: 'weaker-when-lower' },
  { key: 'latencyP99Seconds', label: 'p99 latency objective (s)', direction: 'weaker-when-higher' },
  { key: 'latencyP99FailAboveSeconds', label: 'p99 latency abort line (s)', direction: 'weaker-when-higher' },
  { key: 'confidence', label: 'confidence of an abort', direction: 'weaker-when-higher' },
  { key: 'minRequests', label: 'minimum requests for a verdict', direction: 'neutral' },
  { key: 'windowSeconds', label: 'query window (s)', direction: 'neutral' },
  { key: 'evidenceWindowSeconds', label: 'evidence window (s)', direction: 'neutral' },
  { key: 'scrapeIntervalSeconds', label: 'counting step (s)', direction: 'neutral' },
  { key: 'compareWithStable', label: 'compared with the stable pods', direction: 'neutral' },
  { key: 'baselineCap', label: 'cap of a stable-raised abort line (× the line)', direction: 'weaker-when-higher' },
  { key: 'excludePaths', label: 'paths left out of the analysis', direction: 'weaker-when-added' },
  { key: 'maxRestarts', label: 'canary container restarts tolerated', direction: 'weaker-when-higher' },
  { key: 'expectedRequestsPerSecond', label: 'expected user traffic (req/s)', direction: 'neutral' },
  { key: 'cpuSaturationPassBelow', label: 'CPU saturation pass line', direction: 'weaker-when-higher' },
  { key: 'cpuSaturationFailAbove', label: 'CPU saturation abort line', direction: 'weaker-when-higher' },
];

/** The parameters of a resolved SLO, keyed as in {@link ANALYSIS_PARAMETERS}; absent ones are left out. */
export function analysisParameters(slo: ResolvedSlo): Record<string, AnalysisParameterValue> {
  const values: Record<string, AnalysisParameterValue | undefined> = {
    successRate: slo.successRate,
    successRateFailBelow: slo.successRateFailBelow,
    latencyP99Seconds: slo.latencyP99Seconds,
    latencyP99FailAboveSeconds: slo.latencyP99FailAboveSeconds,
    confidence: slo.confidence,
    minRequests: slo.minRequests,
    windowSeconds: exactSeconds(slo.rateWindow),
    evidenceWindowSeconds: exactSeconds(slo.evidenceWindow),
    scrapeIntervalSeconds: exactSeconds(slo.prometheus.scrapeInterval),
    compareWithStable: slo.compareWithStable,
    baselineCap: slo.compareWithStable ? slo.baselineCap : undefined,
    excludePaths: [...slo.excludePaths].sort(),
    maxRestarts: slo.restarts?.max,
    expectedRequestsPerSecond: slo.expectedRequestsPerSecond,
    cpuSaturationPassBelow: slo.saturation?.passBelow,
    cpuSaturationFailAbove: slo.saturation?.failAbove,
  };
  const out: Record<string, AnalysisParameterValue> = {};
  for (const { key } of ANALYSIS_PARAMETERS) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
