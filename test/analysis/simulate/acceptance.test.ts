import { describe, expect, it } from 'vitest';
import { subjectsOf } from '../../../lib/analysis/simulate/subjects.js';
import { type ScenarioResult, simulate, type SimulationResult } from '../../../lib/analysis/simulate/simulate.js';
import { loadManifests } from '../../../lib/validation/validate-manifests.js';

// The acceptance of issue 10, on a real Prometheus (Debian's prometheus 2.42 + promtool, installed by
// .ci/run): every AnalysisTemplate of the reference platforms' prod environments, 100 seeded trials per
// scenario, the emitted queries run by Prometheus at the AnalysisRun controller's measurement times, the
// conditions and the AnalysisRun loop applied as Argo Rollouts v1.9.1 does.
const TRIALS = 100;

let sim: SimulationResult;
const cell = (template: string, scenario: string): ScenarioResult => {
  const r = sim.results.find((x) => x.template === template && x.scenario === scenario);
  if (!r) throw new Error(`no result for ${template}/${scenario}`);
  return r;
};
const SLO_TEMPLATES = ['bitvaultd-slo', 'gateway-slo', 'inference-slo'];

describe('canary analysis verdicts of the reference platforms, against a real Prometheus', () => {
  it('simulates every template of bitvault/prod and homelab/prod', async () => {
    const objects = [];
    for (const dir of ['dist/bitvault/prod', 'dist/homelab/prod']) objects.push(...(await loadManifests(dir)).manifests.map((m) => m.object));
    sim = await simulate(subjectsOf(objects), { trials: TRIALS, seed: 1 });
    expect(sim.skipped).toEqual([]);
    expect(new Set(sim.results.map((r) => r.template))).toEqual(new Set([...SLO_TEMPLATES, 'bitvault-web-smoke-test', 'companions-smoke-test']));
    for (const r of sim.results) expect(r.trials).toBe(TRIALS);
  }, 15 * 60_000);

  describe.each(SLO_TEMPLATES)('%s', (template) => {
    it('promotes a healthy canary in ≥ 99 % of trials', () => {
      const r = cell(template, 'healthy');
      expect(r.counts.Successful / r.trials).toBeGreaterThanOrEqual(0.99);
    });
    it('aborts a canary at 5 % 5xx in every trial, within the first analysis step', () => {
      const r = cell(template, 'errors-5pct');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
    });
    it('aborts a canary at 100 % 5xx within the first analysis step (the success-rate metric decides)', () => {
      const r = cell(template, 'errors-100pct');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
      expect(r.why).toBe('step 1 · success-rate · failed (2) > failureLimit (1)');
    });
    it('aborts a canary whose p99 is 3 × the objective (the latency metric decides)', () => {
      const r = cell(template, 'latency-3x');
      expect(r.counts.Failed).toBe(r.trials);
      expect(r.why).toContain('latency-p99');
    });
    it('never promotes a canary without traffic, nor one that only answers the probes', () => {
      for (const scenario of ['no-traffic', 'probe-only']) {
        const r = cell(template, scenario);
        expect(r.counts.Successful, scenario).toBe(0);
        expect(r.counts.Inconclusive, scenario).toBe(r.trials);
      }
    });
    it('never aborts a healthy canary while the stable errors', () => {
      const r = cell(template, 'stable-erroring');
      expect(r.counts.Failed + r.counts.Error).toBe(0);
    });
    it('aborts at most 1 % of canaries whose error rate oscillates around the objective', () => {
      const r = cell(template, 'errors-at-objective');
      expect((r.counts.Failed + r.counts.Error) / r.trials).toBeLessThanOrEqual(0.01);
    });
  });

  describe.each(['bitvault-web-smoke-test', 'companions-smoke-test'])('%s (web smoke test)', (template) => {
    it('passes a healthy body and one transient 503, fails a 200 whose body says down, aborts a stack that keeps answering 503', () => {
      expect(cell(template, 'healthy').counts.Successful).toBe(TRIALS);
      expect(cell(template, 'transient-503').counts.Successful).toBe(TRIALS);
      expect(cell(template, 'body-down').counts.Failed).toBe(TRIALS);
      expect(cell(template, 'down-503').counts.Error).toBe(TRIALS);
    });
  });

  it('meets every scenario acceptance', () => {
    expect(sim.results.filter((r) => !r.accepted).map((r) => `${r.template}/${r.scenario}`)).toEqual([]);
  });
});
