import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalPrometheus } from '../../lib/analysis/simulate/prometheus.js';
import { seededRandom, sloScenarios } from '../../lib/analysis/simulate/scenarios.js';
import { CPU_HEADER, HISTOGRAM_HEADER, REQUESTS_HEADER, RESTARTS_HEADER, writePodCpu, writePodHistogram, writePodRequests, writePodRestarts } from '../../lib/analysis/simulate/traffic.js';
import { analysisCommand } from '../../lib/cli/analysis.js';
import { main } from '../../lib/cli/main.js';
import { mermaidBlocks, parseMermaid } from '../review/mermaid.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('cdk8s-delivery analysis (usage)', () => {
  it('names the missing subcommand and rejects bad times', async () => {
    const a = capture();
    expect(await main(['analysis'], a.io)).toBe(2);
    expect(a.err[0]).toContain('missing the subcommand (simulate or replay)');
    const b = capture();
    expect(await main(['analysis', 'replay', 'dist/bitvault/prod', '--prometheus', 'http://127.0.0.1:1', '--from', 'yesterday', '--to', '1'], b.io)).toBe(2);
    expect(b.err[0]).toContain('--from must be an RFC 3339 time');
    const c = capture();
    expect(await main(['analysis', 'simulate', '/nonexistent/env'], c.io)).toBe(2);
    expect(c.err[0]).toContain('/nonexistent/env');
  });
});

