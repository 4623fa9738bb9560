import { describe, expect, it } from 'vitest';
import { deliveryPlanOf } from '../../../lib/review/delivery-plan.js';
import { Flowchart } from '../../../lib/review/diagrams/flowchart.js';
import { deliveryFlow } from '../../../lib/review/diagrams/rollout-plan.js';
import { parseFlowchart, ParsedFlowchart } from '../mermaid.js';

const edges = (chart: ParsedFlowchart) => chart.edges.map((e) => [e.from, e.to, e.label, e.stroke]);
const template = (name: string, metrics: string[]) => ({ kind: 'AnalysisTemplate', metadata: { name }, spec: { metrics: metrics.map((m) => ({ name: m, count: 3, interval: '30s', failureLimit: 0 })) } });
const context = { templates: new Map([['bg', template('bg', ['errors'])], ['compare', template('compare', ['mann-whitney'])], ['smoke', template('smoke', ['smoke'])]]), syncedBy: 'Argo CD' };
const pod = { spec: { containers: [{ name: 'app', image: 'registry.example/app:2.0' }] } };

async function flow(manifest: Record<string, any>): Promise<ParsedFlowchart> {
  return parseFlowchart(deliveryFlow(manifest, deliveryPlanOf(manifest)!, context).render());
}

describe('delivery flows of hand-written workloads', () => {
  it('GIVEN a basic canary with pauses, an experiment, an unknown step and background analysis THEN every step in order', async () => {
    // GIVEN
    const rollout = {
      kind: 'Rollout',
      metadata: { name: 'app' },
      spec: {
        template: pod,
        strategy: {
          canary: {
            analysis: { templates: [{ templateName: 'bg' }] },
            steps: [
              { setWeight: 20 },
              { pause: { duration: '5m' } },
              { setCanaryScale: { replicas: 2 } },
              { experiment: { templates: [{ name: 'baseline', specRef: 'stable' }], analyses: [{ name: 'compare', templateName: 'compare' }] } },
              { setWeight: 50 },
              { pause: {} },
            ],
          },
        },
      },
    };
    // WHEN
    const chart = await flow(rollout);
    // THEN
    expect([...chart.nodes.entries()].map(([id, n]) => [id, n.text])).toEqual([
      ['start', 'new revision synced by Argo CD\nregistry.example/app:2.0'],
      ['abort', 'abort → stable scaled back up (automatic rollback)\ncanary pods scaled down'],
      ['paused', 'paused: inconclusive result\na human promotes or aborts'],
      ['step_1', 'canary 20%\nof pods (basic canary, no traffic router)'],
      ['step_2', 'pause 5m'],
      ['step_3', 'setCanaryScale'],
      ['step_4', 'experiment: baseline\nanalysis: compare'],
      ['step_5', 'canary 50%\nof pods (basic canary, no traffic router)'],
      ['step_6', 'pause until promoted\nkubectl argo rollouts promote'],
      ['done', 'promote 100% → new version is stable'],
      ['background', 'background analysis: bg\nerrors\neach 3 × 30s, failureLimit 0'],
    ]);
    expect(edges(chart)).toEqual([
      ['start', 'step_1', '', 'normal'],
      ['step_1', 'step_2', '', 'normal'],
      ['step_2', 'step_3', '', 'normal'],
      ['step_3', 'step_4', '', 'normal'],
      ['step_4', 'abort', 'fail', 'normal'],
      ['step_4', 'step_5', '', 'normal'],
      ['step_5', 'step_6', '', 'normal'],
      ['step_6', 'done', '', 'normal'],
      ['background', 'abort', 'fail', 'normal'],
      ['background', 'paused', 'inconclusive', 'dotted'],
      ['start', 'background', 'runs during the whole update', 'dotted'],
    ]);
  });

  it('GIVEN a blue-green with a small preview, manual promotion and post-promotion analysis THEN wait, scale up, flip, then the post gate', async () => {
    // GIVEN
    const rollout = {
      kind: 'Rollout',
      metadata: { name: 'web' },
      spec: {
        template: pod,
        progressDeadlineAbort: true,
        progressDeadlineSeconds: 300,
        strategy: { blueGreen: { activeService: 'web', previewReplicaCount: 1, autoPromotionEnabled: false, abortScaleDownDelaySeconds: 0, postPromotionAnalysis: { templates: [{ templateName: 'smoke' }] } } },
      },
    };
    // WHEN
    const chart = await flow(rollout);
    // THEN
    expect(chart.nodes.get('green')?.text).toBe('green ReplicaSet up: 1 pods (previewReplicaCount)\nno preview Service\nactive Service web stays on blue');
    expect(chart.nodes.get('abort')?.text).toBe('abort: web stays on blue\ngreen kept until the next release');
    expect(chart.nodes.get('rollback')?.text).toBe('abort: web switched back to blue');
    expect(chart.nodes.get('done')?.text).toBe('blue kept 30 s for an instant rollback\nthen scaled down; green is stable');
    expect(edges(chart)).toEqual([
      ['start', 'green', '', 'normal'],
      ['green', 'wait', '', 'normal'],
      ['wait', 'scale_up', '', 'normal'],
      ['scale_up', 'promote', '', 'normal'],
      ['post_promotion', 'rollback', 'fail', 'normal'],
      ['post_promotion', 'paused', 'inconclusive', 'dotted'],
      ['promote', 'post_promotion', '', 'normal'],
      ['post_promotion', 'done', 'pass', 'normal'],
      ['green', 'abort', 'green not ready within 300 s', 'dotted'],
    ]);
  });

  it('GIVEN Recreate, OnDelete and a DaemonSet THEN downtime, a manual wait, and a node-by-node rolling update', async () => {
    // WHEN
    const recreate = await flow({ kind: 'Deployment', metadata: { name: 'single' }, spec: { template: pod, strategy: { type: 'Recreate' } } });
    const onDelete = await flow({ kind: 'StatefulSet', metadata: { name: 'db' }, spec: { template: pod, updateStrategy: { type: 'OnDelete' } } });
    const daemon = await flow({ kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { template: pod } });
    // THEN
    expect(edges(recreate)).toEqual([['start', 'stop', '', 'normal'], ['stop', 'up', '', 'normal'], ['up', 'done', '', 'normal']]);
    expect(recreate.nodes.get('stop')?.text).toBe('stop every old pod\ndowntime until the new pods are Ready');
    expect(edges(onDelete)).toEqual([['start', 'wait', '', 'normal']]);
    expect(daemon.nodes.get('surge')?.text).toBe('start new pods\nno extra pods (maxSurge 0)\nnode by node');
    expect(daemon.nodes.get('ready')?.text).toBe('new pods Ready?\nno readiness probe: Ready once started');
    expect(daemon.nodes.has('stalled')).toBe(false);
  });
});

describe('Flowchart', () => {
  it('GIVEN labels with quotes, angle brackets, pipes and hashes THEN mermaid parses them and reads them back unchanged', async () => {
    // GIVEN
    const nasty = 'a "quoted" <script>x</script> | #1 & done';
    const chart = new Flowchart('LR').node('n_1', [nasty, 'second line'], 'decision', 'analysis').node('n_2', ['end']).edge('n_1', 'n_2', nasty, 'dotted');
    // WHEN
    const parsed = await parseFlowchart(chart.render());
    // THEN
    expect(parsed.nodes.get('n_1')).toEqual({ text: `${nasty}\nsecond line`, shape: 'diamond', classes: ['analysis'] });
    expect(parsed.edges).toEqual([{ from: 'n_1', to: 'n_2', label: nasty, stroke: 'dotted' }]);
  });
});
