import { describe, expect, it } from 'vitest';
import { formatPower } from '../../../lib/analysis/simulate/report.js';
import { sloScenarios } from '../../../lib/analysis/simulate/scenarios.js';
import { type ScenarioResult, simulate, type SimulationResult } from '../../../lib/analysis/simulate/simulate.js';
import { subjectsOf } from '../../../lib/analysis/simulate/subjects.js';
import { loadManifests } from '../../../lib/validation/validate-manifests.js';

// The acceptance of issues 10 and 19, on a real Prometheus (Debian's prometheus 2.42 + promtool,
// installed by .ci/run): every AnalysisTemplate of the reference platforms' prod environments, 100
// seeded trials per scenario and per power rung, the emitted queries run by Prometheus at the
// AnalysisRun controller's measurement times, the conditions and the AnalysisRun loop applied as Argo
// Rollouts v1.9.1 does. Figures and time: README "Proving the verdicts".
const TRIALS = 100;

let sim: SimulationResult;
const cell = (template: string, scenario: string): ScenarioResult => {
  const r = sim.results.find((x) => x.template === template && x.scenario === scenario);
  if (!r) throw new Error(`no result for ${template}/${scenario}`);
  return r;
};
const share = (r: ScenarioResult, ...verdicts: (keyof ScenarioResult['counts'])[]) => verdicts.reduce((a, v) => a + r.counts[v], 0) / r.trials;
const SLO_TEMPLATES = ['bitvaultd-slo', 'gateway-slo', 'inference-slo'];

