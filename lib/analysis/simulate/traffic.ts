import { type Behaviour, normal, poisson } from './scenarios.js';

/**
 * Synthetic OpenTelemetry HTTP server metrics as a Prometheus scrape of them would store them: the
 * `http_server_request_duration_seconds` histogram per pod, route and status code, scraped every 15 s,
 * each series created at its first request (so a 5xx series appears already at 1, as OTel SDKs do) and
 * started again at 0 after a container restart, plus cAdvisor CPU usage, the kube-state-metrics CPU
 * request of the canary pods and the kube-state-metrics restart counter of every pod.
 */

export const SCRAPE_SECONDS = 15;
const SIGMA = 0.5;
const Z99 = 2.326348;
const METRIC = 'http_server_request_duration_seconds';

/** One pod's traffic over a span of time. */
export interface PodTraffic {
  readonly namespace: string;
  readonly pod: string;
  /** Unix seconds of the first and last scrape (multiples of 15). */
  readonly from: number;
  readonly to: number;
  /** Requests per second routed to this pod at `t` (seconds since `origin`). */
  readonly rps: (t: number) => number;
  readonly behaviour: Behaviour;
  /** The time the scenario's clock counts from (canary start). */
  readonly origin: number;
  readonly probes: readonly { readonly path: string; readonly periodSeconds: number }[];
  /** Route of user requests. */
  readonly route: string;
  /** Unix seconds at which the container dies (OOMKilled); it serves again `restartDownSeconds` later with its counters at 0. @default none */
  readonly restarts?: readonly number[];
  /** @default 20 */
  readonly restartDownSeconds?: number;
  /** Whether the scrape at Unix second `t` failed (no samples stored). @default none fails */
  readonly scrapeMissing?: (t: number) => boolean;
  /** The `le` buckets to store (the count is always stored). @default every bucket */
  readonly storeBucket?: (le: string) => boolean;
}

interface Series {
  readonly route: string;
  readonly status: string;
  /** Scrape index of the first sample. */
  readonly first: number;
  /** counts[scrape - first][bucket], cumulative over time within the container's life, per bucket (not cumulative over buckets). */
  readonly counts: number[][];
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Probability of each bucket (the last one is +Inf) under the log-normal latency with this median. */
function bucketMass(median: number, buckets: readonly number[]): number[] {
  const out: number[] = [];
  let below = 0;
  for (const b of buckets) {
    const cdf = phi(Math.log(b / median) / SIGMA);
    out.push(Math.max(0, cdf - below));
    below = Math.max(below, cdf);
  }
  out.push(Math.max(0, 1 - below));
  return out;
}

/** A Binomial(n, p) draw: Bernoulli trials for small n, Poisson for rare outcomes, normal otherwise. */
export function binomial(n: number, p: number, random: () => number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n <= 40) {
    let k = 0;
    for (let i = 0; i < n; i++) if (random() < p) k++;
    return k;
  }
  if (n * p < 15) return Math.min(n, poisson(n * p, random));
  if (n * (1 - p) < 15) return n - Math.min(n, poisson(n * (1 - p), random));
  return Math.max(0, Math.min(n, Math.round(n * p + Math.sqrt(n * p * (1 - p)) * normal(random))));
}

function bucketIndex(latency: number, buckets: readonly number[]): number {
  for (let i = 0; i < buckets.length; i++) if (latency <= buckets[i]!) return i;
  return buckets.length;
}

/**
 * Writes the histogram samples of one pod (OpenMetrics lines, no TYPE header). A container restart
 * starts every series again at 0 under the same labels, each reappearing at its first request after
 * the restart (OTel SDKs create a series at its first measurement); while the container is down,
 * scrapes fail and nothing is stored.
 */
