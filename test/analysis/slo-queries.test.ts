import { Duration } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSlo, type ServiceLevelObjectives } from '../../lib/analysis/service-level-objectives.js';
import { SliQueries } from '../../lib/analysis/slo-analysis-template.js';
import { LocalPrometheus } from '../../lib/analysis/simulate/prometheus.js';

// The emitted PromQL, run by a real Prometheus (Debian's prometheus + promtool, as test/analysis/simulate
// uses them) on hand-made series: every count below is known exactly, so the queries are held to it.

const SCRAPE = 15;
/** Query time: a multiple of 60 s, so subquery steps of 15 s and 30 s both land on it. */
const T = 1_700_000_040;
const START = T - 3600;
const NS = 'shop';
const HIST = 'http_server_request_duration_seconds';

/** One counter series: its value at each scrape time (absent = not scraped). */
interface Series {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly samples: ReadonlyMap<number, number>;
  /** The requests it counted in (T − window, T], however its exporter restarted. */
  readonly truth: (window: number) => number;
}

/**
 * A counter of requests arriving at `perScrape(t)` per scrape interval from `born`, whose process
 * restarts at the given times (right after a scrape: the counter starts again at 0, and the series is
 * absent until its first request after the restart, as an OTel SDK exports it).
 */
function counter(name: string, labels: Record<string, string>, born: number, perScrape: (t: number) => number, restarts: readonly number[] = []): Series {
  const samples = new Map<number, number>();
  const arrivals = new Map<number, number>();
  let value = 0;
  let alive = false;
  for (let t = born; t <= T; t += SCRAPE) {
    if (restarts.includes(t - SCRAPE)) { value = 0; alive = false; }
    const n = perScrape(t);
    arrivals.set(t, n);
    value += n;
    if (value > 0) alive = true;
    if (alive) samples.set(t, value);
  }
  const truth = (window: number) => [...arrivals].filter(([t]) => t > T - window).reduce((a, [, n]) => a + n, 0);
  return { name, labels, samples, truth };
}

/** A gauge-like series that exists from `born` at 0 and steps up at the given times (kube-state-metrics' restart counter). */
function stepCounter(name: string, labels: Record<string, string>, born: number, steps: readonly number[]): Series {
  const samples = new Map<number, number>();
  for (let t = born; t <= T; t += SCRAPE) samples.set(t, steps.filter((s) => s <= t).length);
  return { name, labels, samples, truth: (window) => steps.filter((s) => s > T - window).length };
}

