import { beforeAll, describe, expect, it } from 'vitest';
import { ANALYSIS_PARAMETERS_ANNOTATION } from '../../lib/analysis/analysis-parameters.js';
import { SLO_ANNOTATION, SloDeclaration } from '../../lib/observability/slo-rules.js';
import { DistObject, distEnvironments, distObjects, selects, simulatedPods, STABLE_HASH, CANARY_HASH, POD_SUFFIX } from './dist.js';

// Over the committed dist/ (the reference platforms): every PodMonitor selects the pods of its workload, stable and
// canary, and no other pod of the environment; every analysed workload is scraped; every SLO has its rules.

const byEnv = new Map<string, DistObject[]>();
beforeAll(async () => {
  for (const env of distEnvironments()) byEnv.set(env, await distObjects(env));
});

const kindOf = (objects: readonly DistObject[], kind: string) => objects.filter((o) => o.object.kind === kind);
const wave = (o: DistObject) => o.object.metadata.annotations?.['argocd.argoproj.io/sync-wave'];

/** The workloads whose Rollout runs an SLO analysis (an AnalysisTemplate with the analysis-parameters annotation). */
function analysedWorkloads(objects: readonly DistObject[]): DistObject[] {
  const sloTemplates = new Set(kindOf(objects, 'AnalysisTemplate').filter((t) => t.object.metadata.annotations?.[ANALYSIS_PARAMETERS_ANNOTATION]).map((t) => t.object.metadata.name));
  return kindOf(objects, 'Rollout').filter((r) => JSON.stringify(r.object.spec.strategy).match(/"templateName":"([^"]+)"/g)?.some((m) => sloTemplates.has(m.split('"')[3]!)));
}

