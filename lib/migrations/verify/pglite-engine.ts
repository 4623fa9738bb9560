import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DEFAULT_VERIFY_BUDGET, type KillableEngine } from './budget.js';

/**
 * PGlite runs in a worker thread: a statement that never ends (PGlite ignores `statement_timeout`) blocks
 * only the worker, which the verification budget (budget.ts) terminates. The worker's code is this string
 * (no file of its own to bundle): it imports the installed PGlite and answers one message per call.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
const fail = (id, e) => parentPort.postMessage({ id, error: { message: String(e && e.message || e), code: e && e.code, detail: e && e.detail, hint: e && e.hint, position: e && e.position } });
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'start') {
      const { PGlite } = await import(workerData.pglite);
      db = m.dump ? await PGlite.create({ loadDataDir: new Blob([m.dump]) }) : await PGlite.create();
      const version = (await db.query("SELECT current_setting('server_version') AS v")).rows[0].v;
      const dump = m.wantDump ? await (await db.dumpDataDir('none')).arrayBuffer() : undefined;
      parentPort.postMessage({ id: m.id, result: { version, dump } }, dump ? [dump] : []);
    } else if (m.op === 'exec') {
      await db.exec(m.sql);
      parentPort.postMessage({ id: m.id });
    } else if (m.op === 'query') {
      parentPort.postMessage({ id: m.id, result: (await db.query(m.sql, m.params)).rows });
    } else if (m.op === 'close') {
      await db.close();
      parentPort.postMessage({ id: m.id });
    }
  } catch (e) {
    fail(m.id, e);
  }
});
`;

/** A PostgreSQL error as the worker sent it, with the fields databaseError() reads. */
class WorkerDatabaseError extends Error {
  constructor(fields: { message: string; code?: string; detail?: string; hint?: string; position?: string }) {
    super(fields.message);
    Object.assign(this, { code: fields.code, detail: fields.detail, hint: fields.hint, position: fields.position });
  }
}

/** One PGlite in a worker thread: calls as messages, a crash or termination rejects what is pending. */
class PgliteWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private next = 0;
  private gone: Error | undefined;

  constructor(memoryMb: number) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { pglite: pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href },
      resourceLimits: { maxOldGenerationSizeMb: memoryMb },
      stdout: true,
      stderr: true,
    });
    this.worker.unref();
    this.worker.on('message', (m: { id: number; result?: unknown; error?: ConstructorParameters<typeof WorkerDatabaseError>[0] }) => {
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) call?.reject(new WorkerDatabaseError(m.error));
      else call?.resolve(m.result);
    });
    const end = (error: Error) => {
      this.gone ??= error;
      for (const call of this.pending.values()) call.reject(this.gone);
      this.pending.clear();
    };
    this.worker.on('error', (error) => end(new Error(`PGlite stopped: ${error.message.split('\n')[0]}`)));
    this.worker.on('exit', (code) => end(new Error(`PGlite stopped (worker exit code ${code})`)));
  }

  call<T>(op: string, fields: Record<string, unknown> = {}, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, ...fields }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Starts a worker with PGlite from `dump` (an empty data directory), or from initdb; with `wantDump`, returns its dump too. */
async function startWorker(dump: ArrayBuffer | undefined, wantDump: boolean, memoryMb: number): Promise<{ engine: KillableEngine; version: string; dump?: ArrayBuffer }> {
  const worker = new PgliteWorker(memoryMb);
  let started: { version: string; dump?: ArrayBuffer };
  try {
    started = await worker.call('start', { dump, wantDump });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let closed = false;
  const engine: KillableEngine = {
    description: `PGlite (PostgreSQL ${started.version}, in-process)`,
    async exec(sql) {
      await worker.call('exec', { sql });
    },
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return worker.call<T[]>('query', { sql, params: [...params] });
    },
    async close() {
      if (closed) return;
      closed = true;
      await worker.call('close').catch(() => undefined);
      await worker.terminate();
    },
    async kill() {
      closed = true;
      await worker.terminate();
    },
  };
  return { engine, version: started.version, dump: started.dump };
}