export function writePodHistogram(p: PodTraffic, buckets: readonly number[], random: () => number, write: (chunk: string) => void): void {
  // Series per container life ("epoch") and route|status: the epochs of one label set are written one
  // after the other, so each label set's samples stay in time order.
  const series = new Map<string, Series>();
  const scrapes = Math.floor((p.to - p.from) / SCRAPE_SECONDS) + 1;
  const width = buckets.length + 1;
  const down = p.restartDownSeconds ?? 20;
  const restarts = [...(p.restarts ?? [])].sort((a, b) => a - b);
  /** The container life at Unix second `t`: its index, when it started serving, or undefined while down. */
  const lifeAt = (t: number): { epoch: number; since: number } | undefined => {
    let epoch = 0;
    let since = -Infinity;
    for (const r of restarts) {
      if (r > t) break;
      if (t < r + down) return undefined;
      epoch++;
      since = r + down;
    }
    return { epoch, since };
  };
  const bump = (key: string, route: string, status: string, scrape: number, bucket: number, n: number) => {
    let s = series.get(key);
    if (!s) {
      s = { route, status, first: scrape, counts: [new Array(width).fill(0)] };
      series.set(key, s);
    }
    while (s.first + s.counts.length <= scrape) s.counts.push([...s.counts[s.counts.length - 1]!]);
    s.counts[scrape - s.first]![bucket]! += n;
  };
  const probeBucket = bucketIndex(0.002, buckets);
  const routes = p.behaviour.routes ?? [];
  const mainShare = 1 - routes.reduce((a, r) => a + r.share, 0);
  for (let k = 1; k < scrapes; k++) {
    const end = p.from + k * SCRAPE_SECONDS;
    const t = end - p.origin;
    const life = lifeAt(end);
    if (!life) continue;
    // Requests of the container's current life only: those before a crash were never scraped.
    const upSeconds = Math.min(SCRAPE_SECONDS, end - Math.max(end - SCRAPE_SECONDS, life.since));
    const n = poisson(p.rps(t) * p.behaviour.traffic * upSeconds, random);
    const median = p.behaviour.p99(t) / Math.exp(Z99 * SIGMA);
    const mass = bucketMass(median, buckets);
    // The interval's requests per route: 5xx ~ Binomial, then 404s among the rest, then each status'
    // latencies into the buckets as a multinomial (conditional binomials), exact in distribution with
    // no draw per request.
    let left = n;
    const perRoute = routes.map((r, i) => {
      const c = binomial(left, Math.min(1, r.share / Math.max(1e-12, mainShare + routes.slice(i).reduce((a, x) => a + x.share, 0))), random);
      left -= c;
      return { route: r.route, n: c, errorRate: r.errorRate ?? p.behaviour.errorRate };
    });
    for (const r of [{ route: p.route, n: left, errorRate: p.behaviour.errorRate }, ...perRoute]) {
      if (r.n === 0) continue;
      const errors = binomial(r.n, r.errorRate(t), random);
      const client = binomial(r.n - errors, p.behaviour.clientErrorRate?.(t) ?? 0, random);
      for (const [status, count] of [['200', r.n - errors - client], ['404', client], ['500', errors]] as const) {
        if (count === 0) continue;
        let remaining = count;
        let massLeft = 1;
        for (let b = 0; b < mass.length && remaining > 0; b++) {
          const c = b === mass.length - 1 ? remaining : binomial(remaining, massLeft > 0 ? Math.min(1, mass[b]! / massLeft) : 1, random);
          massLeft -= mass[b]!;
          if (c > 0) bump(`${life.epoch}|${r.route}|${status}`, r.route, status, k, b, c);
          remaining -= c;
        }
      }
    }
    for (const probe of p.probes) {
      // A probe every periodSeconds: the ones that fell in this scrape interval while the container served.
      const start = Math.max(end - SCRAPE_SECONDS, life.since);
      const before = Math.floor((start - p.from) / probe.periodSeconds);
      const now = Math.floor((end - p.from) / probe.periodSeconds);
      if (now > before) bump(`${life.epoch}|${probe.path}|200`, probe.path, '200', k, probeBucket, now - before);
    }
    // Carry every series of this life forward to this scrape.
    for (const [key, s] of series) if (key.startsWith(`${life.epoch}|`)) while (s.first + s.counts.length <= k) s.counts.push([...s.counts[s.counts.length - 1]!]);
  }
  const les = [...buckets.map(String), '+Inf'];
  const stored = (k: number) => !(p.scrapeMissing?.(p.from + k * SCRAPE_SECONDS) ?? false);
  // Label sets in a stable order, each label set's lives in time order.
  const keys = [...series.keys()].sort((a, b) => {
    const [ea, ...ra] = a.split('|');
    const [eb, ...rb] = b.split('|');
    return ra.join('|').localeCompare(rb.join('|')) || Number(ea) - Number(eb);
  });
  const groups = new Map<string, Series[]>();
  for (const key of keys) {
    const labelsKey = key.slice(key.indexOf('|') + 1);
    groups.set(labelsKey, [...(groups.get(labelsKey) ?? []), series.get(key)!]);
  }
  for (const lives of groups.values()) {
    const { route, status } = lives[0]!;
    const labels = `namespace="${p.namespace}",pod="${p.pod}",http_route="${route}",http_response_status_code="${status}"`;
    const lines: string[] = [];
    for (let b = 0; b < les.length; b++) {
      if (p.storeBucket && !p.storeBucket(les[b]!)) continue;
      for (const s of lives) {
        for (let i = 0; i < s.counts.length; i++) {
          if (!stored(s.first + i)) continue;
          let cumulative = 0;
          const row = s.counts[i]!;
          for (let j = 0; j <= b; j++) cumulative += row[j]!;
          lines.push(`${METRIC}_bucket{${labels},le="${les[b]}"} ${cumulative} ${p.from + (s.first + i) * SCRAPE_SECONDS}`);
        }
      }
    }
    for (const s of lives) {
      for (let i = 0; i < s.counts.length; i++) {
        if (stored(s.first + i)) lines.push(`${METRIC}_count{${labels}} ${s.counts[i]!.reduce((a, c) => a + c, 0)} ${p.from + (s.first + i) * SCRAPE_SECONDS}`);
      }
    }
    if (lines.length > 0) write(`${lines.join('\n')}\n`);
  }
}

