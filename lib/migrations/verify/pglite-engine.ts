import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type SqlEngine } from './engine.js';

type PGliteInstance = import('@electric-sql/pglite').PGlite;

function wrap(db: PGliteInstance, version: string): SqlEngine {
  let closed = false;
  return {
    description: `PGlite (PostgreSQL ${version}, in-process)`,
    async exec(sql) {
      await db.exec(sql);
    },
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await db.query<T>(sql, [...params])).rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

async function versionOf(db: PGliteInstance): Promise<string> {
  return (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
}

/** Options of {@link startPglite}. */
export interface PgliteOptions {
  /**
   * Where the empty, initialised data directory is cached between runs (a gzipped tarball of a few MB
   * per PGlite version, written atomically, mode 0600). `false`: no cache, initdb every time.
   * @default `$XDG_CACHE_HOME/cdk8s-delivery` or `~/.cache/cdk8s-delivery`; off when `CDK8S_DELIVERY_PGLITE_CACHE=off`
   */
  readonly cacheDir?: string | false;
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
function readCache(file: string): Blob | undefined {
  try {
    return new Blob([gunzipSync(fs.readFileSync(file))]);
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
 * Starts an in-memory PGlite: a real PostgreSQL (18) compiled to WebAssembly, running in this process,
 * with its own wasm and data files shipped inside the npm package. Nothing listens on a port and the
 * database lives in memory. Loaded on first use only, so a synth whose migrations did not change never
 * pays for it. Most of a first start-up is PostgreSQL's initdb (seconds): the empty, initialised data
 * directory is cached (see {@link PgliteOptions.cacheDir}) and later starts load it instead; a cache
 * that does not load is ignored and rewritten.
 */
export async function startPglite(options: PgliteOptions = {}): Promise<SqlEngine> {
  const { PGlite } = await import('@electric-sql/pglite');
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cacheFile = cacheDir ? path.join(cacheDir, `pglite-${pgliteVersion()}-initdb-v1.tar.gz`) : undefined;
  const cached = cacheFile ? readCache(cacheFile) : undefined;
  if (cached) {
    try {
      const db = await PGlite.create({ loadDataDir: cached });
      return wrap(db, await versionOf(db));
    } catch {
      /* unusable cache: initdb below, and replace it */
    }
  }
  const db = await PGlite.create();
  if (cacheFile) writeCache(cacheFile, Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
  return wrap(db, await versionOf(db));
}

/**
 * A factory of fresh, empty PGlite databases that runs initdb once: the first call initialises a
 * cluster and keeps a dump of its empty data directory in memory; every call (the first included)
 * starts a new instance from that dump, in a fraction of initdb's time. For a synth with several
 * migration histories, and for tests.
 */
export function pgliteFactory(): () => Promise<SqlEngine> {
  let template: Promise<{ dump: Blob; version: string }> | undefined;
  return async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    template ??= (async () => {
      const db = await PGlite.create();
      try {
        return { dump: await db.dumpDataDir('none'), version: await versionOf(db) };
      } finally {
        await db.close();
      }
    })();
    const { dump, version } = await template;
    return wrap(await PGlite.create({ loadDataDir: dump }), version);
  };
}
