import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { PrometheusRuleSpec, PrometheusRuleSpecGroups, PrometheusRuleSpecGroupsRules } from '../../imports/prometheusrule-monitoring.coreos.com.js';
import { escapeRegex, leRegex } from '../analysis/slo-analysis-template.js';
import { ResolvedSlo } from '../analysis/service-level-objectives.js';
import { exactSeconds } from '../core/duration.js';
import { SloAlerting } from '../core/environment.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import type { Wire } from '../core/wire.js';

/** The windows every SLI is recorded over: the short and long windows of the four burn-rate alerts. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
/** One of {@link SLO_WINDOWS}. */
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** One multi-window, multi-burn-rate alert: it fires while the burn rate is above `burnRate` over both windows. */
export interface BurnRateAlert {
  readonly severity: 'page' | 'ticket';
  /** Multiple of the sustainable error rate (the error budget spread evenly over the SLO period). */
  readonly burnRate: number;
  /** The window that proves the burn is significant. */
  readonly longWindow: SloWindow;
  /** The window that proves it is still going on: the alert resets within it once the burn stops. */
  readonly shortWindow: SloWindow;
}

/**
 * The Google SRE workbook's recommended alerts ("Alerting on SLOs", table 5-8): with a 30-day SLO period, 2 % of the
 * budget spent in one hour and 5 % in six hours page; 10 % in one day and 10 % in three days open a ticket. The
 * short window is 1/12 of the long one.
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  { severity: 'page', burnRate: 14.4, longWindow: '1h', shortWindow: '5m' },
  { severity: 'page', burnRate: 6, longWindow: '6h', shortWindow: '30m' },
  { severity: 'ticket', burnRate: 3, longWindow: '1d', shortWindow: '2h' },
  { severity: 'ticket', burnRate: 1, longWindow: '3d', shortWindow: '6h' },
];

/** Names of the recorded series. Every series carries the labels `namespace`, `service` and `slo`. */
export const SLO_RECORDS = {
  /** Bad events ÷ all events over a window (no series while the service gets no requests). */
  errorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  /** The error ratio ÷ the error budget (1 − objective): 1 spends the budget exactly over the SLO period. */
  burnRate: (window: SloWindow) => `slo:burn_rate:ratio_rate${window}`,
  /** Bad events per second over 5 m: summed over the SLO period with the total, the period's error ratio. */
  badRate: 'slo:sli_bad:rate5m',
  /** All events per second over 5 m. */
  totalRate: 'slo:sli_total:rate5m',
  /** The objective (e.g. 0.999). */
  objective: 'slo:objective:ratio',
  /** 1 − the error ratio over the SLO period ÷ the budget: 1 untouched, 0 spent, below 0 overspent. */
  budgetRemaining: 'slo:error_budget_remaining:ratio',
} as const;

/** The alert name of every burn-rate alert; `slo`, `severity` and the window labels tell them apart. */
export const BURN_RATE_ALERT_NAME = 'SloErrorBudgetBurn';

/**
 * Annotation on every SLO PrometheusRule: the declared SLOs as one JSON object ({@link SloDeclaration}), the source
 * `cdk8s-delivery slo export` reads, so that what the platform promises is recoverable from dist/ alone.
 */
export const SLO_ANNOTATION = 'delivery.cdk8s.io/slo';

/** One objective of {@link SloDeclaration}. */
export interface SloObjectiveDeclaration {
  /** `availability` or `latency`. */
  readonly name: 'availability' | 'latency';
  /** The objective, a fraction of good events. */
  readonly target: number;
  /** For latency: the objective's bucket boundary (s); an event is good when at most this slow. */
  readonly thresholdSeconds?: number;
  /** Counter of bad events (availability), as a PromQL selector. */
  readonly bad?: string;
  /** Counter of good events (latency: the histogram bucket at the threshold), as a PromQL selector. */
  readonly good?: string;
  /** Counter of all events, as a PromQL selector. */
  readonly total: string;
}

