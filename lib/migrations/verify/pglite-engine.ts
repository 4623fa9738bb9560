import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedPackage } from '../../core/package-version.js';
import { isPrivateFolder } from '../../core/private-folder.js';
import { DEFAULT_VERIFY_BUDGET, type KillableEngine } from './budget.js';

/**
 * V8 flags of PGlite's child: WebAssembly compiled by Liftoff, V8's baseline compiler, only. By default V8 also
 * recompiles every hot function of PostgreSQL (a 9 MB module) with TurboFan in background threads, which a child
 * that lives for a few seconds never earns back: a cold verification of the bench's migrations took 3.2–3.5 s of the
 * child's CPU with it and 1.2–1.3 s without, and no longer in wall time (session 33). Same WebAssembly, same results:
 * the compiler changes how fast PostgreSQL runs, not what it does.
 */
export const PGLITE_V8_FLAGS: readonly string[] = ['--liftoff-only'];

/**
 * PGlite runs in a child process of its own: a statement that never ends (PGlite ignores `statement_timeout`) blocks
 * only the child, which the verification budget (budget.ts) kills, and everything PostgreSQL held (its WebAssembly
 * code and heap, about 200 MiB) goes back to the system when the child exits — a worker thread's memory stayed in the
 * synth's process (~200 MiB of 500 after its worker ended, issue 25). The child's code is this string (no file of its
 * own to bundle): it imports the installed PGlite and answers one message per call.
 *
 * The data directory is a real folder (PGlite's NodeFS), a copy of an initialised, empty one: PostgreSQL reads its
 * pages from the file system instead of an in-memory copy of the whole cluster (40 MB, held two or three times while
 * a tarball was unpacked), and starts with small shared buffers (SETTINGS): the verification's schemas are a few
 * kilobytes, and the default 128 MB of buffers (and the WAL buffers sized from them) were WebAssembly heap.
 */
const CHILD = `
let db;
// Before PGlite's WebAssembly is compiled (PGLITE_V8_FLAGS); a flag this V8 does not know is ignored.
for (const flag of ${JSON.stringify(PGLITE_V8_FLAGS)}) require('node:v8').setFlagsFromString(flag);
// From its first line, while the parent copies the data directory: PGlite's module and its WebAssembly compiled.
const loaded = (async () => {
  const { PGlite } = await import(process.env.CDK8S_DELIVERY_PGLITE_URL);
  const wasm = await WebAssembly.compile(require('node:fs').readFileSync(new URL('./pglite.wasm', process.env.CDK8S_DELIVERY_PGLITE_URL)));
  return { PGlite, wasm };
})();
loaded.catch(() => undefined);
// Started early (startPgliteEarly): the data directory copied and PostgreSQL started from the first line too, while
// the parent builds the app; the 'start' message then waits for it.
const early = process.env.CDK8S_DELIVERY_PGLITE_CHILD_EARLY && JSON.parse(process.env.CDK8S_DELIVERY_PGLITE_CHILD_EARLY);
const created = early && (async () => {
  const fs = require('node:fs');
  await fs.promises.cp(early.template, early.dataDir, { recursive: true, mode: fs.constants.COPYFILE_FICLONE });
  const { PGlite, wasm } = await loaded;
  return PGlite.create({ dataDir: early.dataDir, pgliteWasmModule: wasm, startParams: [...PGlite.defaultStartParams, ...early.settings] });
})();
if (created) created.catch(() => undefined);
const fail = (id, e) => process.send({ id, error: { message: String(e && e.message || e), code: e && e.code, detail: e && e.detail, hint: e && e.hint, position: e && e.position } });
process.on('message', async (m) => {
  try {
    if (m.op === 'start') {
      if (m.early) db = await created;
      else {
        const { PGlite, wasm } = await loaded;
        db = await PGlite.create({ dataDir: m.dataDir, pgliteWasmModule: wasm, startParams: [...PGlite.defaultStartParams, ...m.settings] });
      }
      const version = (await db.query("SELECT current_setting('server_version') AS v")).rows[0].v;
      process.send({ id: m.id, result: { version } });
    } else if (m.op === 'exec') {
      await db.exec(m.sql);
      process.send({ id: m.id });
    } else if (m.op === 'query') {
      process.send({ id: m.id, result: (await db.query(m.sql, m.params)).rows });
    } else if (m.op === 'close') {
      await db.close();
      process.send({ id: m.id }, () => process.disconnect());
    }
  } catch (e) {
    fail(m.id, e);
  }
});
`;

