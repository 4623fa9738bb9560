import { type MigrationFile, type ParsedStatement, locationOf } from '../checker/sql-file.js';
import { type DatabaseErrorInfo, type SqlEngine, databaseError } from './engine.js';

/** A statement that failed, where, and what the database said. */
export interface StatementFailure {
  readonly file: MigrationFile;
  readonly statement: ParsedStatement;
  /** `file:line:column`: PostgreSQL's error position inside the statement when it gave one, else the statement's start. */
  readonly location: string;
  readonly error: DatabaseErrorInfo;
}

/** Statements that change only the session, never the schema: no snapshot is needed after them. */
const SESSION_ONLY: ReadonlySet<string> = new Set(['VariableSetStmt', 'VariableShowStmt', 'TransactionStmt', 'DiscardStmt']);

/** Whether the schema may have changed after this statement. */
export function mayChangeSchema(statement: ParsedStatement): boolean {
  return !SESSION_ONLY.has(statement.nodeType);
}

/** Options of {@link applyFile}. */
export interface ApplyOptions {
  /** Wrap the file in BEGIN/COMMIT, as a runner that runs every file in a transaction does. @default false */
  readonly inTransaction?: boolean;
  /** Called after every statement that ran and may have changed the schema. */
  readonly afterStatement?: (statement: ParsedStatement) => Promise<void>;
}

/**
 * Runs one migration file statement by statement in the session, the way `psql -f` or a migration
 * runner does: each statement on its own (so CREATE INDEX CONCURRENTLY runs outside a transaction),
 * stopping at the first error. After an error an open transaction is rolled back, so the session can
 * go on with the next file. Returns the failure, or undefined when every statement succeeded.
 */
export async function applyFile(engine: SqlEngine, file: MigrationFile, options: ApplyOptions = {}): Promise<StatementFailure | undefined> {
  if (options.inTransaction) await engine.exec('BEGIN');
  for (const statement of file.statements) {
    const refused = serverAccess(statement);
    if (refused) {
      // Never run on the verification database: it would run a program or touch files on its host (the linter reports it too).
      await engine.exec('ROLLBACK').catch(() => undefined);
      return { file, statement, location: locationOf(file, statement.start), error: { message: refused } };
    }
    try {
      await engine.exec(statement.sql);
    } catch (error) {
      const info = databaseError(error);
      const at = info.position !== undefined && info.position <= statement.sql.length ? statement.start + indexOfCodePoint(statement.sql, info.position - 1) : statement.start;
      await engine.exec('ROLLBACK').catch(() => undefined);
      return { file, statement, location: locationOf(file, at), error: info };
    }
    if (options.afterStatement && mayChangeSchema(statement)) await options.afterStatement(statement);
  }
  if (options.inTransaction) await engine.exec('COMMIT');
  return undefined;
}

/** Why a statement is not run by the verification (COPY … PROGRAM, COPY to or from a server file), or undefined. */
function serverAccess(statement: ParsedStatement): string | undefined {
  if (statement.nodeType !== 'CopyStmt') return undefined;
  const copy = statement.node.CopyStmt ?? {};
  if (copy.is_program) return `not run: COPY … PROGRAM would run ${JSON.stringify(copy.filename ?? '')} on the database host (migration/server-access)`;
  if (typeof copy.filename === 'string') return `not run: COPY … ${JSON.stringify(copy.filename)} would ${copy.is_from ? 'read' : 'write'} a file on the database host (migration/server-access)`;
  return undefined;
}

/** The string index of the n-th code point (PostgreSQL counts characters, JavaScript UTF-16 units). */
function indexOfCodePoint(text: string, n: number): number {
  let index = 0;
  for (let i = 0; i < n && index < text.length; i++) index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}