/** The content of the {@link SLO_ANNOTATION} annotation. */
export interface SloDeclaration {
  readonly service: string;
  readonly namespace: string;
  readonly environment: string;
  readonly team: string;
  /** The SLO period in days. */
  readonly periodDays: number;
  readonly objectives: readonly SloObjectiveDeclaration[];
}

/** Kubernetes' random-name alphabet (k8s.io/apimachinery/pkg/util/rand): pod-template hashes and pod name suffixes. */
const RANDOM = '[bcdfghjklmnpqrstvwxz2456789]';

/**
 * The SLIs of one service as PromQL over its raw counters: the request-duration histogram of every pod of the workload
 * (stable and canary: `<workload>-<pod-template-hash>-<suffix>`, the two generated parts drawn from Kubernetes'
 * random alphabet, which has no vowels, so a `<workload>-migrate-x7k2p` Job pod is not one), probe paths left out,
 * as the canary analysis counts them: the same histogram, status-code regex, route label, excluded paths and `le`
 * matching (see {@link SliQueries}).
 */
export class SloIndicator {
  constructor(
    private readonly slo: ResolvedSlo,
    private readonly namespace: string,
    private readonly workload: string,
  ) {}

  /** Matches the names of the workload's pods, and of no other workload's. */
  public get podRegex(): string {
    return `${this.workload}-${RANDOM}+-${RANDOM}{5}`;
  }

  private selector(metric: string, extra: readonly string[] = []): string {
    const p = this.slo.prometheus;
    const parts = [`namespace="${this.namespace}"`, `pod=~"${this.podRegex}"`];
    if (this.slo.excludePaths.length > 0) parts.push(`${p.routeLabel}!~"${this.slo.excludePaths.map(escapeRegex).join('|')}"`);
    return `${metric}{${[...parts, ...extra].join(', ')}}`;
  }

  // The selectors, built once per indicator: every recording rule and alert of the service's two SLOs repeats them.
  private totalSelector?: string;
  private errorsSelector?: string;
  private bucketsSelector?: string;
  private fastEnoughSelector?: string;

  /** Counter of every request. */
  public get total(): string {
    return (this.totalSelector ??= this.selector(`${this.slo.prometheus.requestDurationHistogram}_count`));
  }

  /** Counter of the error answers (the availability SLO's bad events). */
  public get errors(): string {
    const p = this.slo.prometheus;
    return (this.errorsSelector ??= this.selector(`${p.requestDurationHistogram}_count`, [`${p.statusCodeLabel}=~"${p.errorStatusRegex}"`]));
  }

  /** The histogram's buckets (every `le`). */
  public get buckets(): string {
    return (this.bucketsSelector ??= this.selector(`${this.slo.prometheus.requestDurationHistogram}_bucket`));
  }

  /** Counter of the requests at most as slow as the latency objective: the histogram bucket at the objective. */
  public get fastEnough(): string {
    return (this.fastEnoughSelector ??= this.selector(`${this.slo.prometheus.requestDurationHistogram}_bucket`, [`le=~"${leRegex(this.slo.latencyP99Seconds)}"`]));
  }

  /** Bad events per second over a window. A missing error series is no error. */
  public badRate(slo: 'availability' | 'latency', window: string): string {
    return slo === 'availability' ? `(sum(rate(${this.errors}[${window}])) or vector(0))` : `(sum(rate(${this.total}[${window}])) - (sum(rate(${this.fastEnough}[${window}])) or vector(0)))`;
  }

  /** All events per second over a window. */
  public totalRate(window: string): string {
    return `sum(rate(${this.total}[${window}]))`;
  }

  /** Bad events ÷ all events over a window; no value while there is no request (a ratio of nothing is no evidence). */
  public errorRatio(slo: 'availability' | 'latency', window: string): string {
    return `${this.badRate(slo, window)} / (${this.totalRate(window)} > 0)`;
  }
}