/** The TYPE line of the histogram family. */
export const HISTOGRAM_HEADER = `# TYPE ${METRIC} histogram\n`;
export const CPU_HEADER = '# TYPE container_cpu_usage_seconds counter\n';
export const REQUESTS_HEADER = '# TYPE kube_pod_container_resource_requests gauge\n';
export const RESTARTS_HEADER = '# TYPE kube_pod_container_status_restarts counter\n';

/** cAdvisor CPU usage of a pod at `utilisation` of its request. */
export function writePodCpu(namespace: string, pod: string, from: number, to: number, requestCores: number, utilisation: number, write: (chunk: string) => void): void {
  const lines: string[] = [];
  for (let t = from; t <= to; t += SCRAPE_SECONDS) {
    lines.push(`container_cpu_usage_seconds_total{namespace="${namespace}",pod="${pod}",container="app"} ${((t - from) * requestCores * utilisation).toFixed(3)} ${t}`);
  }
  write(`${lines.join('\n')}\n`);
}

/** kube-state-metrics' CPU request of a pod. */
export function writePodRequests(namespace: string, pod: string, from: number, to: number, requestCores: number, write: (chunk: string) => void): void {
  const lines: string[] = [];
  for (let t = from; t <= to; t += SCRAPE_SECONDS) {
    lines.push(`kube_pod_container_resource_requests{namespace="${namespace}",pod="${pod}",container="app",resource="cpu",unit="core"} ${requestCores} ${t}`);
  }
  write(`${lines.join('\n')}\n`);
}

/**
 * kube-state-metrics' container restart counter of a pod: 0 from the pod's start, one more at each
 * restart (Unix seconds), scraped every 15 s like the rest.
 */
export function writePodRestarts(namespace: string, pod: string, from: number, to: number, restarts: readonly number[], write: (chunk: string) => void): void {
  const lines: string[] = [];
  for (let t = from; t <= to; t += SCRAPE_SECONDS) {
    lines.push(`kube_pod_container_status_restarts_total{namespace="${namespace}",pod="${pod}",container="app"} ${restarts.filter((r) => r <= t).length} ${t}`);
  }
  write(`${lines.join('\n')}\n`);
}
