import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../lib/cli/main.js';

/**
 * Issue 26, defect 4: `analysis replay` against an endpoint that answers every query with Prometheus'
 * `status: error` (a wrong path behind a proxy) exits 2 with Prometheus' own message instead of "100 %
 * aborted", and URL credentials never reach a message.
 */

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

// An HTTP endpoint shaped like Prometheus' API behind a misconfigured proxy: every query is refused with Prometheus' error body.
let server: Server;
let url: string;
let requests = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    req.resume();
    req.on('end', () => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": 1:1: parse error: unexpected end of input' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const window = ['--from', '2026-01-01T00:00:00Z', '--to', '2026-01-01T02:00:00Z', '--every', '1h'];

describe('analysis replay on a failing Prometheus', () => {
  it('GIVEN every query answered with status: error WHEN replaying THEN exit 2 with Prometheus\' message, not a verdict', async () => {
    const c = capture();
    const code = await main(['analysis', 'replay', 'dist/bitvault/prod', '--prometheus', url, ...window], c.io);
    expect(requests).toBeGreaterThan(0);
    expect(code).toBe(2);
    expect(c.out.join('\n')).not.toMatch(/aborted/);
    expect(c.err).toEqual([expect.stringContaining(`Prometheus answered every query (${requests}) with an error, so nothing was replayed: bad_data: invalid parameter "query": 1:1: parse error`)]);
  }, 120_000);

  it('GIVEN --json WHEN every query fails THEN the one error shape of every command', async () => {
    const c = capture();
    expect(await main(['analysis', 'replay', 'dist/bitvault/prod', '--prometheus', url, ...window, '--json'], c.io)).toBe(2);
    expect(JSON.parse(c.out.join('\n'))).toEqual({ ok: false, exitCode: 2, errors: [{ location: url, message: expect.stringContaining('bad_data') }] });
  }, 120_000);

  it('GIVEN a URL with credentials WHEN replaying THEN it is refused without repeating them', async () => {
    const c = capture();
    const code = await main(['analysis', 'replay', 'dist/bitvault/prod', '--prometheus', url.replace('http://', 'http://admin:s3cret@'), ...window], c.io);
    expect(code).toBe(2);
    expect([...c.out, ...c.err].join('\n')).not.toMatch(/s3cret|admin/);
    expect(c.err[0]).toContain('--prometheus must not carry credentials');
  });
});