/** Props of {@link SloRules}. */
export interface SloRulesProps {
  /** PrometheusRule name. */
  readonly name: string;
  readonly namespace: string;
  /** Labels of the object (the workload's, and the Prometheus's rule selector labels). */
  readonly labels: Record<string, string>;
  /** The service (workload) name: the `service` label of every series and alert. */
  readonly service: string;
  readonly environment: string;
  readonly team: string;
  readonly alerting: SloAlerting;
  readonly slo: ResolvedSlo;
  readonly period: Duration;
  readonly runbookUrl?: string;
  /** How to look at the workload's releases, for the inline runbook. */
  readonly workloadKind: 'Rollout' | 'Deployment';
}

/** The alerts an environment's choice keeps. */
export function alertsFor(alerting: SloAlerting): readonly BurnRateAlert[] {
  switch (alerting) {
    case SloAlerting.PAGE_AND_TICKET: return BURN_RATE_ALERTS;
    case SloAlerting.TICKET: return BURN_RATE_ALERTS.filter((a) => a.severity === 'ticket');
    default: return [];
  }
}

/**
 * A prometheus-operator PrometheusRule watching a service's SLOs after its canary, from the same `slo` the analysis
 * gates on: availability (the share of answers that are not errors, objective `successRate`) and latency (the share
 * of requests at most `latencyP99` slow, objective 99 %, from the histogram's bucket at the objective). One rule group
 * per SLO, evaluated in order so the alerts read the records of the same evaluation:
 *
 * - the error ratio over 5m, 30m, 1h, 2h, 6h, 1d and 3d, and the burn rate (ratio ÷ error budget) over each;
 * - the 5-minute bad and total rates, and from them the error ratio over the SLO period and the budget remaining
 *   (traffic-weighted: a busy hour counts for more than a quiet one, as the budget does);
 * - the multi-window, multi-burn-rate alerts the environment asks for ({@link BURN_RATE_ALERTS}), labelled with
 *   severity, service, environment, team and slo, with a runbook.
 *
 * The object also carries the declared SLOs as JSON ({@link SLO_ANNOTATION}) for `slo export`.
 */
export class SloRules extends Construct {
  /** The declaration in the annotation. */
  public readonly declaration: SloDeclaration;

  constructor(scope: Construct, id: string, props: SloRulesProps) {
    super(scope, id);
    const indicator = new SloIndicator(props.slo, props.namespace, props.service);
    const periodDays = Math.round(exactSeconds(props.period) / 86400);
    const objectives: SloObjectiveDeclaration[] = [
      { name: 'availability', target: props.slo.successRate, bad: indicator.errors, total: indicator.total },
      { name: 'latency', target: round(1 - LATENCY_TAIL), thresholdSeconds: props.slo.latencyP99Seconds, good: indicator.fastEnough, total: indicator.total },
    ];
    this.declaration = { service: props.service, namespace: props.namespace, environment: props.environment, team: props.team, periodDays, objectives };
    const spec = { groups: objectives.map((o) => ruleGroup(props, indicator, o, periodDays)) } satisfies Wire<PrometheusRuleSpec>;
    new ApiObject(this, 'resource', {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels: props.labels,
        annotations: { ...syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }), [SLO_ANNOTATION]: JSON.stringify(this.declaration) },
      },
      spec,
    });
  }
}

/** The share of requests a p99 objective lets be slower than it. */
const LATENCY_TAIL = 0.01;