/**
 * PostgreSQL settings of the verification's server, on top of PGlite's own start parameters: 8 MB of shared buffers
 * (1,024 pages; PostgreSQL's default, 128 MB, was WebAssembly heap, and the WAL buffers are sized from it). It changes
 * what the server keeps in memory, not what a statement does (a larger table is read from the data directory).
 */
const SETTINGS = ['-c', 'shared_buffers=8MB'];

/** A PostgreSQL error as the child sent it, with the fields databaseError() reads. */
class ChildDatabaseError extends Error {
  constructor(fields: { message: string; code?: string; detail?: string; hint?: string; position?: string }) {
    super(fields.message);
    Object.assign(this, { code: fields.code, detail: fields.detail, hint: fields.hint, position: fields.position });
  }
}

/** Scratch data directories of this process not yet removed; what is left when it exits is removed then (a crash). */
const scratchDirs = new Set<string>();
let exitHook = false;
/**
 * Removes a scratch data directory in the background (about 1,000 files: a second of unlinks on a slow disk, which the
 * synth does not wait for); whatever is left at exit is removed then.
 */
function removeScratch(dir: string): void {
  void fs.promises.rm(dir, { recursive: true, force: true }).then(() => scratchDirs.delete(dir), () => undefined);
}
function newScratch(): string {
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => { for (const dir of scratchDirs) fs.rmSync(dir, { recursive: true, force: true }); });
    sweepScratch();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-delivery-pglite-${process.pid}-`));
  scratchDirs.add(dir);
  return dir;
}

/**
 * Removes, in the background, the scratch folders of processes that no longer run (killed, or ended before their
 * background removal did: a test runner's worker): their names carry the pid that made them.
 */
function sweepScratch(): void {
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^cdk8s-delivery-pglite-(\d+)-/.exec(name)?.[1]);
    if (!pid || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') void fs.promises.rm(path.join(os.tmpdir(), name), { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** One PGlite in a child process: calls as messages, a crash or kill rejects what is pending. */
class PgliteChild {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  private next = 0;
  private gone: Error | undefined;
  private readonly exited: Promise<void>;

  /** `early`: the child copies `template` into `dataDir` and starts PostgreSQL on it at once (startPgliteEarly). */
  constructor(memoryMb: number, early?: { template: string; dataDir: string }) {
    // No inherited --import (tsx) or inspector flags: the child runs plain JavaScript. Its JavaScript heap is capped
    // like the worker's was; stdout and stderr are PostgreSQL's log, not shown.
    this.child = spawn(process.execPath, [`--max-old-space-size=${memoryMb}`, '-e', CHILD], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, NODE_OPTIONS: '', CDK8S_DELIVERY_PGLITE_URL: pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href,
        CDK8S_DELIVERY_PGLITE_CHILD_EARLY: early ? JSON.stringify({ ...early, settings: SETTINGS }) : '' },
    });
    this.idle();
    this.child.on('message', (m: { id: number; result?: unknown; error?: ConstructorParameters<typeof ChildDatabaseError>[0] }) => {
      const call = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.idle();
      if (m.error) call?.reject(new ChildDatabaseError(m.error));
      else call?.resolve(m.result);
    });
    const end = (error: Error) => {
      this.gone ??= error;
      for (const call of this.pending.values()) call.reject(this.gone);
      this.pending.clear();
    };
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error) => { end(new Error(`PGlite stopped: ${error.message.split('\n')[0]}`)); resolve(); });
      this.child.on('exit', (code, signal) => { end(new Error(`PGlite stopped (exit ${signal ?? `code ${code}`})`)); resolve(); });
    });
  }

  /** The child's resident set size in bytes (Linux), for the memory budget; undefined where /proc is not there. */
  rss(): number | undefined {
    try {
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'))?.[1];
      return kb === undefined ? undefined : Number(kb) * 1024;
    } catch {
      return undefined;
    }
  }

  call<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    if (this.gone) return Promise.reject(this.gone);
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      // A call in flight keeps the parent's event loop alive, an idle child does not.
      this.child.ref();
      this.child.channel?.ref();
      this.child.send({ id, op, ...fields });
    });
  }

  /** Kills the child (whatever it runs) and waits for its exit. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Waits for the child to exit after `close` (it disconnects), killing it if it does not within 5 s. */
  async ended(): Promise<void> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }

  private idle(): void {
    this.child.unref();
    this.child.channel?.unref();
  }
}

/**
 * Starts PGlite in a child process on the folder `data` gives (initdb there when it holds no cluster): the child loads
 * PGlite and compiles its WebAssembly while `data` is made (a copy of the template). With `scratch`, the folder is
 * removed when the engine ends.
 */
async function startChild(data: string | (() => Promise<string>), memoryMb: number, scratch: boolean): Promise<KillableEngine> {
  const child = new PgliteChild(memoryMb);
  let dataDir: string;
  try {
    dataDir = typeof data === 'string' ? data : await data();
  } catch (error) {
    await child.kill();
    throw error;
  }
  return engineOf(child, dataDir, scratch, false);
}

/** The engine of a child: PostgreSQL started on `dataDir` (already, or now when not `early`). */
async function engineOf(child: PgliteChild, dataDir: string, scratch: boolean, early: boolean): Promise<KillableEngine> {
  const cleanup = () => { if (scratch) removeScratch(dataDir); };
  let version: string;
  try {
    ({ version } = await child.call<{ version: string }>('start', early ? { early: true } : { dataDir, settings: SETTINGS }));
  } catch (error) {
    await child.kill();
    cleanup();
    throw error;
  }
  let closed = false;
  return {
    description: `PGlite (PostgreSQL ${version}, in a child process)`,
    async exec(sql) {
      await child.call('exec', { sql });
    },
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return child.call<T[]>('query', { sql, params: [...params] });
    },
    async close() {
      if (closed) return;
      closed = true;
      await child.call('close').then(() => child.ended(), () => child.kill());
      cleanup();
    },
    async kill() {
      closed = true;
      await child.kill();
      cleanup();
    },
    memoryBytes: () => child.rss(),
  };
}

/** Options of {@link startPglite}. */
export interface PgliteOptions {
  /**
   * Where the empty, initialised data directory is cached between runs (a folder of about 40 MB per PGlite version,
   * made by initdb once, moved into place atomically; used only when the folder is private to the user: ../../core/private-folder.ts); each start copies it to a scratch folder.
   * `false`: no cache, initdb every time.
   * @default `$XDG_CACHE_HOME/cdk8s-delivery` or `~/.cache/cdk8s-delivery`; off when `CDK8S_DELIVERY_PGLITE_CACHE=off`
   */
  readonly cacheDir?: string | false;
  /**
   * The JavaScript heap of PGlite's child process, in MB (the verification budget's memory).
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
  return installedPackage(createRequire(import.meta.url).resolve('@electric-sql/pglite'), '@electric-sql/pglite')?.version ?? 'unknown';
}

/** PGlite's child started before it is known to be needed: see {@link startPgliteEarly}. */
export interface EarlyPglite {
  /** The engine on the early child, the first time (then undefined): it rejects as startPglite would, if it failed. */
  take(): Promise<KillableEngine> | undefined;
  /** Kills the child and removes its data directory, unless it was taken. */
  discard(): Promise<void>;
}

/**
 * Starts PGlite's child now, on a copy of the cached template that the child makes itself, so that compiling the
 * WebAssembly, copying the data directory and starting PostgreSQL (about a second of a cold verification) run on
 * another core while this process does something else — even while it is busy without yielding (building the app).
 * Synchronous; undefined, and nothing started, when the template is not cached yet in a private folder (initdb is
 * then startPglite's). The engine {@link EarlyPglite.take} gives is the one startPglite would give.
 */
export function startPgliteEarly(options: PgliteOptions = {}): EarlyPglite | undefined {
  const memoryMb = options.memoryMb ?? DEFAULT_VERIFY_BUDGET.memoryMb;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  if (!cacheDir || !isPrivateFolder(cacheDir)) return undefined;
  const template = path.join(cacheDir, `pglite-${pgliteVersion()}-datadir-v2`);
  if (!fs.existsSync(path.join(template, 'PG_VERSION'))) return undefined;
  const dataDir = newScratch();
  const child = new PgliteChild(memoryMb, { template, dataDir });
  let taken = false;
  return {
    take() {
      if (taken) return undefined;
      taken = true;
      return engineOf(child, dataDir, true, true);
    },
    async discard() {
      if (taken) return;
      taken = true;
      await child.kill();
      removeScratch(dataDir);
    },
  };
}

/** A copy of the template data directory in a new scratch folder (copy-on-write clones where the file system has them). */
function copyOf(template: string): () => Promise<string> {
  return async () => {
    const dir = newScratch();
    await fs.promises.cp(template, dir, { recursive: true, mode: fs.constants.COPYFILE_FICLONE });
    return dir;
  };
}

/** Runs initdb into `dir` (a PGlite started on an empty folder initialises it) and stops the server cleanly. */
async function initdb(dir: string, memoryMb: number): Promise<void> {
  const engine = await startChild(dir, memoryMb, false);
  await engine.close();
}

/**
 * The cached template of this PGlite version, made when missing: initdb into a private temporary folder next to it,
 * renamed into place (another run that got there first wins; ours is removed). Undefined when it cannot be written, or
 * when `cacheDir` is not private to this user. Exported for its tests.
 */
export async function cachedTemplate(cacheDir: string, memoryMb: number): Promise<string | undefined> {
  // A data directory someone else could have written (a prepared catalog that makes a failing migration pass) is not
  // used: the cache folder must be private to this user (made 0700 when missing), else every start runs initdb.
  if (!isPrivateFolder(cacheDir)) return undefined;
  const template = path.join(cacheDir, `pglite-${pgliteVersion()}-datadir-v2`);
  if (fs.existsSync(path.join(template, 'PG_VERSION'))) return template;
  let tmp: string;
  try {
    fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
    tmp = fs.mkdtempSync(`${template}.tmp-`);
  } catch {
    return undefined;
  }
  try {
    await initdb(tmp, memoryMb);
    // Another run's template that got there first is kept: others may be copying it (a synth's early child, a test
    // file beside this one); only an unusable one (no PG_VERSION) is replaced.
    if (fs.existsSync(path.join(template, 'PG_VERSION'))) fs.rmSync(tmp, { recursive: true, force: true });
    else {
      fs.rmSync(template, { recursive: true, force: true });
      fs.renameSync(tmp, template);
    }
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return fs.existsSync(path.join(template, 'PG_VERSION')) ? template : undefined;
}

/**
 * Starts PGlite: a real PostgreSQL (18) compiled to WebAssembly, in a child process (which the verification budget
 * can kill whatever a statement does, and whose memory is returned when it ends), with its own wasm and data files
 * shipped inside the npm package. Nothing listens on a port, and the data directory is a scratch folder removed when
 * the engine closes. Loaded on first use only, so a synth whose migrations did not change never pays for it. Most of a
 * first start-up is PostgreSQL's initdb (seconds): the empty, initialised data directory is cached (see
 * {@link PgliteOptions.cacheDir}) and later starts copy it instead; a cache that does not start is replaced.
 */
export async function startPglite(options: PgliteOptions = {}): Promise<KillableEngine> {
  const memoryMb = options.memoryMb ?? DEFAULT_VERIFY_BUDGET.memoryMb;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const template = cacheDir ? await cachedTemplate(cacheDir, memoryMb) : undefined;
  if (template) {
    try {
      return await startChild(copyOf(template), memoryMb, true);
    } catch {
      /* an unusable cache (a PGlite that fails on it): initdb below, and replace it */
      fs.rmSync(template, { recursive: true, force: true });
      const again = cacheDir ? await cachedTemplate(cacheDir, memoryMb) : undefined;
      if (again) return startChild(copyOf(again), memoryMb, true);
    }
  }
  const dir = newScratch();
  await initdb(dir, memoryMb);
  return startChild(dir, memoryMb, true);
}

/**
 * A factory of fresh, empty PGlite databases that runs initdb at most once: every call starts a new instance on a
 * copy of the cached template (or, with the cache off, of one initialised for this factory, removed when the process
 * exits). For a synth with several migration histories, and for tests.
 */
export function pgliteFactory(options: PgliteOptions = {}): () => Promise<KillableEngine> {
  const memoryMb = options.memoryMb ?? DEFAULT_VERIFY_BUDGET.memoryMb;
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  let template: Promise<string> | undefined;
  return async () => {
    template ??= (async () => {
      const cached = cacheDir ? await cachedTemplate(cacheDir, memoryMb) : undefined;
      if (cached) return cached;
      const dir = newScratch();
      await initdb(dir, memoryMb);
      return dir;
    })();
    return startChild(copyOf(await template), memoryMb, true);
  };
}