describe('cdk8s-delivery analysis simulate', () => {
  it('runs the gateway template through the suite and the power ladder: one row per scenario, the pauses, the power (JSON, text, Markdown)', async () => {
    // GIVEN only the gateway's template and Rollout
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    try {
      for (const f of ['analysistemplate-gateway-slo.yaml', 'rollout-gateway.yaml']) copyFileSync(join('dist/bitvault/prod/gateway', f), join(dir, f));
      const report = join(dir, 'report.md');
      const c = capture();
      // WHEN simulated with a few trials
      const code = await analysisCommand.run(['simulate', dir, '--trials', '5', '--json', '--report', report], c.io);
      // THEN every scenario has its verdicts, and the accepted ones say why
      const result = JSON.parse(c.out.join('\n'));
      expect(result.results.map((r: any) => r.scenario)).toEqual(sloScenarios({ errorBudget: 0.001, latencyP99: 0.25 }).map((s) => s.id));
      expect(result.results.length).toBe(28);
      expect(result.results.find((r: any) => r.scenario === 'errors-100pct')).toMatchObject({ template: 'gateway-slo', counts: { Failed: 5 }, abortedInFirstStep: 5 });
      expect(result.results.find((r: any) => r.scenario === 'probe-only').counts.Successful).toBe(0);
      expect(result.results.find((r: any) => r.scenario === 'prometheus-unreachable').counts.Error).toBe(5);
      // AND the exit code says whether every acceptance held (the acceptance itself, at 100 trials, is
      // test/analysis/simulate/acceptance.test.ts)
      expect(result.ok).toBe(result.results.every((r: any) => r.accepted));
      expect(code).toBe(result.ok ? 0 : 1);
      // AND the power of the template: 9 error rungs and 6 latency rungs at the default 40 req/s, the
      // smallest aborted in step 1 in every one of the 5 trials from there up
      const [power] = result.power;
      expect(power).toMatchObject({ template: 'gateway-slo', rps: 40, rpsFrom: 'default', weight: 10, trials: 5 });
      expect(power.errorLadder.map((r: any) => r.multiple)).toEqual([1.5, 2, 3, 4, 5, 7, 10, 15, 20]);
      const i = power.errorLadder.findIndex((r: any) => r.multiple === power.errorMultiple);
      expect(i).toBeGreaterThan(0);
      for (const r of power.errorLadder.slice(i)) expect(r.abortedInFirstStep).toBeGreaterThanOrEqual(0.95);
      expect(power.errorLadder[i - 1].abortedInFirstStep).toBeLessThan(0.95);
      expect(power.latencyMultiple).toBeGreaterThan(1);
      const low = power.lowTraffic.find((t: any) => t.scenario === 'errors-100pct-1rps');
      expect(low).toMatchObject({ rps: 1, trials: 5, counts: result.results.find((r: any) => r.scenario === 'errors-100pct-1rps').counts });
      // AND the Markdown report has a Mermaid chart per scenario and the power tables
      const md = (await import('node:fs')).readFileSync(report, 'utf8');
      const charts = mermaidBlocks(md);
      expect(charts.length).toBe(28);
      expect(md).toContain('## Power');
      expect(md).toMatch(/\| gateway-slo \| 40 req\/s \(default\) \| 10 % for \d+(\.\d+)? min \| \d+(\.\d+)? × \(/);
      // AND mermaid's own parser reads each as an xychart
      for (const chart of charts.slice(0, 4)) expect(await parseMermaid(chart)).toBe('xychart');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 5 * 60_000);

  it('prints the power at the given --rps, and skips it with --no-power', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-'));
    try {
      for (const f of ['analysistemplate-gateway-slo.yaml', 'rollout-gateway.yaml']) copyFileSync(join('dist/bitvault/prod/gateway', f), join(dir, f));
      const c = capture();
      await analysisCommand.run(['simulate', dir, '--trials', '2', '--rps', '200'], c.io);
      const text = c.out.join('\n');
      expect(text).toContain('power (2 seeded trials per rung');
      expect(text).toMatch(/gateway-slo\s+200 req\/s \(--rps\)/);
      expect(text).toContain('time to a verdict at low traffic');
      const d = capture();
      await analysisCommand.run(['simulate', dir, '--trials', '2', '--no-power', '--json'], d.io);
      expect(JSON.parse(d.out.join('\n')).power).toEqual([]);
      const e = capture();
      expect(await main(['analysis', 'simulate', dir, '--rps', 'lots'], e.io)).toBe(2);
      expect(e.err[0]).toContain('--rps must be a number of requests per second above 0, got "lots"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 5 * 60_000);
});

describe('cdk8s-delivery analysis replay', () => {
  // GIVEN 8 hours of gateway history in a real Prometheus: healthy stable pods at 40 req/s, except one
  // hour (hours 5–6) at 5 % 5xx.
  const start = Math.floor(Date.now() / 1000 / 3600) * 3600 - 24 * 3600;
  const hours = 8;
  let prometheus: LocalPrometheus;
  beforeAll(async () => {
    prometheus = await LocalPrometheus.start({
      openMetrics: (write) => {
        write(HISTOGRAM_HEADER);
        const random = seededRandom(42);
        const pods = ['gateway-5f6b8d9c7-x2k4p', 'gateway-5f6b8d9c7-q8m3z'];
        for (const pod of pods) {
          writePodHistogram({
            namespace: 'bitvault-prod', pod, from: start, to: start + hours * 3600, origin: start, route: '/api', probes: [{ path: '/readyz', periodSeconds: 5 }],
            rps: () => 20,
            behaviour: { traffic: 1, errorRate: (t) => (t >= 5 * 3600 && t < 6 * 3600 ? 0.05 : 0.0002), p99: () => 0.1 },
          }, [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10], random, write);
        }
        // The gateway's template also checks CPU saturation: cAdvisor and kube-state-metrics series.
        write(CPU_HEADER);
        for (const pod of pods) writePodCpu('bitvault-prod', pod, start, start + hours * 3600, 0.25, 0.5, write);
        write(REQUESTS_HEADER);
        for (const pod of pods) writePodRequests('bitvault-prod', pod, start, start + hours * 3600, 0.25, write);
        // kube-state-metrics' restart counters: the pods never restarted.
        write(RESTARTS_HEADER);
        for (const pod of pods) writePodRestarts('bitvault-prod', pod, start, start + hours * 3600, [], write);
        write('# EOF\n');
      },
    });
  }, 5 * 60_000);
  afterAll(async () => prometheus?.stop());

  it('reports how often each template would have aborted or paused on the history', async () => {
    // WHEN the bitvault prod templates are replayed every 15 minutes over the 8 hours
    const c = capture();
    const code = await main(['analysis', 'replay', 'dist/bitvault/prod', '--prometheus', prometheus.url, '--from', String(start), '--to', new Date((start + hours * 3600) * 1000).toISOString(), '--every', '15m', '--json'], c.io);
    expect(code).toBe(0);
    const { results } = JSON.parse(c.out.join('\n'));
    const gateway = results.find((r: any) => r.template === 'gateway-slo');
    // THEN the healthy hours promote, and every canary whose analysis overlapped the bad hour is aborted
    expect(gateway.starts).toBe(32);
    const badStarts = gateway.badStarts.map((b: any) => b.at - start);
    expect(gateway.aborted).toBeGreaterThanOrEqual(4);
    for (const at of badStarts) expect(at).toBeGreaterThanOrEqual(5 * 3600 - 12 * 60);
    // (a canary starting at 6:00 still sees the bad hour's last minutes in its first evidence window)
    for (const at of badStarts) expect(at).toBeLessThanOrEqual(6 * 3600);
    expect(gateway.successful + gateway.aborted + gateway.paused).toBe(32);
    expect(gateway.paused).toBe(0);
    expect(gateway.reasons[0].reason).toContain('success-rate');
    // AND bitvaultd, which has no history here, would have paused every time (no data is no pass)
    const bitvaultd = results.find((r: any) => r.template === 'bitvaultd-slo');
    expect([bitvaultd.paused, bitvaultd.starts]).toEqual([32, 32]);
  }, 5 * 60_000);
});