function openMetrics(series: readonly Series[]): string {
  const families = new Map<string, Series[]>();
  for (const s of series) families.set(s.name, [...(families.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, list] of families) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of list) {
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',');
      for (const [t, v] of s.samples) lines.push(`${name}{${labels}} ${v} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

const pod = (hash: string, i = 0) => `api-${hash}-${'abcde'.slice(i)}x${i}`;
const requests = (hash: string, status: string, i = 0, route = '/orders') => ({ namespace: NS, pod: pod(hash, i), http_route: route, http_response_status_code: status });
const every = (n: number) => () => n;

// Counting: one series of each shape, each under its own pod, counted alone.
const shapes = {
  steady: counter(`${HIST}_count`, requests('steady', '200'), START, every(7)),
  newborn: counter(`${HIST}_count`, requests('newborn', '500'), T - 200, (t) => (t === T - 200 ? 3 : t % 60 === 0 ? 1 : 0)),
  resets: counter(`${HIST}_count`, requests('resets', '200'), START, every(11), [T - 405, T - 255, T - 105]),
  newbornResets: counter(`${HIST}_count`, requests('newbornresets', '500'), T - 280, every(4), [T - 190, T - 40]),
} as const;
// A series not scraped for 7 minutes (longer than Prometheus' 5 m lookback), then scraped again: its
// requests during the gap show up at once after it, and nothing is counted twice.
const gap = (() => {
  const s = counter(`${HIST}_count`, requests('gap', '200'), T - 900, every(5));
  const samples = new Map([...s.samples].filter(([t]) => t <= T - 600 || t > T - 180));
  return { ...s, samples };
})();

// Scenarios of the success-rate score, one canary hash and one stable hash each (default SLO: abort line 1 %,
// cap 2 %, z 2.326, minRequests 100, evidence window 5 m at 30 s: the stable's counts cover 22 scrapes).
const scenarios: Series[] = [];
/** `n` requests in `k` of every 22 scrapes: exactly k·n in any 22 consecutive scrapes. */
const periodic = (k: number, n = 1) => (t: number) => (((t - START) / SCRAPE) % 22 < k ? n : 0);
function scenario(id: string, canary: { total: number; errors: number; born: number }, stable: { ok: (t: number) => number; errors: (t: number) => number }): void {
  // The canary's requests spread evenly over its scrapes since `born` (inside the window: all counted).
  const spread = (count: number, born: number) => {
    const scrapes = Math.floor((T - born) / SCRAPE) + 1;
    return (t: number) => Math.floor((((t - born) / SCRAPE + 1) * count) / scrapes) - Math.floor((((t - born) / SCRAPE) * count) / scrapes);
  };
  scenarios.push(counter(`${HIST}_count`, requests(`${id}c`, '200'), canary.born, spread(canary.total - canary.errors, canary.born)));
  if (canary.errors > 0) scenarios.push(counter(`${HIST}_count`, requests(`${id}c`, '500'), canary.born, spread(canary.errors, canary.born)));
  scenarios.push(counter(`${HIST}_count`, requests(`${id}s`, '200'), START, stable.ok));
  scenarios.push(counter(`${HIST}_count`, requests(`${id}s`, '500'), START, stable.errors));
}
const healthyStable = { ok: every(250), errors: every(0) };
scenario('twooftwo', { total: 2, errors: 2, born: T - 120 }, healthyStable);
scenario('fewhealthy', { total: 60, errors: 0, born: T - 250 }, healthyStable);
scenario('healthy', { total: 500, errors: 2, born: T - 250 }, healthyStable);
scenario('bad', { total: 500, errors: 25, born: T - 250 }, healthyStable);
scenario('bothbad', { total: 500, errors: 25, born: T - 250 }, { ok: every(238), errors: every(12) });
scenario('stablebroken', { total: 500, errors: 0, born: T - 250 }, { ok: every(0), errors: every(250) });
// The stable at 15 of ~1,005 (1.49 %): not significantly past 1 % (score 1.41), under the cap.
scenario('raised', { total: 1000, errors: 20, born: T - 250 }, { ok: every(45), errors: periodic(15) });
// The stable at 3 of 113 (2.65 %): past the cap, not significantly past 1 % (score 1.34).
scenario('pastcap', { total: 500, errors: 0, born: T - 250 }, { ok: every(5), errors: periodic(3) });
// A canary that restarts: its OTel counters start again at 0 twice, 40 % 5xx.
scenarios.push(counter(`${HIST}_count`, requests('crashc', '200'), T - 280, every(3), [T - 190, T - 100]));
scenarios.push(counter(`${HIST}_count`, requests('crashc', '500'), T - 280, every(2), [T - 190, T - 100]));
scenarios.push(counter(`${HIST}_count`, requests('crashs', '200'), START, every(100)));
// kube-state-metrics: two canary pods, one restarting twice; a stable pod restarting (not counted).
const restarts = [
  stepCounter('kube_pod_container_status_restarts_total', { namespace: NS, pod: pod('rc', 0), container: 'app' }, T - 280, [T - 190, T - 100]),
  stepCounter('kube_pod_container_status_restarts_total', { namespace: NS, pod: pod('rc', 1), container: 'app' }, T - 280, []),
  stepCounter('kube_pod_container_status_restarts_total', { namespace: NS, pod: pod('rs', 0), container: 'app' }, START, [T - 50]),
];

let prometheus: LocalPrometheus;
beforeAll(async () => {
  prometheus = await LocalPrometheus.start({ openMetrics: openMetrics([...Object.values(shapes), gap, ...scenarios, ...restarts]) });
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
});

async function value(query: string): Promise<number[]> {
  const outcome = await prometheus.client.query(query, T);
  if ('error' in outcome) throw new Error(`${outcome.error}\n${query}`);
  return outcome.values;
}

const args = (query: string, canary: string, stable = 'none') =>
  query.replaceAll('{{args.namespace}}', NS).replaceAll('{{args.workload}}', 'api').replaceAll('{{args.canary-hash}}', canary).replaceAll('{{args.stable-hash}}', stable);

describe('reset-aware counts over the evidence window (on a real Prometheus)', () => {
  const selector = (hash: string) => `${HIST}_count{namespace="${NS}", pod=~"api-${hash}-[a-z0-9]+"}`;
  const window = 300;

  // Prometheus 2.x selects a range with both ends included: the steps of [5m:s] are T − 5m … T, and the
  // first one adds the increments since s before it, so the count covers (T − 5m − s, T].
  it.each(Object.keys(shapes))('GIVEN a %s series THEN the count at the scrape interval is exactly the requests in the window', async (shape) => {
    const s = shapes[shape as keyof typeof shapes];
    const hash = s.labels.pod!.split('-')[1]!;
    expect(await value(SliQueries.count(selector(hash), '5m', '15s'))).toEqual([s.truth(window + 15)]);
  });

  it('GIVEN a step of twice the scrape interval THEN counts without resets stay exact (the steps telescope) and a reset loses at most the one scrape before it', async () => {
    for (const shape of ['steady', 'newborn'] as const) {
      expect(await value(SliQueries.count(selector(shapes[shape].labels.pod!.split('-')[1]!), '5m', '30s')), shape).toEqual([shapes[shape].truth(window + 30)]);
    }
    const [resets] = await value(SliQueries.count(selector('resets'), '5m', '30s'));
    expect(resets).toBeLessThanOrEqual(shapes.resets.truth(window + 30));
    expect(resets).toBeGreaterThanOrEqual(shapes.resets.truth(window + 30) - 2 * 11);
  });

  it('GIVEN a 7-minute scrape gap inside a 10-minute window THEN the count is still exact: the series continues from its value before the gap', async () => {
    expect(await value(SliQueries.count(selector('gap'), '10m', '15s'))).toEqual([gap.truth(600 + 15)]);
    // x offset s alone would count the whole value again after the gap (its last sample is older than the 5 m lookback).
    const [naive] = await value(`sum_over_time(sum(((${selector('gap')} - ${selector('gap')} offset 15s) >= 0) or ${selector('gap')})[10m:15s])`);
    expect(naive).toBeGreaterThan(gap.truth(600 + 15) + 100);
  });

  it('GIVEN the former expression (difference over the window, negative clamped to 0) THEN it loses every request of a series that restarted: the reason for the per-step sum', async () => {
    const former = (hash: string) => `sum(clamp_min(${selector(hash)} - ${selector(hash)} offset 5m, 0) or ${selector(hash)})`;
    const [lost] = await value(former('resets'));
    expect(shapes.resets.truth(window)).toBe(20 * 11);
    expect(lost).toBeLessThan(shapes.resets.truth(window) / 2);
    const [increase] = await value(`sum(increase(${selector('newborn')}[5m]))`);
    expect(increase).toBeLessThan(shapes.newborn.truth(window));
  });
});

describe('the success-rate score of the default SLO (on a real Prometheus)', () => {
  const { resolved, problems } = resolveSlo({ analyseRestarts: true } satisfies ServiceLevelObjectives);
  const query = new SliQueries(resolved).errorScore();
  const score = (id: string) => value(args(query, `${id}c`, `${id}s`));
  const z = resolved.z;

  it('has the defaults the scenarios assume', () => {
    expect(problems).toEqual([]);
    expect([resolved.successRateFailBelow, resolved.minRequests, z, resolved.evidenceWindow.toSeconds(), resolved.prometheus.scrapeInterval.toSeconds()]).toEqual([0.99, 100, 2.326, 300, 30]);
  });

  it('GIVEN 2 requests, both 5xx THEN the score fails although N is far below minRequests', async () => {
    const [v] = await score('twooftwo');
    expect(v).toBeGreaterThan(z);
  });

  it('GIVEN 60 healthy requests THEN no data (too few for a pass), and with 500 a passing score', async () => {
    expect(await score('fewhealthy')).toEqual([]);
    const [v] = await score('healthy');
    expect(v).toBeLessThanOrEqual(z);
  });

  it('GIVEN 5 % 5xx over 500 requests THEN a failing score', async () => {
    const [v] = await score('bad');
    expect(v).toBeGreaterThan(z);
  });

  it('GIVEN the stable itself past the abort line (5 % or 100 % 5xx) THEN NaN: the canary cannot be judged, whether it is bad or healthy', async () => {
    for (const id of ['bothbad', 'stablebroken']) {
      const values = await score(id);
      expect(values.length, id).toBe(1);
      expect(Number.isNaN(values[0]), id).toBe(true);
    }
  });

  it('GIVEN the stable at 1.5 % (not significantly past 1 %) THEN the line rises to 1.5 %: a canary at 2 % passes that it would fail against 1 %', async () => {
    const [v] = await score('raised');
    expect(v).toBeLessThanOrEqual(z);
    const strict = new SliQueries(resolveSlo({ compareWithStable: false }).resolved).errorScore();
    const [w] = await value(args(strict, 'raisedc', 'raiseds'));
    expect(w).toBeGreaterThan(z);
  });

  it('GIVEN the stable at 3 % of few requests (past the 2 % cap, not significant) THEN NaN', async () => {
    const values = await score('pastcap');
    expect(Number.isNaN(values[0])).toBe(true);
  });

  it('GIVEN a canary whose counters restart twice, at 40 % 5xx THEN every request counts and the score fails', async () => {
    const total = await value(args(`sum(${SliQueries.count(`${HIST}_count{namespace="${NS}", pod=~"api-crashc-[a-z0-9]+"}`, '5m', '30s')})`, 'crashc'));
    expect(total[0]).toBeGreaterThan(0.8 * 5 * Math.floor(280 / SCRAPE));
    const [v] = await score('crash');
    expect(v).toBeGreaterThan(z);
  });
});

describe('the restarts query (on a real Prometheus)', () => {
  it('GIVEN two canary pods, one restarting twice in the window, and a restarting stable pod THEN 2', async () => {
    const q = new SliQueries(resolveSlo({ initialDelay: Duration.minutes(1) }).resolved).restarts();
    expect(await value(args(q, 'rc', 'rs'))).toEqual([2]);
    expect(await value(args(q, 'nosuchhash', 'rs'))).toEqual([]);
  });
});
