import { randomBytes } from 'node:crypto';
import { MigrationInputError, errorMessage } from '../checker/errors.js';
import { type SqlEngine } from './engine.js';

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

/**
 * Connects to a real PostgreSQL server (node-postgres), creates a scratch database with a random name
 * (`cdk8s_delivery_verify_<hex>`, owned by the connecting role, which needs CREATEDB) and runs the
 * session in it. close() disconnects and drops the scratch database (WITH (FORCE)): the server is left
 * as it was found. For migrations that need extensions or settings PGlite lacks.
 */
export async function connectServer(databaseUrl: string): Promise<SqlEngine> {
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
  const scratch = `cdk8s_delivery_verify_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(scratch)}`);
  } catch (error) {
    await admin.end().catch(() => undefined);
    fail(`cannot create the scratch database ${scratch} (the role needs CREATEDB)`, error);
  }
  const dropScratch = async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
  const url = new URL(databaseUrl);
  url.pathname = `/${scratch}`;
  const session = new pg.Client({ connectionString: url.toString(), connectionTimeoutMillis: 10_000 });
  session.on('error', () => undefined);
  try {
    await session.connect();
  } catch (error) {
    await session.end().catch(() => undefined);
    await dropScratch();
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
    },
  };
}
