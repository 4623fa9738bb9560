import { randomBytes } from 'node:crypto';
import { MigrationInputError, errorMessage } from '../checker/errors.js';
import { type KillableEngine } from './budget.js';

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable database URL>';
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The prefix of every scratch database; the full name is `<prefix><unix seconds>_<12 hex>`. */
export const SCRATCH_PREFIX = 'cdk8s_delivery_verify_';
const SCRATCH_NAME = /^cdk8s_delivery_verify_(\d{10,})_[0-9a-f]{12}$/;
/** The comment every scratch database gets: with the name and the owner, what the sweep checks before dropping. */
export const SCRATCH_COMMENT = 'cdk8s-delivery lint-migrations --verify scratch database (dropped at the end of the run, swept by a later one)';

/** Options of {@link connectServer}. */
export interface ServerOptions {
  /**
   * `statement_timeout` of the session, in milliseconds (the verification budget of one file).
   * @default 60000
   */
  readonly statementTimeoutMs?: number;
  /**
   * Accept a role that is a superuser, has CREATEROLE, or is a member of pg_execute_server_program,
   * pg_write_server_files or pg_read_server_files.
   * @default false
   */
  readonly allowSuperuser?: boolean;
  /**
   * Scratch databases of this tool (name, comment and owner) older than this are dropped when connecting:
   * what a run killed with SIGKILL or a lost connection left behind.
   * @default 3600 (an hour: longer than any run, so another job's database is never taken)
   */
  readonly sweepAfterSeconds?: number;
}

/** What the connecting role may do beyond a migration's needs (empty: a least-privilege role). */
async function dangerousPowers(client: import('pg').Client): Promise<{ role: string; powers: string[] }> {
  const row = (await client.query<{ role: string; super: boolean; createrole: boolean; program: boolean; write: boolean; read: boolean }>(
    `SELECT current_user AS role, r.rolsuper AS super, r.rolcreaterole AS createrole,
            pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') AS program,
            pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') AS write,
            pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') AS read
       FROM pg_roles r WHERE r.rolname = current_user`)).rows[0];
  if (!row) return { role: '?', powers: [] };
  const powers = row.super
    ? ['SUPERUSER']
    : [row.createrole && 'CREATEROLE', row.program && 'pg_execute_server_program', row.write && 'pg_write_server_files', row.read && 'pg_read_server_files'].filter((p): p is string => typeof p === 'string');
  return { role: row.role, powers };
}

/** Drops the scratch databases this role left behind (name, comment and owner are the tool's, older than `maxAgeSeconds`). */
async function sweep(client: import('pg').Client, maxAgeSeconds: number): Promise<string[]> {
  const rows = (await client.query<{ datname: string }>(
    `SELECT d.datname FROM pg_database d
      WHERE d.datname LIKE 'cdk8s\_delivery\_verify\_%' AND pg_get_userbyid(d.datdba) = current_user
        AND shobj_description(d.oid, 'pg_database') = $1`, [SCRATCH_COMMENT])).rows;
  const now = Math.floor(Date.now() / 1000);
  const swept: string[] = [];
  for (const { datname } of rows) {
    const created = SCRATCH_NAME.exec(datname)?.[1];
    if (created === undefined || now - Number(created) < maxAgeSeconds) continue;
    try {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      swept.push(datname);
    } catch {
      /* another run sweeping at the same time, or no longer ours: left as it is */
    }
  }
  return swept;
}

/** Scratch databases to drop when the process is interrupted (SIGINT, SIGTERM), by name. */
const interruptible = new Map<string, () => Promise<void>>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_EXIT: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143 };

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const drops = [...interruptible.values()].map((drop) => drop().catch(() => undefined));
  const deadline = new Promise((resolve) => setTimeout(resolve, 10_000).unref());
  void Promise.race([Promise.all(drops), deadline]).finally(() => {
    process.stderr.write(`cdk8s-delivery: interrupted (${signal}); the scratch database${drops.length === 1 ? ' was' : 's were'} dropped\n`);
    process.exit(SIGNAL_EXIT[signal]);
  });
}

