import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { PodMonitorSpec } from '../../imports/podmonitor-monitoring.coreos.com.js';
import { exactSeconds, isWholeSeconds, promDuration } from '../core/duration.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import type { Wire } from '../core/wire.js';

/**
 * How a workload is watched by the Prometheus its canary analysis queries (prometheus-operator objects): the
 * PodMonitor that has it scrape the pods, and, for a service with an `slo`, the PrometheusRule of recording rules and
 * burn-rate alerts (see {@link SloRules}).
 */
export interface MonitoringProps {
  /**
   * Emit a PodMonitor that has Prometheus scrape the workload's pods (stable and canary alike) on `metricsPort`.
   * @default true for a service with an SLO (a declared `slo`, or a canary analysed against the default one in this environment), false for every other workload
   */
  readonly scrape?: boolean;
  /**
   * Container port the pods serve their metrics on. The pod declares it as the container port named `metrics`
   * (the `http` port, when they are the same), and the PodMonitor scrapes that name.
   * @default 9464, the port of the OpenTelemetry SDKs' Prometheus exporter
   */
  readonly metricsPort?: number;
  /** HTTP path of the metrics. @default '/metrics', the path of the OpenTelemetry SDKs' Prometheus exporter */
  readonly metricsPath?: string;
  /**
   * Extra labels on the PodMonitor and the PrometheusRule: the ones the Prometheus's `podMonitorSelector` and
   * `ruleSelector` require (kube-prometheus-stack selects `release: <its release name>` unless told otherwise).
   * @default none: a Prometheus that selects every PodMonitor and PrometheusRule of the namespace
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** The team the SLO alerts go to: their `team` label. @default the platform name */
  readonly team?: string;
  /** Runbook of the SLO alerts, as their `runbook_url` annotation. @default none: a `runbook` annotation holds the first steps inline */
  readonly runbookUrl?: string;
  /**
   * The SLO period: the error budget remaining is counted over it, and OpenSLO's `timeWindow` (rolling) states it.
   * @default 30 days
   */
  readonly sloPeriod?: Duration;
}

/** Scraping as the PodMonitor and the pod template need it. */
export interface ResolvedScrape {
  /** Container port number of the metrics. */
  readonly containerPort: number;
  /** Name of the container port the PodMonitor scrapes (`metrics`, or `http` when the metrics share it). */
  readonly portName: string;
  /** Whether the pod template must declare a `metrics` port (false when it is the `http` port). */
  readonly declarePort: boolean;
  readonly path: string;
  readonly interval: Duration;
}

/** The default metrics port: the OpenTelemetry Prometheus exporter's (OTEL_EXPORTER_PROMETHEUS_PORT). */
export const OTEL_PROMETHEUS_EXPORTER_PORT = 9464;
/** The default metrics path: the OpenTelemetry Prometheus exporter's. */
export const OTEL_PROMETHEUS_EXPORTER_PATH = '/metrics';
/** The name of the container port the metrics are served on (when not the `http` port). */
export const METRICS_PORT_NAME = 'metrics';

const PATH = /^\/[A-Za-z0-9/_.~-]*$/;
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

type P = { field: string; value: unknown; message: string; fix: string };