/** Options of {@link startPglite}. */
export interface PgliteOptions {
  /**
   * Where the empty, initialised data directory is cached between runs (a gzipped tarball of a few MB
   * per PGlite version, written atomically, mode 0600). `false`: no cache, initdb every time.
   * @default `$XDG_CACHE_HOME/cdk8s-delivery` or `~/.cache/cdk8s-delivery`; off when `CDK8S_DELIVERY_PGLITE_CACHE=off`
   */
  readonly cacheDir?: string | false;
  /**
   * The JavaScript heap of PGlite's worker thread, in MB (the verification budget's memory).
   * @default 1024
   */
  readonly memoryMb?: number;
}

function defaultCacheDir(): string | false {
  if (process.env.CDK8S_DELIVERY_PGLITE_CACHE === 'off') return false;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  return base ? path.join(base, 'cdk8s-delivery') : false;
}

/** The installed PGlite's version, from its package.json (its `exports` hide the file from import). */
function pgliteVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 4; i++, dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === '@electric-sql/pglite') return String(pkg.version);
    } catch {
      /* keep walking up */
    }
  }
  return 'unknown';
}

/** The cached initdb of this PGlite version, when there is a readable one. */
function readCache(file: string): ArrayBuffer | undefined {
  try {
    const tar = gunzipSync(fs.readFileSync(file));
    return tar.buffer.slice(tar.byteOffset, tar.byteOffset + tar.byteLength) as ArrayBuffer;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, tar: Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, gzipSync(tar, { level: 1 }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    /* a cache that cannot be written only costs the next run an initdb */
  }
}

/**
 * Starts an in-memory PGlite: a real PostgreSQL (18) compiled to WebAssembly, running in a worker thread
 * of this process (which the verification budget can terminate whatever a statement does), with its own
 * wasm and data files shipped inside the npm package. Nothing listens on a port and the
 * database lives in memory. Loaded on first use only, so a synth whose migrations did not change never
 * pays for it. Most of a first start-up is PostgreSQL's initdb (seconds): the empty, initialised data
 * directory is cached (see {@link PgliteOptions.cacheDir}) and later starts load it instead; a cache
 * that does not load is ignored and rewritten.
 */
export async function startPglite(options: PgliteOptions = {}): Promise<KillableEngine> {
  const memoryMb = options.memoryMb ?? DEFAULT_VERIFY_BUDGET.memoryMb;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cacheFile = cacheDir ? path.join(cacheDir, `pglite-${pgliteVersion()}-initdb-v1.tar.gz`) : undefined;
  const cached = cacheFile ? readCache(cacheFile) : undefined;
  if (cached) {
    try {
      return (await startWorker(cached, false, memoryMb)).engine;
    } catch {
      /* unusable cache (not a data directory, a PGlite that crashes on it): initdb below, and replace it */
    }
  }
  const { engine, dump } = await startWorker(undefined, cacheFile !== undefined, memoryMb);
  if (cacheFile && dump) writeCache(cacheFile, Buffer.from(dump));
  return engine;
}

/**
 * A factory of fresh, empty PGlite databases that runs initdb once: the first call initialises a
 * cluster and keeps a dump of its empty data directory in memory; every call (the first included)
 * starts a new instance from that dump, in a fraction of initdb's time. For a synth with several
 * migration histories, and for tests.
 */
export function pgliteFactory(options: Pick<PgliteOptions, 'memoryMb'> = {}): () => Promise<KillableEngine> {
  const memoryMb = options.memoryMb ?? DEFAULT_VERIFY_BUDGET.memoryMb;
  let template: Promise<ArrayBuffer> | undefined;
  return async () => {
    template ??= (async () => {
      const { engine, dump } = await startWorker(undefined, true, memoryMb);
      await engine.close();
      return dump!;
    })();
    return (await startWorker(await template, false, memoryMb)).engine;
  };
}
