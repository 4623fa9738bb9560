import { RecreatePlan, RollingPlan } from '../delivery-plan.js';
import { addStart, FlowContext, FLOW_NODES } from './analysis-gate.js';
import { Flowchart } from './flowchart.js';

/** Ids of the rolling-update nodes. */
export const ROLLING_NODES = {
  surge: 'surge',
  ready: 'ready',
  retire: 'retire',
  more: 'more',
  stalled: 'stalled',
  stop: 'stop',
  up: 'up',
  wait: 'wait',
} as const;

/**
 * A rolling update's flow: new pods up to maxSurge, readiness, old pods retired within maxUnavailable,
 * repeated until every pod is replaced. A Deployment has no automatic rollback: past the progress
 * deadline it only reports ProgressDeadlineExceeded and the old pods keep serving.
 */
export function rollingFlow(manifest: Record<string, any>, plan: RollingPlan, context: FlowContext): Flowchart {
  const n = ROLLING_NODES;
  const chart = new Flowchart('TB');
  addStart(chart, manifest, context);
  const surge = String(plan.maxSurge) === '0' ? 'no extra pods (maxSurge 0)' : `up to ${plan.maxSurge} extra (maxSurge)`;
  chart.node(n.surge, ['start new pods', surge, ...(plan.note ? [plan.note] : [])], 'box', 'canary');
  const containers: Record<string, any>[] = manifest.spec?.template?.spec?.containers ?? [];
  const probed = containers.length > 0 && containers.every((c) => c.readinessProbe);
  const minReady = manifest.spec?.minReadySeconds ? `, then ${manifest.spec.minReadySeconds} s (minReadySeconds)` : '';
  chart.node(n.ready, ['new pods Ready?', `${probed ? 'readiness probe' : 'no readiness probe: Ready once started'}${minReady}`], 'decision', 'analysis');
  const capacity = String(plan.maxUnavailable) === '0' ? 'capacity never drops (maxUnavailable 0)' : `at most ${plan.maxUnavailable} unavailable (maxUnavailable)`;
  chart.node(n.retire, ['stop old pods', capacity], 'box', 'canary');
  chart.node(n.more, ['every pod replaced?'], 'decision');
  chart.node(FLOW_NODES.done, ['rollout complete: every pod runs the new version'], 'box', 'stable');
  chart.edge(FLOW_NODES.start, n.surge);
  chart.edge(n.surge, n.ready);
  chart.edge(n.ready, n.retire, 'yes');
  chart.edge(n.retire, n.more);
  chart.edge(n.more, n.surge, 'no');
  chart.edge(n.more, FLOW_NODES.done, 'yes');
  if (plan.progressDeadlineSeconds !== undefined) {
    chart.node(n.stalled, ['ProgressDeadlineExceeded: the update stops, old pods keep serving', 'no automatic rollback: revert the commit'], 'box', 'abort');
    chart.edge(n.ready, n.stalled, `not Ready within ${plan.progressDeadlineSeconds} s`, 'dotted');
  }
  return chart;
}

/** Recreate (every old pod stopped first: downtime) or OnDelete (nothing happens until pods are deleted). */
export function recreateFlow(manifest: Record<string, any>, plan: RecreatePlan, context: FlowContext): Flowchart {
  const n = ROLLING_NODES;
  const chart = new Flowchart('TB');
  addStart(chart, manifest, context);
  if (plan.kind === 'onDelete') {
    chart.node(n.wait, ['nothing happens until a pod is deleted', 'each deleted pod comes back with the new version'], 'rounded', 'paused');
    chart.edge(FLOW_NODES.start, n.wait);
    return chart;
  }
  chart.node(n.stop, ['stop every old pod', 'downtime until the new pods are Ready'], 'box', 'abort');
  chart.node(n.up, ['start new pods'], 'box', 'canary');
  chart.node(FLOW_NODES.done, ['rollout complete'], 'box', 'stable');
  chart.edge(FLOW_NODES.start, n.stop);
  chart.edge(n.stop, n.up);
  chart.edge(n.up, FLOW_NODES.done);
  return chart;
}