function ruleGroup(props: SloRulesProps, indicator: SloIndicator, objective: SloObjectiveDeclaration, periodDays: number): Wire<PrometheusRuleSpecGroups> {
  const slo = objective.name;
  const labels = { namespace: props.namespace, service: props.service, slo };
  const match = `{namespace="${props.namespace}", service="${props.service}", slo="${slo}"}`;
  const budget = round(1 - objective.target);
  const period = `${periodDays}d`;
  const rules: Wire<PrometheusRuleSpecGroupsRules>[] = [];
  for (const window of SLO_WINDOWS) rules.push({ record: SLO_RECORDS.errorRatio(window), expr: indicator.errorRatio(slo, window), labels });
  for (const window of SLO_WINDOWS) rules.push({ record: SLO_RECORDS.burnRate(window), expr: `${SLO_RECORDS.errorRatio(window)}${match} / ${budget}`, labels });
  rules.push(
    { record: SLO_RECORDS.objective, expr: `vector(${objective.target})`, labels },
    { record: SLO_RECORDS.badRate, expr: indicator.badRate(slo, '5m'), labels },
    { record: SLO_RECORDS.totalRate, expr: indicator.totalRate('5m'), labels },
    { record: SLO_RECORDS.errorRatio(period), expr: `sum_over_time(${SLO_RECORDS.badRate}${match}[${period}]) / (sum_over_time(${SLO_RECORDS.totalRate}${match}[${period}]) > 0)`, labels },
    { record: SLO_RECORDS.budgetRemaining, expr: `1 - ${SLO_RECORDS.errorRatio(period)}${match} / ${budget}`, labels },
  );
  // The runbook names no alert: built once for the objective's alerts.
  const runbookAnnotation: Record<string, string> = props.runbookUrl ? { runbook_url: props.runbookUrl } : { runbook: runbook(props, indicator, objective) };
  for (const alert of alertsFor(props.alerting)) {
    rules.push({
      alert: BURN_RATE_ALERT_NAME,
      expr: `${SLO_RECORDS.burnRate(alert.longWindow)}${match} > ${alert.burnRate} and ${SLO_RECORDS.burnRate(alert.shortWindow)}${match} > ${alert.burnRate}`,
      labels: { severity: alert.severity, slo, service: props.service, environment: props.environment, team: props.team, long_window: alert.longWindow, short_window: alert.shortWindow },
      annotations: annotations(props, objective, alert, budget, periodDays, runbookAnnotation),
    });
  }
  return { name: `${props.service}-${slo}`, rules };
}

function annotations(props: SloRulesProps, objective: SloObjectiveDeclaration, alert: BurnRateAlert, budget: number, periodDays: number, runbookAnnotation: Record<string, string>): Record<string, string> {
  const percent = (x: number) => `${round(x * 100)} %`;
  const what = objective.name === 'availability' ? `answered more than ${percent(alert.burnRate * budget)} of its requests with errors (status ${props.slo.prometheus.errorStatusRegex})` : `served more than ${percent(alert.burnRate * budget)} of its requests slower than ${round(objective.thresholdSeconds! * 1000)} ms`;
  const lasts = Math.round((periodDays / alert.burnRate) * 10) / 10;
  return {
    summary: `${props.service}: ${objective.name} error budget burning ${alert.burnRate}× too fast over ${alert.longWindow} and ${alert.shortWindow}`,
    description: `${props.service} in ${props.namespace} ${what} over both the last ${alert.longWindow} and the last ${alert.shortWindow}: ${alert.burnRate} × the ${percent(budget)} error budget of its ${percent(objective.target)} ${objective.name} SLO. At this rate the ${periodDays}-day budget is spent in ${lasts} days.`,
    ...runbookAnnotation,
  };
}

function runbook(props: SloRulesProps, indicator: SloIndicator, objective: SloObjectiveDeclaration): string {
  const ns = props.namespace;
  const releases = props.workloadKind === 'Rollout' ? `kubectl argo rollouts get rollout ${props.service} -n ${ns} (undo a promoted release: kubectl argo rollouts undo ${props.service} -n ${ns})` : `kubectl rollout history deployment/${props.service} -n ${ns} (undo: kubectl rollout undo deployment/${props.service} -n ${ns})`;
  const route = props.slo.prometheus.routeLabel;
  const which = objective.name === 'availability' ? `sum by (pod, ${route}) (rate(${objective.bad!}[5m]))` : `histogram_quantile(0.99, sum by (le, pod, ${route}) (rate(${indicator.buckets}[5m])))`;
  return `1. A recent release? ${releases}. 2. Which pods and routes? ${which}. 3. Roll back a release that caused it; otherwise find the dependency or the saturation behind it.`;
}

function round(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}
