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

/** The string index of the n-th code point (PostgreSQL counts characters, JavaScript UTF-16 units). */
function indexOfCodePoint(text: string, n: number): number {
  let index = 0;
  for (let i = 0; i < n && index < text.length; i++) index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  return index;
}