describe('canary analysis verdicts of the reference platforms, against a real Prometheus', () => {
  it('simulates every template of bitvault/prod and homelab/prod', async () => {
    const objects = [];
    for (const dir of ['dist/bitvault/prod', 'dist/homelab/prod']) objects.push(...(await loadManifests(dir)).manifests.map((m) => m.object));
    sim = await simulate(subjectsOf(objects), { trials: TRIALS, seed: 1 });
    // The figures of this run (README "Proving the verdicts"), in the test log.
    process.stdout.write(`${formatPower(sim.power)}\n${sim.seconds.toFixed(1)} s\n`);
    expect(sim.skipped).toEqual([]);
    expect(new Set(sim.results.map((r) => r.template))).toEqual(new Set([...SLO_TEMPLATES, 'bitvault-web-smoke-test', 'companions-smoke-test']));
    for (const r of sim.results) expect(r.trials).toBe(TRIALS);
    expect(sim.power.map((p) => p.template).sort()).toEqual(SLO_TEMPLATES);
  }, 20 * 60_000);

  describe.each(SLO_TEMPLATES)('%s', (template) => {
    it('promotes a healthy canary in ≥ 99 % of trials', () => {
      expect(share(cell(template, 'healthy'), 'Successful')).toBeGreaterThanOrEqual(0.99);
    });
    it('aborts a canary at 5 % 5xx in every trial, within the first analysis step', () => {
      const r = cell(template, 'errors-5pct');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
    });
    it('aborts a canary at 100 % 5xx within the first analysis step (the success-rate metric decides)', () => {
      const r = cell(template, 'errors-100pct');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
      expect(r.why).toMatch(/^step 1 · success-rate · failed/);
    });
    it('aborts a canary whose p99 is 3 × the objective (the latency metric decides)', () => {
      const r = cell(template, 'latency-3x');
      expect(r.counts.Failed).toBe(r.trials);
      expect(r.why).toContain('latency-p99');
    });
    it('never promotes a canary without traffic, nor one that only answers the probes', () => {
      for (const scenario of ['no-traffic', 'probe-only']) expect(cell(template, scenario).counts.Successful, scenario).toBe(0);
    });
    it('never aborts a healthy canary while the stable errors (10 % or 100 % 5xx)', () => {
      for (const scenario of ['stable-erroring', 'stable-broken']) expect(share(cell(template, scenario), 'Failed', 'Error'), scenario).toBe(0);
    });
    it('aborts at most 1 % of canaries whose error rate oscillates around the objective', () => {
      expect(share(cell(template, 'errors-at-objective'), 'Failed', 'Error')).toBeLessThanOrEqual(0.01);
    });

    // ---- issue 19 ----
    it('aborts a crash-looping canary at 10 × the budget in ≥ 99 % of trials, and one restarting every few minutes with a healthy success rate', () => {
      expect(share(cell(template, 'crash-loop'), 'Failed')).toBeGreaterThanOrEqual(0.99);
      const restarting = cell(template, 'restarting-healthy');
      expect(share(restarting, 'Failed')).toBeGreaterThanOrEqual(0.99);
      expect(restarting.why).toContain('restarts');
    });
    it('counts a canary\'s requests across a counter reset: 5 % 5xx with one restart aborts in the first step', () => {
      const r = cell(template, 'counter-reset');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
    });
    it('promotes a healthy canary at 5 req/s in ≥ 95 % (and at 10 req/s), never aborts one at 1 req/s', () => {
      expect(share(cell(template, 'healthy-5rps'), 'Successful')).toBeGreaterThanOrEqual(0.95);
      expect(share(cell(template, 'healthy-10rps'), 'Successful')).toBeGreaterThanOrEqual(0.95);
      for (const scenario of ['healthy-1rps', 'healthy-5rps', 'healthy-10rps']) expect(share(cell(template, scenario), 'Failed', 'Error'), scenario).toBe(0);
    });
    it('aborts a canary answering 100 % 5xx at 1 req/s within the first analysis step', () => {
      const r = cell(template, 'errors-100pct-1rps');
      expect([r.counts.Failed, r.abortedInFirstStep]).toEqual([r.trials, r.trials]);
    });
    it('promotes a healthy canary at 2,000 req/s in ≥ 99 % of trials', () => {
      expect(share(cell(template, 'healthy-2000rps'), 'Successful')).toBeGreaterThanOrEqual(0.99);
    });
    it('neither promotes nor aborts when stable and canary are both bad: a human decides', () => {
      const r = cell(template, 'both-bad');
      expect([r.counts.Successful, r.counts.Failed + r.counts.Error]).toEqual([0, 0]);
    });
    it('aborts (Error) when Prometheus is unreachable, as Argo Rollouts v1.9.1 does after consecutiveErrorLimit', () => {
      expect(cell(template, 'prometheus-unreachable').counts.Error).toBe(TRIALS);
    });
    it('promotes a healthy canary through scrape gaps and a 4xx storm', () => {
      expect(share(cell(template, 'scrape-gaps'), 'Successful')).toBeGreaterThanOrEqual(0.95);
      expect(share(cell(template, 'client-4xx-storm'), 'Successful')).toBeGreaterThanOrEqual(0.99);
    });
    it('aborts one bad pod out of four and one failing route in the first step, and a canary degrading during the analysis', () => {
      for (const scenario of ['one-bad-pod', 'one-route']) expect(cell(template, scenario).abortedInFirstStep, scenario).toBe(TRIALS);
      expect(share(cell(template, 'degrading'), 'Failed')).toBeGreaterThanOrEqual(0.99);
    });
    it('reports its power: the 5xx and p99 regressions it aborts in step 1, none below its abort line', () => {
      const p = sim.power.find((x) => x.template === template)!;
      expect(p.trials).toBe(TRIALS);
      // the smallest rung reported is one from which every rung aborts in step 1 in ≥ 95 % (or none: "> 20 ×")
      for (const [multiple, ladder] of [[p.errorMultiple, p.errorLadder], [p.latencyMultiple, p.latencyLadder]] as const) {
        const from = multiple === undefined ? ladder.length : ladder.findIndex((r) => r.multiple === multiple);
        for (const r of ladder.slice(from)) expect(r.abortedInFirstStep).toBeGreaterThanOrEqual(0.95);
        if (from > 0) expect(ladder[from - 1]!.abortedInFirstStep).toBeLessThan(0.95);
      }
      // 1.5 × the budget is at or below every abort line: aborted at most as often as the confidence allows
      expect(p.errorLadder[0]!.abortedInFirstStep).toBeLessThanOrEqual(0.05);
      expect(p.lowTraffic.map((t) => t.scenario)).toEqual(['healthy-1rps', 'errors-100pct-1rps', 'healthy-5rps', 'errors-5pct-5rps', 'healthy-10rps']);
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

  it('never promotes a bad canary in any scenario of the suite', () => {
    const bad = new Set(sloScenarios({ errorBudget: 0.001, latencyP99: 0.25 }).filter((s) => s.bad).map((s) => s.id));
    expect(bad.size).toBeGreaterThanOrEqual(14);
    expect(sim.results.filter((r) => bad.has(r.scenario) && r.counts.Successful > 0).map((r) => `${r.template}/${r.scenario}: ${r.counts.Successful} promoted`)).toEqual([]);
  });

  it('meets every scenario acceptance', () => {
    expect(sim.results.filter((r) => !r.accepted).map((r) => `${r.template}/${r.scenario}`)).toEqual([]);
  });

  it('promotes only on the step verdicts: every promoted trial ends each analysis step on passing verdict measurements', () => {
    for (const r of sim.results.filter((x) => x.kind === 'prometheus' && x.counts.Successful > 0)) {
      for (const step of r.example.steps) {
        if (r.example.verdict !== 'Successful') break;
        const verdicts = step.outcome.measurements.filter((m) => m.metric.endsWith('-verdict'));
        expect(verdicts.map((m) => m.metric).sort(), `${r.template}/${r.scenario}`).toEqual(['latency-p99-verdict', 'success-rate-verdict']);
        expect(verdicts.every((m) => m.phase === 'Successful'), `${r.template}/${r.scenario}`).toBe(true);
      }
    }
  });
});
