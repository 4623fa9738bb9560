import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/analysis/simulate/scenarios.js';
import { binomial, writePodHistogram } from '../../../lib/analysis/simulate/traffic.js';

describe('synthetic traffic', () => {
  it.each([[20, 0.3], [500, 0.001], [500, 0.05], [2000, 0.5], [300, 0.995]])('Binomial(%d, %d) has the right mean and variance', (n, p) => {
    const random = seededRandom(7);
    const draws = Array.from({ length: 20000 }, () => binomial(n, p, random));
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(Math.abs(mean - n * p)).toBeLessThan(0.05 * n * p + 0.02);
    expect(Math.abs(variance - n * p * (1 - p))).toBeLessThan(0.1 * n * p * (1 - p) + 0.02);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(n);
  });

  it('writes cumulative OpenMetrics histograms: +Inf equals _count, buckets never decrease, 5xx series appear at their first error', () => {
    const lines: string[] = [];
    const buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
    writePodHistogram({
      namespace: 'ns', pod: 'api-abc-xyz12', from: 0, to: 600, origin: 0, route: '/api', probes: [{ path: '/readyz', periodSeconds: 5 }],
      rps: () => 10, behaviour: { traffic: 1, errorRate: (t) => (t > 300 ? 0.5 : 0), p99: () => 0.2 },
    }, buckets, seededRandom(3), (chunk) => lines.push(...chunk.trim().split('\n')));
    const samples = lines.map((l) => /^(\S+)\{(.*)\} (\S+) (\d+)$/.exec(l)!).map((m) => ({ name: m[1]!, labels: m[2]!, value: Number(m[3]), t: Number(m[4]) }));
    const series = (status: string, suffix: string, le?: string) => samples.filter((s) => s.name.endsWith(suffix) && s.labels.includes(`http_response_status_code="${status}"`) && s.labels.includes('http_route="/api"') && (le === undefined || s.labels.includes(`le="${le}"`)));
    const count = series('200', '_count');
    const inf = series('200', '_bucket', '+Inf');
    expect(inf.map((s) => s.value)).toEqual(count.map((s) => s.value));
    for (let i = 1; i < count.length; i++) expect(count[i]!.value).toBeGreaterThanOrEqual(count[i - 1]!.value);
    // about 10 req/s for 600 s
    expect(count[count.length - 1]!.value).toBeGreaterThan(4000);
    // the 5xx series starts after 300 s, already at its first count
    const errors = series('500', '_count');
    expect(errors[0]!.t).toBeGreaterThan(300);
    expect(errors[0]!.value).toBeGreaterThan(0);
    // p99 0.2 s: about 1 % of requests above 0.2 s, so nearly all below 0.25 s and few below 0.025 s
    const last = (le: string) => series('200', '_bucket', le).at(-1)!.value;
    expect(last('0.25') / last('+Inf')).toBeGreaterThan(0.99);
    expect(last('0.025') / last('+Inf')).toBeLessThan(0.05);
    // probes: /readyz every 5 s
    const probes = samples.filter((s) => s.name.endsWith('_count') && s.labels.includes('http_route="/readyz"'));
    expect(probes.at(-1)!.value).toBe(120);
  });
});