/** Problems with {@link MonitoringProps} (fields relative to `field`). */
export function monitoringProblems(props: MonitoringProps | undefined, field = 'monitoring'): P[] {
  const out: P[] = [];
  if (!props) return out;
  const port = props.metricsPort;
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) out.push({ field: `${field}.metricsPort`, value: port, message: 'must be a port number from 1 to 65535', fix: `use the port the pods serve metrics on, e.g. ${OTEL_PROMETHEUS_EXPORTER_PORT}` });
  if (props.metricsPath !== undefined && !PATH.test(props.metricsPath)) out.push({ field: `${field}.metricsPath`, value: props.metricsPath, message: 'must be an absolute path of letters, digits and / _ . ~ -', fix: "use e.g. '/metrics'" });
  for (const [key, value] of Object.entries(props.selectorLabels ?? {})) {
    if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) out.push({ field: `${field}.selectorLabels.${key}`, value, message: 'is not a valid Kubernetes label (key: optional DNS prefix and a name of at most 63 characters; value: at most 63 letters, digits, - _ .)', fix: "use the label your Prometheus selects, e.g. { release: 'kube-prometheus-stack' }" });
  }
  if (props.team !== undefined && !(LABEL_VALUE.test(props.team) && props.team.length > 0)) out.push({ field: `${field}.team`, value: props.team, message: 'must be a non-empty label value (at most 63 letters, digits, - _ .)', fix: "use e.g. 'payments'" });
  if (props.runbookUrl !== undefined && !/^https?:\/\/\S+$/.test(props.runbookUrl)) out.push({ field: `${field}.runbookUrl`, value: props.runbookUrl, message: 'must be an http(s) URL', fix: "use e.g. 'https://runbooks.example.com/gateway'" });
  if (props.sloPeriod !== undefined && !(isWholeSeconds(props.sloPeriod, 1) && exactSeconds(props.sloPeriod) % 86400 === 0 && exactSeconds(props.sloPeriod) >= 3 * 86400)) {
    out.push({ field: `${field}.sloPeriod`, value: promDuration(props.sloPeriod), message: 'must be a whole number of days, at least 3 (the longest alert window)', fix: 'use e.g. Duration.days(30) or Duration.days(28)' });
  }
  return out;
}

/**
 * The scrape target of a workload, or undefined when it is not scraped: `monitoring.scrape`, else `byDefault`.
 * `httpPort` is the workload's own `http` container port (if any): metrics served on it are scraped there.
 */
export function resolveScrape(props: MonitoringProps | undefined, byDefault: boolean, httpPort: number | undefined, interval: Duration): ResolvedScrape | undefined {
  if (!(props?.scrape ?? byDefault)) return undefined;
  const containerPort = props?.metricsPort ?? OTEL_PROMETHEUS_EXPORTER_PORT;
  const shared = httpPort !== undefined && containerPort === httpPort;
  return { containerPort, portName: shared ? 'http' : METRICS_PORT_NAME, declarePort: !shared, path: props?.metricsPath ?? OTEL_PROMETHEUS_EXPORTER_PATH, interval };
}

/** What {@link emitPodMonitor} needs. */
export interface PodMonitorInput {
  readonly name: string;
  readonly namespace: string;
  /** Labels of the PodMonitor object (the workload's labels and the Prometheus's selector labels). */
  readonly labels: Record<string, string>;
  /** The workload's pod selector: every pod of the workload, stable and canary, carries these labels, and no other pod. */
  readonly podSelector: Record<string, string>;
  readonly scrape: ResolvedScrape;
}

/**
 * A prometheus-operator PodMonitor selecting exactly the workload's pods, in its namespace, by its selector labels.
 * A Rollout's stable and canary pods carry them both (Argo Rollouts only adds `rollouts-pod-template-hash`), so the
 * canary's series exist from its first scrape, with the `namespace` and `pod` labels the analysis queries select on.
 * A PodMonitor, not a ServiceMonitor: pods are scraped whether or not a Service currently selects them (a blue-green's
 * preview stack, a canary between steps). In the APP_SUPPORT wave, before the workload, like the AnalysisTemplate.
 */
export function emitPodMonitor(scope: Construct, input: PodMonitorInput): ApiObject {
  const spec = {
    selector: { matchLabels: input.podSelector },
    namespaceSelector: { matchNames: [input.namespace] },
    podMetricsEndpoints: [{ port: input.scrape.portName, path: input.scrape.path, interval: promDuration(input.scrape.interval) }],
  } satisfies Wire<PodMonitorSpec>;
  return new ApiObject(scope, 'pod-monitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels, annotations: syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }) },
    spec,
  });
}
