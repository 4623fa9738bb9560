import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration, promDuration } from '../core/duration.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { conditions, NoData } from './no-data.js';
import { ResolvedSlo } from './service-level-objectives.js';

/** Argument names of the SLO AnalysisTemplate. */
export const ANALYSIS_ARGS = {
  NAMESPACE: 'namespace',
  WORKLOAD: 'workload',
  CANARY_HASH: 'canary-hash',
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
    const metrics = renderMetrics(props.slo);
    this.metricNames = metrics.map((m) => m.name as string);
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }) },
      spec: {
        args: Object.values(ANALYSIS_ARGS).map((name) => ({ name })),
        metrics,
      },
    });
  }
}

const arg = (name: string) => `{{args.${name}}}`;

function renderMetrics(slo: ResolvedSlo): Record<string, unknown>[] {
  const p = slo.prometheus;
  const ns = `namespace="${arg(ANALYSIS_ARGS.NAMESPACE)}"`;
  // Pods of a Rollout's ReplicaSet are named <rollout>-<pod-template-hash>-<suffix>.
  const canaryPods = `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-${arg(ANALYSIS_ARGS.CANARY_HASH)}-[a-z0-9]+"`;
  const allPods = `pod=~"${arg(ANALYSIS_ARGS.WORKLOAD)}-[a-z0-9]+-[a-z0-9]+"`;
  const window = promDuration(slo.rateWindow);
  const count = `${p.requestDurationHistogram}_count`;
  const ok = `${p.statusCodeLabel}!~"${p.errorStatusRegex}"`;
  const successRatio = (pods: string, w: string) => `sum(rate(${count}{${ns}, ${pods}, ${ok}}[${w}])) / sum(rate(${count}{${ns}, ${pods}}[${w}]))`;

  const timing = {
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

  const metrics = [
    metric('success-rate', successRatio(canaryPods, window), conditions(`result[0] >= ${slo.successRate}`, `result[0] < ${slo.successRateFailBelow}`, slo.successRateNoData)),
    metric(
      'latency-p99',
      `histogram_quantile(0.99, sum by (le) (rate(${p.requestDurationHistogram}_bucket{${ns}, ${canaryPods}}[${window}])))`,
      conditions(`result[0] <= ${slo.latencyP99Seconds}`, `result[0] > ${slo.latencyP99FailAboveSeconds}`, slo.latencyNoData),
    ),
  ];
  if (slo.burnRate) {
    const budget = round(1 - slo.successRate);
    metrics.push(metric(
      'error-budget-burn',
      `(1 - (${successRatio(allPods, promDuration(slo.burnRate.window))})) / ${budget}`,
      // No requests burn no budget.
      conditions(`result[0] <= ${slo.burnRate.passBelow}`, `result[0] > ${slo.burnRate.failAbove}`, NoData.PASS),
    ));
  }
  if (slo.saturation) {
    metrics.push(metric(
      'cpu-saturation',
      `sum(rate(container_cpu_usage_seconds_total{${ns}, ${canaryPods}, container!="", container!="POD"}[${window}])) / sum(kube_pod_container_resource_requests{${ns}, ${canaryPods}, resource="cpu"})`,
      conditions(`result[0] <= ${slo.saturation.passBelow}`, `result[0] > ${slo.saturation.failAbove}`, slo.saturation.noData),
    ));
  }
  return metrics;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
