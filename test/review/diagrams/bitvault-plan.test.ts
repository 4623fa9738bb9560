import { App } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { bitvault } from '../../../apps/bitvault/bitvault.js';
import { rolloutPlans } from '../../../lib/review/diagrams/rollout-plan.js';
import { planUnits, unitSteps } from '../../../lib/review/diagrams/sync-order.js';
import { locationOf } from '../../../lib/review/manifests.js';
import { synthesize } from '../../../lib/synth/synthesizer.js';
import { mermaidBlocks, parseFlowchart, ParsedFlowchart } from '../mermaid.js';

const objects = synthesize((() => { const app = new App(); bitvault(app); return app; })());
const plans = rolloutPlans(objects);
const prod = plans.find((p) => p.path === 'bitvault/prod/ROLLOUT-PLAN.md')!;
const edges = (chart: ParsedFlowchart) => chart.edges.map((e) => [e.from, e.to, e.label, e.stroke]);
const text = (chart: ParsedFlowchart, id: string) => chart.nodes.get(id)?.text;

/** The section of a workload: its heading, summary line and diagram. */
function section(heading: string): { summary: string; diagram: string } {
  const start = prod.text.indexOf(`### ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const rest = prod.text.slice(start).split('\n');
  return { summary: rest[2], diagram: mermaidBlocks(rest.join('\n'))[0] };
}

describe('rollout plans of bitvault', () => {
  it('GIVEN the three environments THEN one plan each, at the environment root, in the same order every synth', () => {
    // THEN
    expect(plans.map((p) => p.path)).toEqual(['bitvault/dev/ROLLOUT-PLAN.md', 'bitvault/prod/ROLLOUT-PLAN.md', 'bitvault/staging/ROLLOUT-PLAN.md']);
    expect(rolloutPlans(synthesize((() => { const app = new App(); bitvault(app); return app; })()))).toEqual(plans);
  });

  it('GIVEN prod THEN every diagram parses with mermaid and there is one per workload', async () => {
    // WHEN
    const blocks = mermaidBlocks(prod.text);
    // THEN
    expect([...prod.text.matchAll(/^### (.*)$/gm)].map((m) => m[1])).toEqual(['bitvault-web: Rollout bitvault-web', 'bitvaultd: Rollout bitvaultd', 'gateway: Rollout gateway', 'workers: Deployment workers']);
    expect(blocks).toHaveLength(5);
    for (const b of blocks) await expect(parseFlowchart(b)).resolves.toBeDefined();
  });

  it('GIVEN prod THEN the sync order is root → AppProject → platform → data → migration → app, each stage in its Application wave', async () => {
    // WHEN
    const chart = await parseFlowchart(mermaidBlocks(prod.text)[0]);
    // THEN
    const stages = chart.subgraphs.filter((s) => s.id.startsWith('stage_'));
    expect(stages.map((s) => [s.id, s.title, s.members])).toEqual([
      // The controllers' and data services' Helm Applications live in argocd/ (issue 12), not in unit folders:
      // each is shown in the stage whose Applications share its wave.
      ['stage_platform', '1. platform stage · Applications in wave -10', ['chart_bitvault_prod_argo_rollouts', 'chart_bitvault_prod_cloudnative_pg', 'chart_bitvault_prod_keda', 'unit_platform']],
      ['stage_data', '2. data stage · Applications in wave 0', ['chart_bitvault_prod_nats', 'chart_bitvault_prod_opensearch', 'chart_bitvault_prod_redis', 'unit_postgres']],
      ['stage_migration', '3. migration stage · Applications in wave 5', ['unit_bitvaultd_migrations']],
      ['stage_app', '4. app stage · Applications in wave 10', ['unit_bitvault_web', 'unit_bitvaultd', 'unit_gateway', 'unit_workers']],
    ]);
    expect(edges(chart).filter(([from, to]) => !String(from).startsWith('unit_') && !String(to).startsWith('unit_'))).toEqual([
      ['root', 'project', '', 'normal'],
      ['project', 'stage_platform', '', 'normal'],
      ['stage_platform', 'stage_data', 'Healthy', 'normal'],
      ['stage_data', 'stage_migration', 'Healthy', 'normal'],
      ['stage_migration', 'stage_app', 'Healthy', 'normal'],
    ]);
    expect(text(chart, 'project')).toBe('AppProject bitvault-prod · wave -20');
    const nats = objects.find((o) => o.path === 'bitvault/prod/argocd/application-bitvault-prod-nats.yaml')!.manifest;
    expect(text(chart, 'chart_bitvault_prod_nats')).toBe(`Helm chart nats ${nats.spec.source.targetRevision}\nApplication bitvault-prod-nats → ${nats.spec.destination.namespace}`);
  });

  it('GIVEN a chart Application in a wave no unit stage uses THEN it is a group of its own, in wave order between the stages', async () => {
    // GIVEN: the prod objects with the NATS Application moved to wave 3 (after data, before migration)
    const moved = objects.filter((o) => o.path.startsWith('bitvault/prod/')).map((o) => o.path.endsWith('application-bitvault-prod-nats.yaml')
      ? { ...o, manifest: { ...o.manifest, metadata: { ...o.manifest.metadata, annotations: { ...o.manifest.metadata.annotations, 'argocd.argoproj.io/sync-wave': '3' } } } }
      : o);
    // WHEN
    const { syncOrderChart } = await import('../../../lib/review/diagrams/sync-order.js');
    const chart = await parseFlowchart(syncOrderChart(moved).render());
    // THEN
    expect(chart.subgraphs.filter((s) => s.id.startsWith('stage_') || s.id.startsWith('charts_')).map((s) => [s.id, s.title, s.members])).toEqual([
      ['stage_platform', '1. platform stage · Applications in wave -10', ['chart_bitvault_prod_argo_rollouts', 'chart_bitvault_prod_cloudnative_pg', 'chart_bitvault_prod_keda', 'unit_platform']],
      ['stage_data', '2. data stage · Applications in wave 0', ['chart_bitvault_prod_opensearch', 'chart_bitvault_prod_redis', 'unit_postgres']],
      ['charts_3', 'Helm charts · Applications in wave 3', ['chart_bitvault_prod_nats']],
      ['stage_migration', '3. migration stage · Applications in wave 5', ['unit_bitvaultd_migrations']],
      ['stage_app', '4. app stage · Applications in wave 10', ['unit_bitvault_web', 'unit_bitvaultd', 'unit_gateway', 'unit_workers']],
    ]);
    expect(edges(chart).filter(([from, to]) => ['stage_data', 'charts_3'].includes(String(from)) && !String(to).startsWith('unit_'))).toEqual([
      ['stage_data', 'charts_3', 'Healthy', 'normal'],
      ['charts_3', 'stage_migration', 'Healthy', 'normal'],
    ]);
  });

  it('GIVEN prod THEN the migration is a PreSync hook node and every unit chains its waves in the manifests\' order', async () => {
    // GIVEN: the waves and hooks as the manifests say, independently of the diagram code
    const expected = new Map<string, string[]>();
    for (const o of objects.filter((x) => x.path.startsWith('bitvault/prod/') && x.stage !== undefined)) {
      const unit = locationOf(o.path).unit;
      const hook = o.manifest.metadata.annotations['argocd.argoproj.io/hook'];
      const key = `${hook ?? 'Sync'} ${o.manifest.metadata.annotations['argocd.argoproj.io/sync-wave']}`;
      expected.set(unit, [...new Set([...(expected.get(unit) ?? []), key])]);
    }
    // WHEN
    const chart = await parseFlowchart(mermaidBlocks(prod.text)[0]);
    // THEN
    expect(text(chart, 'unit_bitvaultd_migrations_PreSync_0')).toBe('PreSync hook · wave 0\nJob: bitvaultd-migrate');
    expect(chart.nodes.get('unit_bitvaultd_migrations_PreSync_0')?.classes).toEqual(['hook']);
    expect(text(chart, 'unit_gateway_Sync_30')).toBe('wave 30\nHorizontalPodAutoscaler: gateway\nRollout: gateway');
    for (const unit of planUnits(objects.filter((o) => o.path.startsWith('bitvault/prod/')))) {
      const ids = chart.subgraphs.find((s) => s.title === unit.folder)!.members;
      const shown = ids.map((id) => text(chart, id)!.split('\n')[0].replace(/ hook · wave /, ' ').replace(/^wave /, 'Sync '));
      expect(shown.sort(), unit.folder).toEqual([...expected.get(unit.folder)!].sort());
      expect(unitSteps(unit).length).toBe(ids.length);
      const chain = edges(chart).filter(([from]) => ids.includes(String(from)));
      expect(chain, unit.folder).toEqual(ids.slice(1).map((to, i) => [ids[i], to, '', 'normal']));
    }
  });

  it('GIVEN the prod gateway canary THEN 10% → gate → 30% → gate → promote, each gate failing into the abort node', async () => {
    // GIVEN
    const { summary, diagram } = section('gateway: Rollout gateway');
    // WHEN
    const chart = await parseFlowchart(diagram);
    // THEN
    expect(summary).toBe('canary 10% → analysis(gateway-slo) → 30% → analysis(gateway-slo) → 100% via Gateway API plugin · HPA 3–12 replicas · PDB maxUnavailable 1');
    expect(text(chart, 'step_1')).toBe('canary 10%\nof traffic via Gateway API plugin');
    expect(text(chart, 'step_2')).toBe('analysis: gateway-slo\nsuccess-rate · latency-p99 · restarts\ncpu-saturation\neach 5 × 1m, failureLimit 1\nsuccess-rate-verdict · latency-p99-verdict\neach once after 5m, failureLimit 0');
    expect(chart.nodes.get('step_2')?.shape).toBe('diamond');
    expect(text(chart, 'step_3')).toBe('canary 30%\nof traffic via Gateway API plugin');
    expect(text(chart, 'abort')).toBe('abort → 100% stable (automatic rollback)\ncanary pods removed after 30 s');
    expect(text(chart, 'done')).toBe('promote 100% → new version is stable');
    expect(edges(chart)).toEqual([
      ['start', 'step_1', '', 'normal'],
      ['step_2', 'abort', 'fail', 'normal'],
      ['step_2', 'paused', 'inconclusive', 'dotted'],
      ['step_1', 'step_2', '', 'normal'],
      ['step_2', 'step_3', 'pass', 'normal'],
      ['step_4', 'abort', 'fail', 'normal'],
      ['step_4', 'paused', 'inconclusive', 'dotted'],
      ['step_3', 'step_4', '', 'normal'],
      ['step_4', 'done', 'pass', 'normal'],
      ['start', 'abort', 'no progress for 600 s', 'dotted'],
    ]);
  });

  it('GIVEN the prod web frontend THEN green behind the preview Service → smoke test → promote → blue kept 600 s', async () => {
    // GIVEN
    const { summary, diagram } = section('bitvault-web: Rollout bitvault-web');
    // WHEN
    const chart = await parseFlowchart(diagram);
    // THEN
    expect(summary).toBe('blue-green (preview bitvault-web-preview, auto-promotion, blue kept 600 s) · HPA 2–8 replicas · PDB maxUnavailable 1');
    expect(text(chart, 'green')).toBe('green ReplicaSet up: full size\nreachable via preview Service bitvault-web-preview\nactive Service bitvault-web stays on blue');
    expect(text(chart, 'pre_promotion')).toBe('prePromotionAnalysis: bitvault-web-smoke-test\nsmoke-test\neach 3 × 10s, failureLimit 0');
    expect(text(chart, 'promote')).toBe('promote: active Service bitvault-web → green');
    expect(text(chart, 'done')).toBe('blue kept 600 s for an instant rollback\nthen scaled down; green is stable');
    expect(edges(chart)).toEqual([
      ['start', 'green', '', 'normal'],
      ['pre_promotion', 'abort', 'fail', 'normal'],
      ['pre_promotion', 'paused', 'inconclusive', 'dotted'],
      ['green', 'pre_promotion', '', 'normal'],
      ['pre_promotion', 'promote', 'pass', 'normal'],
      ['promote', 'done', '', 'normal'],
      ['green', 'abort', 'green not ready within 600 s', 'dotted'],
    ]);
  });

  it('GIVEN the workers THEN a rolling loop with maxSurge 25% and maxUnavailable 0, stalling without rollback', async () => {
    // GIVEN
    const { summary, diagram } = section('workers: Deployment workers');
    // WHEN
    const chart = await parseFlowchart(diagram);
    // THEN
    expect(summary).toBe('rolling (maxSurge 25%, maxUnavailable 0) · KEDA 2–10 replicas (nats-jetstream) · PDB maxUnavailable 1');
    expect(text(chart, 'surge')).toBe('start new pods\nup to 25% extra (maxSurge)');
    expect(text(chart, 'retire')).toBe('stop old pods\ncapacity never drops (maxUnavailable 0)');
    expect(edges(chart)).toEqual([
      ['start', 'surge', '', 'normal'],
      ['surge', 'ready', '', 'normal'],
      ['ready', 'retire', 'yes', 'normal'],
      ['retire', 'more', '', 'normal'],
      ['more', 'surge', 'no', 'normal'],
      ['more', 'done', 'yes', 'normal'],
      ['ready', 'stalled', 'not Ready within 600 s', 'dotted'],
    ]);
  });
});
