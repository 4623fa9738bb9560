import { CanaryPlan } from '../delivery-plan.js';
import { addGate, addPausedNode, addStart, FlowContext, FLOW_NODES, gateLines, stepId } from './analysis-gate.js';
import { Flowchart } from './flowchart.js';

/**
 * A canary's delivery flow, like the seed's diagram: each traffic weight, each analysis gate with its
 * `fail` edge to the abort node (automatic rollback to 100% stable) and `pass` edge onwards, pauses,
 * and the promotion to 100%. Background analysis and the progress deadline appear as dotted edges
 * into the abort node; inconclusive analysis leads to the paused node.
 */
export function canaryFlow(manifest: Record<string, any>, plan: CanaryPlan, context: FlowContext): Flowchart {
  const chart = new Flowchart('TB');
  addStart(chart, manifest, context);
  const routed = plan.trafficRouter !== undefined;
  const abortLines = routed
    ? ['abort → 100% stable (automatic rollback)', `canary pods removed after ${plan.abortScaleDownDelaySeconds} s`]
    : ['abort → stable scaled back up (automatic rollback)', 'canary pods scaled down'];
  chart.node(FLOW_NODES.abort, abortLines, 'box', 'abort');
  const usesGates = plan.backgroundAnalysis.length > 0 || plan.steps.some((s) => s.kind === 'analysis' || (s.kind === 'experiment' && s.analyses.length > 0));
  if (usesGates) addPausedNode(chart);

  let previous: string = FLOW_NODES.start;
  let edgeLabel: string | undefined;
  const connect = (id: string) => {
    chart.edge(previous, id, edgeLabel);
    previous = id;
    edgeLabel = undefined;
  };
  plan.steps.forEach((step, i) => {
    const id = stepId(i);
    switch (step.kind) {
      case 'setWeight':
        chart.node(id, [`canary ${step.weight}%`, routed ? `of traffic via ${plan.trafficRouter}` : 'of pods (basic canary, no traffic router)'], 'box', 'canary');
        connect(id);
        break;
      case 'pause':
        chart.node(id, step.duration === undefined ? ['pause until promoted', 'kubectl argo rollouts promote'] : [`pause ${step.duration}`], 'rounded', 'paused');
        connect(id);
        break;
      case 'analysis':
        addGate(chart, id, gateLines('analysis', step.templates, context));
        connect(id);
        edgeLabel = 'pass';
        break;
      case 'experiment':
        chart.node(id, [`experiment: ${step.templates.join(', ')}`, ...(step.analyses.length > 0 ? [`analysis: ${step.analyses.join(', ')}`] : [])], 'box', 'analysis');
        connect(id);
        if (step.analyses.length > 0) chart.edge(id, FLOW_NODES.abort, 'fail');
        break;
      default:
        chart.node(id, [step.action], 'box');
        connect(id);
    }
  });
  chart.node(FLOW_NODES.done, ['promote 100% → new version is stable'], 'box', 'stable');
  connect(FLOW_NODES.done);

  if (plan.backgroundAnalysis.length > 0) {
    addGate(chart, 'background', gateLines('background analysis', plan.backgroundAnalysis, context));
    chart.edge(FLOW_NODES.start, 'background', 'runs during the whole update', 'dotted');
  }
  if (plan.progressDeadlineAbort) chart.edge(FLOW_NODES.start, FLOW_NODES.abort, `no progress for ${plan.progressDeadlineSeconds} s`, 'dotted');
  return chart;
}
