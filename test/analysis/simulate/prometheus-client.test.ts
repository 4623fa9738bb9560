import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLinkLocal, PrometheusClient, PrometheusResponseError, redactUrl } from '../../../lib/analysis/simulate/prometheus.js';
import { main } from '../../../lib/cli/main.js';

/**
 * Issue 26, defect 4: `analysis replay` buffered Prometheus' answers whole (a 2 GiB answer reached 2.17 GB RSS),
 * followed redirects to other hosts (a link-local metadata address was contacted) and could show URL credentials.
 * Real HTTP servers on 127.0.0.1 play a misbehaving Prometheus or proxy.
 */

const SUCCESS = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } });

interface Endpoint {
  server: Server;
  url: string;
  requests: string[];
}

async function endpoint(handler: (req: IncomingMessage, res: ServerResponse, self: Endpoint) => void): Promise<Endpoint> {
  const self = { requests: [] } as unknown as Endpoint;
  self.server = createServer((req, res) => {
    self.requests.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => handler(req, res, self));
  });
  await new Promise<void>((resolve) => self.server.listen(0, '127.0.0.1', resolve));
  self.url = `http://127.0.0.1:${(self.server.address() as AddressInfo).port}`;
  return self;
}

let elsewhere: Endpoint; // "another host": another origin that must never be asked
let endless: Endpoint & { written: number; closed: boolean };
let declared: Endpoint;
let redirecting: Endpoint;
let sameHost: Endpoint;
const servers: Endpoint[] = [];