function watchSignals(name: string, drop: () => Promise<void>): () => void {
  if (interruptible.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  interruptible.set(name, drop);
  return () => {
    interruptible.delete(name);
    if (interruptible.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}

/**
 * Connects to a real PostgreSQL server (node-postgres), creates a scratch database with a random name
 * (`cdk8s_delivery_verify_<unix seconds>_<hex>`, owned by the connecting role, which needs CREATEDB) and
 * runs the session in it, with `statement_timeout` set to the budget of one file. close() disconnects and
 * drops the scratch database (WITH (FORCE)); so does SIGINT or SIGTERM while it is open; and scratch
 * databases of this role older than an hour (a run killed with SIGKILL) are dropped when connecting: the
 * server is left as it was found. A role that could change the server beyond the scratch database
 * (SUPERUSER, CREATEROLE, pg_execute_server_program, pg_write_server_files, pg_read_server_files) is
 * refused unless `allowSuperuser`. For migrations that need extensions or settings PGlite lacks.
 */
export async function connectServer(databaseUrl: string, options: ServerOptions = {}): Promise<KillableEngine> {
  const { default: pg } = await import('pg');
  const shown = redactUrl(databaseUrl);
  const fail = (what: string, error: unknown): never => {
    throw new MigrationInputError([{ location: shown, message: `${what}: ${errorMessage(error)}` }]);
  };
  const admin = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  admin.on('error', () => undefined);
  try {
    await admin.connect();
  } catch (error) {
    await admin.end().catch(() => undefined);
    fail('cannot connect to the database server', error);
  }
  if (!options.allowSuperuser) {
    const { role, powers } = await dangerousPowers(admin).catch(() => ({ role: '?', powers: [] as string[] }));
    if (powers.length > 0) {
      await admin.end().catch(() => undefined);
      throw new MigrationInputError([{
        location: shown,
        message: `the role ${role} has ${powers.join(', ')}: migrations under verification come from the pull request and would run with it — ` +
          '`COPY … FROM PROGRAM` runs programs on the database host, CREATE ROLE and ALTER SYSTEM outlive the scratch database. ' +
          'Connect as a role with only LOGIN and CREATEDB (README: "A least-privilege role for --database-url"), or pass --allow-superuser to accept the risk',
      }]);
    }
  }
  await sweep(admin, options.sweepAfterSeconds ?? 3600).catch(() => undefined);
  const scratch = `${SCRATCH_PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    fail(`cannot create the scratch database ${scratch} (the role needs CREATEDB)`, error);
  }
  let dropped: Promise<void> | undefined;
  const dropScratch = () => (dropped ??= (async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  })());
  const unwatch = watchSignals(scratch, dropScratch);
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(scratch)} IS '${SCRATCH_COMMENT.replace(/'/g, "''")}'`).catch(() => undefined);
  const url = new URL(databaseUrl);
  url.pathname = `/${scratch}`;
  const session = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000, statement_timeout: options.statementTimeoutMs ?? 60_000 });
  session.on('error', () => undefined);
  try {
    await session.connect();
  } catch (error) {
    await session.end().catch(() => undefined);
    await dropScratch();
    unwatch();
    fail(`cannot connect to the scratch database ${scratch}`, error);
  }
  const version = (await session.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
  let closed = false;
  return {
    description: `${shown.replace(/\/[^/]*$/, '')} (PostgreSQL ${version}, scratch database ${scratch})`,
    async exec(sql) {
      await session.query(sql);
    },
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await session.query(sql, [...params])).rows as T[];
    },
    async close() {
      if (closed) return;
      closed = true;
      await session.end().catch(() => undefined);
      await dropScratch();
      unwatch();
    },
    async kill() {
      closed = true;
      // DROP … WITH (FORCE) terminates the session's backend, whatever it runs; the client is then closed without waiting.
      await dropScratch().catch(() => undefined);
      unwatch();
      void session.end().catch(() => undefined);
    },
  };
}
