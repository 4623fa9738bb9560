import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's PostgreSQL binaries (package `postgresql`), newest version first. */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'postgres'))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${root}: install Debian's postgresql package (apt-get install -y postgresql); .ci/run does`);
  return path.join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A PostgreSQL server of our own on 127.0.0.1: a fresh cluster in a temporary directory, stopped by PID. */
export interface TestServer {
  /** Superuser URL of the `postgres` database (trust authentication, loopback only). */
  readonly url: string;
  /**
   * URL of the least-privilege role the README documents for `--database-url` (LOGIN and CREATEDB,
   * nothing else), the one verification accepts without `--allow-superuser`.
   */
  readonly leastPrivilegeUrl: string;
  stop(): Promise<void>;
}

/**
 * initdb into a temporary directory and start `postgres` on a free port of 127.0.0.1 (no Unix socket
 * outside the directory). PostgreSQL refuses to run as root: as root (CI) it runs as the `postgres`
 * system user that Debian's package creates, through runuser. Waits at most `timeoutMs` for the server
 * to accept connections; a timer stops it after `lifetimeMs` whatever happens to the test.
 */
export async function startTestServer(timeoutMs = 60_000, lifetimeMs = 600_000): Promise<TestServer> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-delivery-pg-'));
  const data = path.join(dir, 'data');
  if (asRoot) execFileSync('chown', ['postgres:postgres', dir]);
  const run = (cmd: string, args: string[]) => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]) as [string, string[]];
  const [initCmd, initArgs] = run(path.join(bin, 'initdb'), ['-D', data, '-U', 'verify', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe', timeout: timeoutMs });
  const port = await freePort();
  const [cmd, args] = run(path.join(bin, 'postgres'), ['-D', data, '-h', '127.0.0.1', '-p', String(port), '-k', dir, '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off']);
  const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (c) => (log = (log + c).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const postmasterPid = () => {
    try {
      return Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // SIGINT to the postmaster itself (fast shutdown), by the PID it wrote; then the runuser wrapper.
    const pid = postmasterPid();
    if (pid) {
      try {
        process.kill(pid, 'SIGINT');
      } catch {
        /* already gone */
      }
    }
    const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
    if (!gone && child.pid) {
      if (pid) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      child.kill('SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const lifetime = setTimeout(() => void stop(), lifetimeMs);
  lifetime.unref();

  const url = `postgres://verify@127.0.0.1:${port}/postgres`;
  const { default: pg } = await import('pg');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (child.exitCode !== null || Date.now() > deadline) {
        await stop();
        throw new Error(`PostgreSQL did not start on 127.0.0.1:${port}: ${(error as Error).message}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // The README's least-privilege role: LOGIN and CREATEDB only.
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('CREATE ROLE cdk8s_delivery_verify LOGIN CREATEDB');
  } finally {
    await admin.end();
  }
  return { url, leastPrivilegeUrl: `postgres://cdk8s_delivery_verify@127.0.0.1:${port}/postgres`, stop: async () => { clearTimeout(lifetime); await stop(); } };
}
