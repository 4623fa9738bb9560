import fs from 'node:fs/promises';
import path from 'node:path';
import { MigrationInputError, errorMessage } from '../checker/errors.js';
import { type ParsedStatement, locationOf, parseMigration, sortMigrationNames } from '../checker/sql-file.js';
import { type DatabaseErrorInfo, type SqlEngine, databaseError, formatDatabaseError } from './engine.js';

/** One query the previous release runs, with the values bound to its `$n` parameters. */
export interface CompatibilityQuery {
  /** `file:line:column` of the query. */
  readonly location: string;
  readonly sql: string;
  /**
   * Values of `$1..$n` from a `-- params: [...]` comment (a JSON array) right above the query.
   * Without one, a query with parameters is only prepared (planned against the schema, not run).
   */
  readonly params?: readonly unknown[];
  readonly hasParameters: boolean;
}

/** A compatibility query that failed, with the database's error. */
export interface CompatibilityFailure {
  readonly query: CompatibilityQuery;
  readonly error: DatabaseErrorInfo;
}

const PARAMS = /^--\s*params\s*:\s*(.*)$/i;

function paramsOf(statement: ParsedStatement, location: string): readonly unknown[] | undefined {
  const comment = [...statement.comments].reverse().find((c) => PARAMS.test(c.text.trim()));
  if (!comment) return undefined;
  const raw = PARAMS.exec(comment.text.trim())![1];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new MigrationInputError([{ location, message: `the -- params: comment is not a JSON array: ${errorMessage(error)}` }]);
  }
  if (!Array.isArray(value)) throw new MigrationInputError([{ location, message: 'the -- params: comment must be a JSON array, e.g. -- params: ["alice", 42]' }]);
  return value;
}

/**
 * Reads a folder of the previous release's queries (`*.sql`, every statement one query: its reads and
 * writes, with `$1..$n` parameters and a `-- params: [...]` comment giving their values).
 */
export async function readCompatibilityQueries(dir: string): Promise<CompatibilityQuery[]> {
  let names: string[];
  try {
    names = sortMigrationNames((await fs.readdir(dir, { withFileTypes: true })).filter((d) => d.isFile()).map((d) => d.name));
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot read the compatibility queries: ${errorMessage(error)}` }]);
  }
  if (names.length === 0) throw new MigrationInputError([{ location: dir, message: 'has no *.sql compatibility queries' }]);
  const queries: CompatibilityQuery[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      throw new MigrationInputError([{ location: file, message: `cannot read the compatibility query: ${errorMessage(error)}` }]);
    }
    const parsed = await parseMigration(name, file, text);
    for (const statement of parsed.statements) {
      const location = locationOf(parsed, statement.start);
      queries.push({ location, sql: statement.sql, params: paramsOf(statement, location), hasParameters: JSON.stringify(statement.node).includes('"ParamRef"') });
    }
  }
  return queries;
}

/**
 * Runs every query inside one transaction that is always rolled back (a savepoint per query, so one
 * failure does not hide the next): nothing the queries write stays. A query with parameters but no
 * values is prepared and deallocated, which checks its tables, columns and types without running it.
 */
export async function runCompatibilityQueries(engine: SqlEngine, queries: readonly CompatibilityQuery[]): Promise<CompatibilityFailure[]> {
  const failures: CompatibilityFailure[] = [];
  await engine.exec('BEGIN');
  try {
    for (const [i, query] of queries.entries()) {
      await engine.exec('SAVEPOINT cdk8s_delivery_compat');
      try {
        if (query.params) await engine.query(query.sql, query.params);
        else if (query.hasParameters) {
          await engine.exec(`PREPARE cdk8s_delivery_compat_${i} AS ${query.sql}`);
          await engine.exec(`DEALLOCATE cdk8s_delivery_compat_${i}`);
        } else await engine.exec(query.sql);
        await engine.exec('RELEASE SAVEPOINT cdk8s_delivery_compat');
      } catch (error) {
        failures.push({ query, error: databaseError(error) });
        await engine.exec('ROLLBACK TO SAVEPOINT cdk8s_delivery_compat');
      }
    }
  } finally {
    await engine.exec('ROLLBACK');
  }
  return failures;
}

/** `file:line:column: ERROR ...` for messages. */
export function describeFailure(failure: CompatibilityFailure): string {
  return `${failure.query.location}: ${formatDatabaseError(failure.error)}`;
}