beforeAll(async () => {
  elsewhere = await endpoint((_req, res) => res.end(SUCCESS));
  // A proxy whose answer never ends: 1 MiB chunks for as long as the client reads.
  endless = Object.assign(await endpoint((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"status":"success","data":{"resultType":"matrix","result":[');
    const chunk = `"${'x'.repeat(1024 * 1024 - 3)}",`;
    const pump = () => {
      while (!res.destroyed && endless.written < 4 * 1024 * 1024 * 1024) {
        endless.written += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    res.on('close', () => { endless.closed = true; });
    pump();
  }), { written: 0, closed: false });
  declared = await endpoint((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(3 * 1024 * 1024 * 1024) });
    res.write('{');
  });
  redirecting = await endpoint((req, res) => {
    const to = req.url!.startsWith('/metadata') ? 'http://169.254.169.254/latest/meta-data/iam/' : req.url!.startsWith('/creds') ? elsewhere.url.replace('http://', 'http://admin:s3cret@') + '/api' : `${elsewhere.url}${req.url}`;
    res.writeHead(307, { location: to });
    res.end();
  });
  // A proxy that redirects /prom/... to /real/... on the same host (followed), and then answers.
  sameHost = await endpoint((req, res) => {
    if (req.url!.startsWith('/prom/')) {
      res.writeHead(308, { location: req.url!.replace('/prom/', '/real/') });
      res.end();
    } else res.end(SUCCESS);
  });
  servers.push(elsewhere, endless, declared, redirecting, sameHost);
});
afterAll(async () => {
  for (const s of servers) {
    s.server.closeAllConnections();
    await new Promise<void>((resolve) => s.server.close(() => resolve()));
  }
});

async function refusal(run: Promise<unknown>): Promise<PrometheusResponseError> {
  const error = await run.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(PrometheusResponseError);
  return error as PrometheusResponseError;
}

describe('PrometheusClient: bounded answers, no redirect to another host, no credentials in messages', () => {
  it('GIVEN an answer that never ends WHEN querying THEN it is abandoned past the bound, with a clear error, and the connection closed', async () => {
    const before = process.memoryUsage().rss;
    const client = new PrometheusClient(endless.url, { maxResponseBytes: 8 * 1024 * 1024 });
    const error = await refusal(client.queryRange('up', 0, 3600, 60));
    expect(error.message).toBe(`Prometheus at ${endless.url}/api/v1/query_range answered with more than 8 MiB: the answer was abandoned (narrow the --from/--to window or the query, or raise --max-response-mb)`);
    await expect.poll(() => endless.closed).toBe(true);
    // The server managed to send a bounded amount before the client stopped reading (socket buffers), nothing like 4 GiB.
    expect(endless.written).toBeLessThan(128 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('GIVEN a Content-Length over the bound THEN it is refused before reading', async () => {
    const error = await refusal(new PrometheusClient(declared.url).query('up', 0));
    expect(error.message).toContain('answered with more than 64 MiB');
  });

  it('GIVEN a redirect to another host THEN it is not followed, and that host never asked', async () => {
    const error = await refusal(new PrometheusClient(redirecting.url).query('up', 0));
    expect(error.message).toBe(`${redirecting.url}/api/v1/query redirected (307) to ${elsewhere.url}/api/v1/query, another host: not followed (a redirect must not send queries elsewhere, such as to a cloud metadata address); give --prometheus the URL Prometheus answers on`);
    expect(elsewhere.requests).toEqual([]);
  });

  it('GIVEN a redirect to a link-local metadata address THEN it is refused as such', async () => {
    const error = await refusal(new PrometheusClient(`${redirecting.url}/metadata`).query('up', 0));
    expect(error.message).toContain('to http://169.254.169.254/latest/meta-data/iam/, a link-local address: not followed');
  });

  it('GIVEN a redirect whose target carries credentials THEN the message does not show them', async () => {
    const error = await refusal(new PrometheusClient(`${redirecting.url}/creds`).query('up', 0));
    expect(error.message).not.toMatch(/s3cret|admin/);
    expect(elsewhere.requests).toEqual([]);
  });

  it('GIVEN a redirect on the same host (a proxy\'s path prefix) THEN it is followed, the POST repeated', async () => {
    const outcome = await new PrometheusClient(`${sameHost.url}/prom`).queryRange('up', 0, 60, 60);
    expect(outcome).toEqual({ byTime: new Map() });
    expect(sameHost.requests).toEqual(['POST /prom/api/v1/query_range', 'POST /real/api/v1/query_range']);
  });

  it('GIVEN nothing listening THEN the error says why, not only "fetch failed"', async () => {
    const closed = await endpoint(() => undefined);
    await new Promise<void>((resolve) => closed.server.close(() => resolve()));
    const error = await refusal(new PrometheusClient(closed.url).query('up', 0));
    expect(error.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query: fetch failed \(.*ECONNREFUSED.*\)$/);
  });

  it('redactUrl and isLinkLocal', () => {
    expect(redactUrl('https://u:p@prom.example/x')).toBe('https://prom.example/x');
    expect(isLinkLocal(new URL('http://169.254.169.254/'))).toBe(true);
    expect(isLinkLocal(new URL('http://[fe80::1]:9090/'))).toBe(true);
    expect(isLinkLocal(new URL('http://[::ffff:169.254.169.254]/'))).toBe(true);
    expect(isLinkLocal(new URL('http://10.0.0.1/'))).toBe(false);
  });
});

describe('analysis replay on a misbehaving endpoint', () => {
  const window = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T01:00:00Z', '--every', '1h'];
  const run = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['analysis', 'replay', 'dist/bitvault/prod', ...args, ...window], { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('GIVEN an endless answer and --max-response-mb 4 THEN exit 2 naming the bound', async () => {
    const r = await run('--prometheus', endless.url, '--max-response-mb', '4');
    expect(r.code).toBe(2);
    expect(r.err).toContain(`error: could not query Prometheus at ${endless.url}: Prometheus at ${endless.url}/api/v1/query_range answered with more than 4 MiB`);
  }, 120_000);

  it('GIVEN a redirect to another host THEN exit 2, the other host never asked; --json in the one error shape', async () => {
    const r = await run('--prometheus', redirecting.url, '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({ ok: false, exitCode: 2, errors: [{ location: redirecting.url, message: expect.stringContaining('another host: not followed') }] });
    expect(elsewhere.requests).toEqual([]);
  }, 120_000);

  it('GIVEN --max-response-mb that is not a size THEN a usage error', async () => {
    const r = await run('--prometheus', sameHost.url, '--max-response-mb', '0');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--max-response-mb must be a number of MiB above 0, got "0"');
  });
});
