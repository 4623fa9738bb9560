import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../lib/analysis/simulate/scenarios.js';
import { bucketFilter, lookbackSeconds } from '../../../lib/analysis/simulate/simulate.js';
import { binomial, writePodHistogram, writePodRestarts } from '../../../lib/analysis/simulate/traffic.js';

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

describe('synthetic traffic: restarts, scrape gaps, routes, client errors', () => {
  const buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
  const parse = (lines: string[]) => lines.map((l) => /^(\S+)\{(.*)\} (\S+) (\d+)$/.exec(l)!).map((m) => ({ name: m[1]!, labels: m[2]!, value: Number(m[3]), t: Number(m[4]) }));

  it('starts every series again at 0 after a container restart, each at its first request, with nothing stored while the container is down', () => {
    // GIVEN a pod at 10 req/s (5 % 5xx) whose container dies at 200 s and 400 s, 20 s down each time
    const lines: string[] = [];
    writePodHistogram({
      namespace: 'ns', pod: 'api-abc-xyz12', from: 0, to: 600, origin: 0, route: '/api', probes: [],
      rps: () => 10, behaviour: { traffic: 1, errorRate: () => 0.05, p99: () => 0.2 }, restarts: [200, 400], restartDownSeconds: 20,
    }, buckets, seededRandom(5), (chunk) => lines.push(...chunk.trim().split('\n')));
    const samples = parse(lines);
    const count = samples.filter((s) => s.name.endsWith('_count') && s.labels.includes('"200"'));
    // THEN no sample while down (200 ≤ t < 220, 400 ≤ t < 420)
    expect(count.filter((s) => (s.t >= 200 && s.t < 220) || (s.t >= 400 && s.t < 420))).toEqual([]);
    // AND the counter drops back (a reset) after each restart, to what ~15 s of requests make
    const after = (t: number) => count.find((s) => s.t >= t)!;
    const before = (t: number) => count.filter((s) => s.t < t).at(-1)!;
    for (const r of [200, 400]) {
      expect(before(r).value).toBeGreaterThan(1000);
      expect(after(r + 20).value).toBeLessThan(before(r).value);
      expect(after(r + 20).value).toBeLessThan(200);
    }
    // AND the samples of one label set stay in time order across the restarts (promtool requires it)
    for (let i = 1; i < count.length; i++) expect(count[i]!.t).toBeGreaterThan(count[i - 1]!.t);
    // AND the 5xx series reappears after each restart at its first error, not at 0
    const errors = samples.filter((s) => s.name.endsWith('_count') && s.labels.includes('"500"'));
    const resumed = errors.find((s) => s.t >= 220)!;
    expect(resumed.value).toBeGreaterThan(0);
    expect(resumed.value).toBeLessThan(errors.filter((s) => s.t < 200).at(-1)!.value);
  });

  it('writes the kube-state-metrics restart counter from the pod start, one more at each restart', () => {
    const lines: string[] = [];
    writePodRestarts('ns', 'api-abc-xyz12', 0, 600, [200, 400], (chunk) => lines.push(...chunk.trim().split('\n')));
    const samples = parse(lines);
    expect(samples[0]).toEqual({ name: 'kube_pod_container_status_restarts_total', labels: 'namespace="ns",pod="api-abc-xyz12",container="app"', value: 0, t: 0 });
    expect(samples.find((s) => s.t === 195)!.value).toBe(0);
    expect(samples.find((s) => s.t === 210)!.value).toBe(1);
    expect(samples.at(-1)!.value).toBe(2);
    expect(samples.length).toBe(41);
  });

  it('leaves out failed scrapes, splits requests over routes, answers 404s, and stores only the buckets asked for', () => {
    const lines: string[] = [];
    writePodHistogram({
      namespace: 'ns', pod: 'api-abc-xyz12', from: 0, to: 3000, origin: 0, route: '/api', probes: [],
      rps: () => 20,
      behaviour: { traffic: 1, errorRate: () => 0, p99: () => 0.2, clientErrorRate: () => 0.3, routes: [{ route: '/api/transfers', share: 0.1, errorRate: () => 1 }] },
      scrapeMissing: (t) => t % 60 === 0, storeBucket: (le) => le === '0.25',
    }, buckets, seededRandom(9), (chunk) => lines.push(...chunk.trim().split('\n')));
    const samples = parse(lines);
    expect(samples.filter((s) => s.t % 60 === 0)).toEqual([]);
    expect(new Set(samples.filter((s) => s.name.endsWith('_bucket')).map((s) => /le="([^"]+)"/.exec(s.labels)![1]))).toEqual(new Set(['0.25']));
    const last = (route: string, status: string) => samples.filter((s) => s.name.endsWith('_count') && s.labels.includes(`http_route="${route}"`) && s.labels.includes(`http_response_status_code="${status}"`)).at(-1)?.value ?? 0;
    const total = ['/api', '/api/transfers'].flatMap((r) => ['200', '404', '500'].map((c) => last(r, c))).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0.95 * 20 * 3000);
    // /api/transfers: 10 % of the requests, every one 5xx; 404s are 30 % of the rest
    expect(last('/api/transfers', '500') / total).toBeCloseTo(0.1, 2);
    expect(last('/api', '500')).toBe(0);
    expect(last('/api', '404') / (last('/api', '404') + last('/api', '200'))).toBeCloseTo(0.3, 1);
  });
});

describe('bucketFilter', () => {
  it('keeps the buckets the le matchers of the queries select, and every bucket when a selector has none', () => {
    const f = bucketFilter(['sum(x_bucket{namespace="{{args.namespace}}", le=~"0[.]250*"}) / sum(x_count)', 'sum(y_bucket{pod="p",le="+Inf"})'])!;
    expect(['0.25', '0.250', '+Inf', '0.5', '2.5'].map(f)).toEqual([true, true, true, false, false]);
    expect(bucketFilter(['histogram_quantile(0.99, sum by (le) (rate(x_bucket{namespace="a"}[2m])))'])).toBeUndefined();
    expect(bucketFilter(['sum(x_bucket{le!="0.5"})'])).toBeUndefined();
  });
});

describe('lookbackSeconds', () => {
  it('is the longest range plus the longest offset plus the 5 m lookback delta', () => {
    expect(lookbackSeconds(['sum_over_time(sum((x - x offset 30s) >= 0 or x)[5m:30s])', 'rate(y[2m])'])).toBe(300 + 30 + 300);
    expect(lookbackSeconds(['sum(x - x offset 2m)'])).toBe(120 + 300);
    expect(lookbackSeconds(['increase(x[1h30m])'])).toBe(5400 + 300);
  });
});