describe('scrape targets in dist/', () => {
  it('the reference platforms have analysed workloads in prod, and every one of them is scraped by a PodMonitor in its own unit', () => {
    for (const env of ['bitvault/prod', 'homelab/prod']) {
      const objects = byEnv.get(env)!;
      const analysed = analysedWorkloads(objects);
      expect(analysed.length, env).toBeGreaterThan(0);
      for (const rollout of analysed) {
        const monitors = kindOf(objects, 'PodMonitor').filter((m) => m.object.metadata.name === rollout.object.metadata.name);
        expect(monitors.map((m) => m.unit), `${env} ${rollout.object.metadata.name}`).toEqual([rollout.unit]);
      }
    }
  });

  it('every PodMonitor selects its workload pods, stable and canary, and no other pod of the environment', () => {
    let checked = 0;
    for (const [env, objects] of byEnv) {
      const pods = simulatedPods(objects);
      for (const m of kindOf(objects, 'PodMonitor')) {
        const spec = m.object.spec;
        const ns = m.object.metadata.namespace;
        expect(spec.namespaceSelector, `${env} ${m.object.metadata.name}`).toEqual({ matchNames: [ns] });
        const selected = pods.filter((p) => p.namespace === ns && selects(spec.selector, p.labels));
        const workloads = new Set(selected.map((p) => p.owner));
        // Exactly one workload: the one of the monitor's unit (its Rollout or Deployment in this environment).
        expect([...workloads], `${env} PodMonitor/${m.object.metadata.name}`).toHaveLength(1);
        const owner = [...workloads][0]!;
        const workload = objects.find((o) => `${o.object.kind}/${o.object.metadata.name}` === owner)!;
        expect(workload.unit).toBe(m.unit);
        // Stable and canary pods of a Rollout alike.
        const expected = workload.object.kind === 'Rollout' ? 2 : 1;
        expect(selected, owner).toHaveLength(expected);
        // The port it scrapes is a named port of the workload's container.
        const ports = workload.object.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => p.name));
        expect(ports, owner).toContain(spec.podMetricsEndpoints[0].port);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it('the selector check is not vacuous: a selector by part-of alone selects the other workloads too', () => {
    const objects = byEnv.get('bitvault/prod')!;
    const monitor = kindOf(objects, 'PodMonitor')[0]!.object;
    const loose = { matchLabels: { 'app.kubernetes.io/part-of': monitor.spec.selector.matchLabels['app.kubernetes.io/part-of'] } };
    expect(new Set(simulatedPods(objects).filter((p) => selects(loose, p.labels)).map((p) => p.owner)).size).toBeGreaterThan(1);
  });

  it('a monitor is in its workload unit, in the wave of the objects the workload needs first, and scrapes at the interval the analysis counts at', () => {
    for (const [env, objects] of byEnv) {
      for (const m of kindOf(objects, 'PodMonitor')) {
        const template = kindOf(objects, 'AnalysisTemplate').find((t) => t.unit === m.unit && t.object.metadata.annotations?.[ANALYSIS_PARAMETERS_ANNOTATION]);
        // With the workload's Services and AnalysisTemplate (wave 10 under Argo CD; Flux orders units, not objects).
        const service = kindOf(objects, 'Service').find((s) => s.unit === m.unit)!;
        expect(wave(m), `${env} ${m.object.metadata.name}`).toBe(wave(service));
        expect(wave(m)).toBe(env.startsWith('homelab/') ? undefined : '10');
        if (!template) continue;
        expect(wave(m)).toBe(wave(template));
        const params = JSON.parse(template.object.metadata.annotations[ANALYSIS_PARAMETERS_ANNOTATION]);
        expect(m.object.spec.podMetricsEndpoints[0].interval).toBe(`${params.scrapeIntervalSeconds}s`);
      }
    }
  });
});

describe('SLO rules in dist/', () => {
  it('every analysed workload of prod has a PrometheusRule in its unit with page and ticket alerts for both SLOs; staging tickets only; dev no alerts', () => {
    const alertSeverities = (rule: DistObject, slo: string) =>
      rule.object.spec.groups.flatMap((g: any) => g.rules).filter((r: any) => r.alert && r.labels.slo === slo).map((r: any) => `${r.labels.severity} ${r.labels.long_window}/${r.labels.short_window}`);
    for (const env of ['bitvault/prod', 'homelab/prod']) {
      const objects = byEnv.get(env)!;
      for (const rollout of analysedWorkloads(objects)) {
        const rules = kindOf(objects, 'PrometheusRule').filter((r) => r.unit === rollout.unit);
        expect(rules, `${env} ${rollout.unit}`).toHaveLength(1);
        for (const slo of ['availability', 'latency']) expect(alertSeverities(rules[0]!, slo)).toEqual(['page 1h/5m', 'page 6h/30m', 'ticket 1d/2h', 'ticket 3d/6h']);
      }
    }
    for (const rule of kindOf(byEnv.get('bitvault/staging')!, 'PrometheusRule')) expect(alertSeverities(rule, 'availability')).toEqual(['ticket 1d/2h', 'ticket 3d/6h']);
    for (const rule of kindOf(byEnv.get('bitvault/dev')!, 'PrometheusRule')) expect(alertSeverities(rule, 'availability')).toEqual([]);
    expect(kindOf(byEnv.get('bitvault/dev')!, 'PrometheusRule').length).toBeGreaterThan(0);
  });

  it("the rules' pod regex matches the names of the workload's pods and of no other pod of the namespace", () => {
    let checked = 0;
    for (const [env, objects] of byEnv) {
      const pods = simulatedPods(objects);
      for (const rule of kindOf(objects, 'PrometheusRule')) {
        const declaration = JSON.parse(rule.object.metadata.annotations[SLO_ANNOTATION]) as SloDeclaration;
        const regex = new RegExp(`^(?:${/pod=~"([^"]+)"/.exec(declaration.objectives[0]!.total)![1]})$`);
        const matched = pods.filter((p) => p.namespace === declaration.namespace && regex.test(p.name));
        expect(new Set(matched.map((p) => p.owner)), `${env} ${declaration.service}`).toEqual(new Set(pods.filter((p) => p.namespace === declaration.namespace && p.labels['app.kubernetes.io/name'] === declaration.service && p.owner !== `Job/${declaration.service}`).map((p) => p.owner)));
        expect(matched.length).toBeGreaterThan(0);
        // Names that share the workload's prefix are not its pods: a Job of the workload's name plus a word, another workload.
        for (const other of [`${declaration.service}-migrate-${POD_SUFFIX}`, `${declaration.service}-admin-${STABLE_HASH}-${POD_SUFFIX}`, `${declaration.service}-${CANARY_HASH}`]) expect(regex.test(other), other).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});
