import { BlueGreenPlan } from '../delivery-plan.js';
import { addGate, addPausedNode, addStart, FlowContext, FLOW_NODES, gateLines } from './analysis-gate.js';
import { Flowchart } from './flowchart.js';

/** Ids of the blue-green nodes (tests and readers find them by these). */
export const BLUE_GREEN_NODES = {
  green: 'green',
  prePromotion: 'pre_promotion',
  wait: 'wait',
  scaleUp: 'scale_up',
  promote: 'promote',
  postPromotion: 'post_promotion',
  rollback: 'rollback',
} as const;

/**
 * A blue-green's delivery flow: green comes up behind the preview Service, the pre-promotion analysis
 * (smoke test) gates the flip (`fail` → abort, active stays on blue), an optional wait or manual
 * promotion, the flip of the active Service, the post-promotion analysis (`fail` → the active Service
 * goes back to blue), and blue kept for `scaleDownDelaySeconds` for an instant rollback.
 */
export function blueGreenFlow(manifest: Record<string, any>, plan: BlueGreenPlan, context: FlowContext): Flowchart {
  const n = BLUE_GREEN_NODES;
  const chart = new Flowchart('TB');
  addStart(chart, manifest, context);
  const size = plan.previewReplicaCount !== undefined ? `${plan.previewReplicaCount} pods (previewReplicaCount)` : 'full size';
  chart.node(n.green, [`green ReplicaSet up: ${size}`, plan.previewService ? `reachable via preview Service ${plan.previewService}` : 'no preview Service', `active Service ${plan.activeService} stays on blue`], 'box', 'canary');
  chart.edge(FLOW_NODES.start, n.green);
  const green = plan.abortScaleDownDelaySeconds === 0 ? 'green kept until the next release' : `green scaled down after ${plan.abortScaleDownDelaySeconds} s`;
  chart.node(FLOW_NODES.abort, [`abort: ${plan.activeService} stays on blue`, green], 'box', 'abort');
  if (plan.prePromotionAnalysis.length > 0 || plan.postPromotionAnalysis.length > 0) addPausedNode(chart);

  let previous: string = n.green;
  let edgeLabel: string | undefined;
  const connect = (id: string) => {
    chart.edge(previous, id, edgeLabel);
    previous = id;
    edgeLabel = undefined;
  };
  if (plan.prePromotionAnalysis.length > 0) {
    addGate(chart, n.prePromotion, gateLines('prePromotionAnalysis', plan.prePromotionAnalysis, context));
    connect(n.prePromotion);
    edgeLabel = 'pass';
  }
  if (!plan.autoPromotionEnabled) {
    chart.node(n.wait, ['paused until promoted', 'kubectl argo rollouts promote'], 'rounded', 'paused');
    connect(n.wait);
  } else if (plan.autoPromotionSeconds !== undefined) {
    chart.node(n.wait, [`wait ${plan.autoPromotionSeconds} s (autoPromotionSeconds)`], 'rounded', 'paused');
    connect(n.wait);
  }
  if (plan.previewReplicaCount !== undefined) {
    chart.node(n.scaleUp, ['green scaled to full size'], 'box', 'canary');
    connect(n.scaleUp);
  }
  chart.node(n.promote, [`promote: active Service ${plan.activeService} → green`], 'box', 'stable');
  connect(n.promote);
  if (plan.postPromotionAnalysis.length > 0) {
    chart.node(n.rollback, [`abort: ${plan.activeService} switched back to blue`], 'box', 'abort');
    addGate(chart, n.postPromotion, gateLines('postPromotionAnalysis', plan.postPromotionAnalysis, context), n.rollback);
    connect(n.postPromotion);
    edgeLabel = 'pass';
  }
  chart.node(FLOW_NODES.done, [`blue kept ${plan.scaleDownDelaySeconds} s for an instant rollback`, 'then scaled down; green is stable'], 'box', 'stable');
  connect(FLOW_NODES.done);
  if (plan.progressDeadlineAbort) chart.edge(n.green, FLOW_NODES.abort, `green not ready within ${plan.progressDeadlineSeconds} s`, 'dotted');
  return chart;
}
