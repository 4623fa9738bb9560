import { Flowchart, nodeId } from './flowchart.js';

/** What a delivery-flow diagram needs from the rest of the environment. */
export interface FlowContext {
  /** AnalysisTemplates (and ClusterAnalysisTemplates) by name. */
  readonly templates: ReadonlyMap<string, Record<string, any>>;
  /** Who applies the new revision: `Argo CD`, `Flux`, or undefined (no GitOps target). */
  readonly syncedBy?: string;
}

/** Ids of the nodes every flow shares. */
export const FLOW_NODES = {
  start: 'start',
  abort: 'abort',
  paused: 'paused',
  done: 'done',
} as const;

const MAX_METRICS_PER_LINE = 3;

/** One line describing how a metric measures: `5 × 1m, failureLimit 1`, or `once after 5m, failureLimit 0`. */
function measurement(metric: Record<string, any>): string {
  const count = metric.count ?? 1;
  const how = metric.interval ? `${count} × ${metric.interval}` : count === 1 ? `once${metric.initialDelay ? ` after ${metric.initialDelay}` : ''}` : String(count);
  return `${how}, failureLimit ${metric.failureLimit ?? 0}`;
}

/**
 * The label of an analysis gate: the templates, then the metric names (a few per line) grouped by how they
 * measure, each group followed by its measurement (e.g. the SLI metrics every minute, then their verdicts once
 * at the step's end).
 */
export function gateLines(title: string, templateNames: readonly string[], context: FlowContext): string[] {
  const metrics = templateNames.flatMap((t) => (context.templates.get(t)?.spec?.metrics ?? []) as Record<string, any>[]);
  const lines = [`${title}: ${templateNames.join(', ') || 'no template'}`];
  if (metrics.length === 0) return templateNames.length > 0 ? [...lines, '(template not in this environment)'] : lines;
  const groups = new Map<string, string[]>();
  for (const m of metrics) {
    const way = measurement(m);
    groups.set(way, [...(groups.get(way) ?? []), String(m.name)]);
  }
  for (const [way, names] of groups) {
    for (let i = 0; i < names.length; i += MAX_METRICS_PER_LINE) lines.push(names.slice(i, i + MAX_METRICS_PER_LINE).join(' · '));
    lines.push(names.length > 1 || groups.size === 1 ? `each ${way}` : way);
  }
  return lines;
}

/**
 * Adds an analysis gate: a decision node with a `fail` edge to the abort node and an `inconclusive`
 * edge to the paused node (an inconclusive run pauses the rollout until a human promotes or aborts).
 * Returns the gate's id; the caller draws the `pass` edge.
 */
export function addGate(chart: Flowchart, id: string, lines: readonly string[], abortId: string = FLOW_NODES.abort): string {
  chart.node(id, lines, 'decision', 'analysis');
  chart.edge(id, abortId, 'fail');
  chart.edge(id, FLOW_NODES.paused, 'inconclusive', 'dotted');
  return id;
}

/** The paused node that inconclusive gates lead to. */
export function addPausedNode(chart: Flowchart): void {
  chart.node(FLOW_NODES.paused, ['paused: inconclusive result', 'a human promotes or aborts'], 'rounded', 'paused');
}

/** The first node of every flow: the new revision arriving. */
export function addStart(chart: Flowchart, manifest: Record<string, any>, context: FlowContext): void {
  const images = (manifest.spec?.template?.spec?.containers ?? []).map((c: any) => String(c.image));
  const shown = images.map((i: string) => i.replace(/@(sha256:[0-9a-f]{12})[0-9a-f]*/, '@$1'));
  chart.node(FLOW_NODES.start, [`new revision synced${context.syncedBy ? ` by ${context.syncedBy}` : ''}`, ...shown], 'stadium', 'analysis');
}

/** A step node id. */
export const stepId = (i: number): string => nodeId('step', i + 1);
