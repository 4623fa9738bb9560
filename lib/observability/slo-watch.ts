import { Duration } from 'cdk8s';
import { resolveSlo, ServiceLevelObjectives } from '../analysis/service-level-objectives.js';
import { Strategy } from '../delivery/strategy.js';
import type { WorkloadBase } from '../workloads/base/workload-base.js';
import { MonitoringProps, monitoringProblems } from './monitoring.js';
import { SloRules } from './slo-rules.js';

/** What {@link watchSlo} needs besides the workload. */
export interface SloWatchInput {
  /** The workload's strategy in this environment: a canary is analysed against its SLO (the default one if none is declared). */
  readonly strategy: Strategy;
  /** The declared SLO, if any. */
  readonly slo?: ServiceLevelObjectives;
  /** HTTP paths of the probes, left out of the SLIs. */
  readonly probePaths: readonly string[];
  readonly monitoring?: MonitoringProps;
}

/** What the workload does with the result. */
export interface SloWatch {
  /** Problems to report: the SLO's own, where no canary analysis reports them already. */
  readonly problems: { field: string; value: unknown; message: string; fix: string }[];
  /** Whether the pods are scraped unless `monitoring.scrape` says otherwise: a service with an SLO is. */
  readonly scrapeByDefault: boolean;
  /** The scrape interval: the SLO's (the step its analysis counts at). @default 30 s without an SLO */
  readonly scrapeInterval?: Duration;
}

/**
 * The SLO watch of a serving workload: a service has an SLO where it declares `slo` or where its canary is analysed
 * (against the default SLO if none is declared). Such a service is scraped by default, and gets its PrometheusRule
 * ({@link SloRules}) with the alerts its environment asks for. The SLO's problems are reported here only where no canary
 * analysis reports them.
 */
export function watchSlo(workload: WorkloadBase, input: SloWatchInput): SloWatch {
  const analysed = input.strategy.kind === 'canary';
  if (!analysed && input.slo === undefined) return { problems: [], scrapeByDefault: false };
  const { resolved, problems } = resolveSlo(input.slo, 'slo', input.probePaths);
  const watch: SloWatch = { problems: analysed ? [] : problems, scrapeByDefault: true, scrapeInterval: resolved.prometheus.scrapeInterval };
  if (problems.length > 0 || monitoringProblems(input.monitoring).length > 0) return watch;
  new SloRules(workload, 'slo-rules', {
    name: `${workload.name}-slo`,
    namespace: workload.namespace,
    labels: { ...workload.labels, ...input.monitoring?.selectorLabels },
    service: workload.name,
    environment: workload.environment.name,
    team: input.monitoring?.team ?? workload.platformName,
    alerting: workload.environment.sloAlerting,
    slo: resolved,
    period: input.monitoring?.sloPeriod ?? Duration.days(30),
    runbookUrl: input.monitoring?.runbookUrl,
    workloadKind: input.strategy.kind === 'canary' || input.strategy.kind === 'blueGreen' ? 'Rollout' : 'Deployment',
  });
  return watch;
}
