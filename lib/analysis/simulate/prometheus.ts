import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A sample value as Prometheus' HTTP API returns it ("0.5", "NaN", "+Inf"). */
export function parseSampleValue(text: string): number {
  if (text === 'NaN') return NaN;
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** The outcome of one query: the values of the result vector, or Prometheus' error. */
export type QueryOutcome = { readonly values: number[] } | { readonly error: string };

/** The default bound on one Prometheus answer: a range query over days of a few series is a few megabytes. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/** Same-host redirects followed at most (a proxy adding a trailing slash, a path prefix). */
const MAX_REDIRECTS = 5;

/** Thrown when Prometheus' answer is refused: too large, redirected to another host, or not JSON. The message names no credentials. */
export class PrometheusResponseError extends Error {}

/** A URL for messages: without its user name and password. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = new URL(String(url));
    if (parsed.username === '' && parsed.password === '') return parsed.toString();
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return String(url).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1');
  }
}

/** Whether a URL's host is a link-local address (169.254.0.0/16, fe80::/10): cloud metadata services live there. */
export function isLinkLocal(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (/^169\.254\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
  if (/^fe[89ab][0-9a-f]?:/.test(host)) return true;
  // IPv4-mapped IPv6 (::ffff:169.254.169.254, as the URL parser writes it: ::ffff:a9fe:a9fe).
  return /^::ffff:(169\.254\.|a9fe:)/.test(host);
}

/** Options of {@link PrometheusClient}. */
export interface PrometheusClientOptions {
  /** Time for one request, answer included. @default 60 seconds */
  readonly timeoutMs?: number;
  /**
   * The largest answer read, in bytes: the body is streamed and the request aborted past it (a misdirected query
   * or a proxy's endless answer would otherwise be buffered whole). @default 64 MiB
   */
  readonly maxResponseBytes?: number;
}

/**
 * A client of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`), POST form-encoded as Argo Rollouts' client does.
 * Answers are streamed up to a size bound; redirects are followed only within the same scheme, host and port (a
 * redirect to another host, such as a link-local metadata address, is refused); messages never carry URL credentials.
 */
export class PrometheusClient {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(public readonly url: string, options: number | PrometheusClientOptions = {}) {
    const o = typeof options === 'number' ? { timeoutMs: options } : options;
    this.timeoutMs = o.timeoutMs ?? 60_000;
    this.maxResponseBytes = o.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  private async post(path: string, params: Record<string, string>): Promise<any> {
    const body = new URLSearchParams(params).toString();
    const first = new URL(`${this.url.replace(/\/$/, '')}${path}`);
    const signal = AbortSignal.timeout(this.timeoutMs);
    let target = first;
    let method = 'POST';
    for (let hop = 0; ; hop++) {
      let response: Response;
      try {
        response = await fetch(target, {
          method,
          redirect: 'manual',
          signal,
          ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body } : {}),
        });
      } catch (error) {
        if (signal.aborted) throw new PrometheusResponseError(`${redactUrl(target)} did not answer within ${this.timeoutMs / 1000} s`);
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
        throw new PrometheusResponseError(`${redactUrl(target)}: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`);
      }
      const location = response.status >= 300 && response.status < 400 ? response.headers.get('location') : null;
      if (location === null) {
        const text = await this.readBounded(response, target);
        try {
          return JSON.parse(text);
        } catch {
          throw new PrometheusResponseError(`Prometheus at ${redactUrl(target)} answered ${response.status} with a body that is not JSON`);
        }
      }
      await response.body?.cancel();
      let next: URL;
      try {
        next = new URL(location, target);
      } catch {
        throw new PrometheusResponseError(`Prometheus at ${redactUrl(target)} answered ${response.status} with an invalid redirect`);
      }
      if (next.origin !== first.origin || isLinkLocal(next)) {
        throw new PrometheusResponseError(
          `${redactUrl(target)} redirected (${response.status}) to ${redactUrl(next)}, ${isLinkLocal(next) ? 'a link-local address' : 'another host'}: not followed (a redirect must not send queries elsewhere, such as to a cloud metadata address); give --prometheus the URL Prometheus answers on`,
        );
      }
      if (hop >= MAX_REDIRECTS) throw new PrometheusResponseError(`${redactUrl(first)} redirected more than ${MAX_REDIRECTS} times: not followed further`);
      // 307/308 repeat the POST; 301/302/303 become a GET with the parameters in the query (as browsers and Go do).
      if (response.status !== 307 && response.status !== 308) {
        method = 'GET';
        next.search = body;
      }
      target = next;
    }
  }

  /** The body as text, read in chunks and abandoned past {@link PrometheusClientOptions.maxResponseBytes}. */
  private async readBounded(response: Response, target: URL): Promise<string> {
    const limit = this.maxResponseBytes;
    const tooLarge = () => new PrometheusResponseError(
      `Prometheus at ${redactUrl(target)} answered with more than ${formatBytes(limit)}: the answer was abandoned (narrow the --from/--to window or the query, or raise --max-response-mb)`,
    );
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > limit) {
      await response.body?.cancel();
      throw tooLarge();
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks, size).toString('utf8');
  }

  /** Instant query at `time` (Unix seconds). */
  public async query(expr: string, time: number): Promise<QueryOutcome> {
    const body = await this.post('/api/v1/query', { query: expr, time: String(time) });
    if (body.status !== 'success') return { error: `${body.errorType ?? 'error'}: ${body.error ?? 'unknown'}` };
    const data = body.data;
    if (data.resultType === 'scalar') return { values: [parseSampleValue(data.result[1])] };
    if (data.resultType !== 'vector') return { error: `Prometheus metric type not supported (${data.resultType})` };
    return { values: data.result.map((s: any) => parseSampleValue(s.value[1])) };
  }

  /**
   * Range query: the instant query evaluated at every `step` from `start` to `end`, as a map from time
   * to the values of the vector at that time (a time with an empty vector is absent), or Prometheus' error.
   */
  public async queryRange(expr: string, start: number, end: number, step: number): Promise<{ readonly byTime: Map<number, number[]> } | { readonly error: string }> {
    const body = await this.post('/api/v1/query_range', { query: expr, start: String(start), end: String(end), step: String(step) });
    if (body.status !== 'success') return { error: `${body.errorType ?? 'error'}: ${body.error ?? 'unknown'}` };
    const byTime = new Map<number, number[]>();
    for (const series of body.data.result) {
      for (const [t, v] of series.values) {
        const list = byTime.get(Number(t)) ?? [];
        list.push(parseSampleValue(v));
        byTime.set(Number(t), list);
      }
    }
    return { byTime };
  }

  /** The label values of `label` among series matching `match`, between `start` and `end`. */
  public async labelValues(label: string, match: string, start: number, end: number): Promise<string[]> {
    const body = await this.post(`/api/v1/label/${encodeURIComponent(label)}/values`, { 'match[]': match, start: String(start), end: String(end) });
    if (body.status !== 'success') throw new Error(`Prometheus: ${body.error ?? 'label query failed'}`);
    return body.data as string[];
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

/** Where the Prometheus binaries are. @default the `prometheus` and `promtool` on PATH (Debian's `prometheus` package) */
export interface PrometheusBinaries {
  readonly prometheus?: string;
  readonly promtool?: string;
}

/** Thrown when the binaries are missing: the message says how to install them. */
export class PrometheusUnavailableError extends Error {}

/** `promtool tsdb create-blocks-from openmetrics`, then the input file is removed. */
function backfill(promtool: string, input: string, output: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', input, output], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => {
      rmSync(input, { force: true });
      if (code === 0) resolve();
      else reject(new Error(`promtool backfill failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
    });
  });
}

function binary(name: string, given?: string): string {
  const path = given ?? name;
  const probe = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new PrometheusUnavailableError(`${name} was not found (${path}): install Prometheus (Debian/Ubuntu: apt-get install -y prometheus) or put ${name} on PATH`);
  }
  return path;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Options of {@link LocalPrometheus.start}. */
export interface LocalPrometheusOptions {
  /**
   * The OpenMetrics texts (each ending in `# EOF`) to backfill, or functions that write them in chunks.
   * Each part is backfilled by its own promtool process as soon as it is written, so writing the next
   * part overlaps with backfilling the previous one; overlapping blocks are merged by Prometheus.
   */
  readonly openMetrics: string | ((write: (chunk: string) => void) => void) | readonly ((write: (chunk: string) => void) => void)[];
  readonly binaries?: PrometheusBinaries;
  /** promtool processes at a time. @default 2 */
  readonly backfillConcurrency?: number;
  /** Called with a line after each phase (series written, backfilled). */
  readonly onPhase?: (message: string) => void;
  /** The server is killed after this long, whatever happens. @default 10 minutes */
  readonly maxLifetimeMs?: number;
}

/**
 * A throw-away Prometheus on 127.0.0.1: the OpenMetrics text is backfilled into a fresh TSDB with
 * `promtool tsdb create-blocks-from openmetrics`, then `prometheus` serves it on a free port, with no
 * scrape targets. Stopped by PID in {@link stop}, and killed by a timer after `maxLifetimeMs`.
 */
export class LocalPrometheus {
  public static async start(options: LocalPrometheusOptions): Promise<LocalPrometheus> {
    const prometheus = binary('prometheus', options.binaries?.prometheus ?? process.env.CDK8S_DELIVERY_PROMETHEUS);
    const promtool = binary('promtool', options.binaries?.promtool ?? process.env.CDK8S_DELIVERY_PROMTOOL);
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-delivery-prometheus-'));
    try {
      const parts = typeof options.openMetrics === 'string' || typeof options.openMetrics === 'function' ? [options.openMetrics] : options.openMetrics;
      const t0 = Date.now();
      let bytes = 0;
      const backfills: Promise<void>[] = [];
      const running = new Set<Promise<void>>();
      const limit = options.backfillConcurrency ?? 2;
      for (const [i, part] of parts.entries()) {
        // Write the next part while at most `limit` promtool processes backfill the previous ones.
        while (running.size >= limit) await Promise.race(running).catch(() => undefined);
        const input = join(dir, `series-${i}.om`);
        if (typeof part === 'string') writeFileSync(input, part);
        else {
          const fd = openSync(input, 'w');
          try {
            part((chunk) => writeSync(fd, chunk));
          } finally {
            closeSync(fd);
          }
        }
        bytes += statSync(input).size;
        const job = backfill(promtool, input, join(dir, 'data'));
        running.add(job);
        job.then(() => running.delete(job), () => running.delete(job));
        backfills.push(job);
      }
      options.onPhase?.(`series written (${Math.round(bytes / 1e6)} MB in ${parts.length} part(s)) after ${Date.now() - t0} ms`);
      await Promise.all(backfills);
      options.onPhase?.(`backfilled after ${Date.now() - t0} ms`);
      writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\nscrape_configs: []\n');
      const port = await freePort();
      const child = spawn(prometheus, [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=100y',
        // No compaction: the backfilled 2 h blocks would otherwise be merged in the background while
        // they are queried (hidden flags of Prometheus 2.x).
        '--storage.tsdb.min-block-duration=2h',
        '--storage.tsdb.max-block-duration=2h',
        '--log.level=error',
      ], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-4000); });
      const server = new LocalPrometheus(child, dir, `http://127.0.0.1:${port}`, options.maxLifetimeMs ?? 10 * 60_000);
      await server.ready(() => stderr);
      return server;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  public readonly client: PrometheusClient;
  private readonly killTimer: NodeJS.Timeout;
  private exited = false;

  private constructor(private readonly child: ChildProcess, private readonly dir: string, public readonly url: string, maxLifetimeMs: number) {
    // Our own server, answering the simulation's range queries over every trial at once: no size bound (replay's
    // bound protects from a real Prometheus or a proxy, whose answers come from elsewhere).
    this.client = new PrometheusClient(url, { maxResponseBytes: Number.POSITIVE_INFINITY });
    child.on('exit', () => { this.exited = true; });
    this.killTimer = setTimeout(() => this.kill(), maxLifetimeMs);
    this.killTimer.unref();
  }

  /** The PID of the prometheus process. */
  public get pid(): number | undefined {
    return this.child.pid;
  }

  private async ready(stderr: () => string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`prometheus exited at start: ${stderr().trim().split('\n').slice(-3).join(' ')}`);
      try {
        const r = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(2000) });
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    this.kill();
    throw new Error('prometheus did not become ready within 60 s');
  }

  private kill(): void {
    if (!this.exited && this.child.pid !== undefined) {
      try { process.kill(this.child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  }

  /** Stops the server (SIGTERM to its PID, SIGKILL after 5 s) and removes its data. */
  public async stop(): Promise<void> {
    clearTimeout(this.killTimer);
    if (!this.exited && this.child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      try { process.kill(this.child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => this.kill(), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
