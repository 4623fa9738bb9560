import { type Behaviour, normal, poisson } from './scenarios.js';

/**
 * Synthetic OpenTelemetry HTTP server metrics as a Prometheus scrape of them would store them: the
 * `http_server_request_duration_seconds` histogram per pod, route and status code, scraped every 15 s,
 * each series created at its first request (so a 5xx series appears already at 1, as OTel SDKs do),
 * plus cAdvisor CPU usage and the kube-state-metrics CPU request of the canary pods.
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
}

interface Series {
  readonly route: string;
  readonly status: string;
  readonly first: number;
  /** counts[scrape][bucket], cumulative over time, per bucket (not cumulative over buckets). */
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

/** Writes the histogram samples of one pod (OpenMetrics lines, no TYPE header). */
export function writePodHistogram(p: PodTraffic, buckets: readonly number[], random: () => number, write: (chunk: string) => void): void {
  const series = new Map<string, Series>();
  const scrapes = Math.floor((p.to - p.from) / SCRAPE_SECONDS) + 1;
  const width = buckets.length + 1;
  const bump = (key: string, route: string, status: string, scrape: number, bucket: number, n: number) => {
    let s = series.get(key);
    if (!s) {
      s = { route, status, first: scrape, counts: [] };
      series.set(key, s);
    }
    while (s.counts.length <= scrape) s.counts.push(s.counts.length === 0 ? new Array(width).fill(0) : [...s.counts[s.counts.length - 1]!]);
    s.counts[scrape]![bucket]! += n;
  };
  const probeBucket = bucketIndex(0.002, buckets);
  for (let k = 1; k < scrapes; k++) {
    const end = p.from + k * SCRAPE_SECONDS;
    const t = end - p.origin;
    const n = poisson(p.rps(t) * p.behaviour.traffic * SCRAPE_SECONDS, random);
    const errorRate = p.behaviour.errorRate(t);
    const median = p.behaviour.p99(t) / Math.exp(Z99 * SIGMA);
    // The interval's requests: 5xx ~ Binomial(n, errorRate), then each status' latencies into the buckets
    // as a multinomial (conditional binomials), which is exact in distribution and needs no draw per request.
    const errors = binomial(n, errorRate, random);
    const mass = bucketMass(median, buckets);
    for (const [status, count] of [['200', n - errors], ['500', errors]] as const) {
      if (count === 0) continue;
      let remaining = count;
      let left = 1;
      for (let b = 0; b < mass.length && remaining > 0; b++) {
        const c = b === mass.length - 1 ? remaining : binomial(remaining, left > 0 ? Math.min(1, mass[b]! / left) : 1, random);
        left -= mass[b]!;
        if (c > 0) bump(`${p.route}|${status}`, p.route, status, k, b, c);
        remaining -= c;
      }
    }
    for (const probe of p.probes) {
      // A probe every periodSeconds: the ones that fell in this scrape interval.
      const before = Math.floor((end - SCRAPE_SECONDS - p.from) / probe.periodSeconds);
      const now = Math.floor((end - p.from) / probe.periodSeconds);
      if (now > before) bump(`${probe.path}|200`, probe.path, '200', k, probeBucket, now - before);
    }
    // Carry every series forward to this scrape.
    for (const s of series.values()) while (s.counts.length <= k) s.counts.push([...s.counts[s.counts.length - 1]!]);
  }
  const les = [...buckets.map(String), '+Inf'];
  for (const s of series.values()) {
    const labels = `namespace="${p.namespace}",pod="${p.pod}",http_route="${s.route}",http_response_status_code="${s.status}"`;
    const lines: string[] = [];
    for (let b = 0; b < les.length; b++) {
      for (let k = s.first; k < s.counts.length; k++) {
        let cumulative = 0;
        const row = s.counts[k]!;
        for (let j = 0; j <= b; j++) cumulative += row[j]!;
        lines.push(`${METRIC}_bucket{${labels},le="${les[b]}"} ${cumulative} ${p.from + k * SCRAPE_SECONDS}`);
      }
    }
    for (let k = s.first; k < s.counts.length; k++) {
      lines.push(`${METRIC}_count{${labels}} ${s.counts[k]!.reduce((a, c) => a + c, 0)} ${p.from + k * SCRAPE_SECONDS}`);
    }
    write(`${lines.join('\n')}\n`);
  }
}

/** The TYPE line of the histogram family. */
export const HISTOGRAM_HEADER = `# TYPE ${METRIC} histogram\n`;
export const CPU_HEADER = '# TYPE container_cpu_usage_seconds counter\n';
export const REQUESTS_HEADER = '# TYPE kube_pod_container_resource_requests gauge\n';

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
