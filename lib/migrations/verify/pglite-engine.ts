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

/**
 * Starts an in-memory PGlite: a real PostgreSQL (18) compiled to WebAssembly, running in this process,
 * with its own wasm and data files shipped inside the npm package. Nothing is written to disk and
 * nothing listens on a port. Loaded on first use only, so a synth whose migrations did not change never
 * pays for it. Most of the start-up is PostgreSQL's initdb (seconds); see {@link pgliteFactory} to
 * start many.
 */
export async function startPglite(): Promise<SqlEngine> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
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
