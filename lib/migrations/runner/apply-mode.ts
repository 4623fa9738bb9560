/**
 * How the migration runner applies one file, shared by the runner the Job runs (psql) and by
 * `lint-migrations --verify` (PGlite), so both apply the same files the same way:
 *
 * - in one transaction (`BEGIN`, the file, the history row, `COMMIT`): a failure leaves nothing of the
 *   file behind and the file is not recorded, so the next sync applies it again from the start;
 * - without a wrapping transaction when PostgreSQL refuses a statement of the file inside a transaction
 *   block (`CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY`, `REINDEX … CONCURRENTLY`, `DETACH
 *   PARTITION … CONCURRENTLY`, `VACUUM`, `CREATE`/`DROP DATABASE`, `ALTER SYSTEM`, tablespaces), or when the
 *   file manages its own transactions (`BEGIN`/`COMMIT` in the file): its statements run one by one, and
 *   the history row is written after the last one. A failure part-way leaves the statements before it
 *   applied: the checker's idempotence rules (IF [NOT] EXISTS, …) are what make the retry safe.
 */

/** One parsed statement: its node type and parse tree node (libpg-query's shape). */
export interface StatementNode {
  readonly nodeType: string;
  readonly node: Record<string, any>;
}

/** How a file is applied. */
export interface ApplyMode {
  /** Wrapped in one transaction together with its history row. */
  readonly inTransaction: boolean;
  /** Why not, when not: e.g. `CREATE INDEX CONCURRENTLY cannot run inside a transaction block`. */
  readonly reason?: string;
  /** Builds an index concurrently: a failed build leaves an INVALID index that the runner checks for. */
  readonly buildsIndexConcurrently: boolean;
}

const NEVER_IN_TRANSACTION: Readonly<Record<string, string>> = {
  CreatedbStmt: 'CREATE DATABASE',
  DropdbStmt: 'DROP DATABASE',
  AlterSystemStmt: 'ALTER SYSTEM',
  CreateTableSpaceStmt: 'CREATE TABLESPACE',
  DropTableSpaceStmt: 'DROP TABLESPACE',
};

/** The statement, when PostgreSQL refuses to run it inside a transaction block. */
export function refusedInTransaction(statement: StatementNode): string | undefined {
  const stmt = statement.node[statement.nodeType] ?? {};
  if (statement.nodeType === 'IndexStmt' && stmt.concurrent === true) return 'CREATE INDEX CONCURRENTLY';
  if (statement.nodeType === 'DropStmt' && stmt.concurrent === true) return 'DROP INDEX CONCURRENTLY';
  if (statement.nodeType === 'ReindexStmt' && (stmt.params ?? []).some((p: any) => p?.DefElem?.defname === 'concurrently')) return 'REINDEX CONCURRENTLY';
  if (statement.nodeType === 'AlterTableStmt' && (stmt.cmds ?? []).some((c: any) => c?.AlterTableCmd?.def?.PartitionCmd?.concurrent)) return 'DETACH PARTITION CONCURRENTLY';
  // ANALYZE is a VacuumStmt too (without is_vacuumcmd), and runs in a transaction.
  if (statement.nodeType === 'VacuumStmt') return stmt.is_vacuumcmd === true ? 'VACUUM' : undefined;
  return NEVER_IN_TRANSACTION[statement.nodeType];
}

/** Whether the statement is transaction control (`BEGIN`, `COMMIT`, `ROLLBACK`, …). */
function isTransactionControl(statement: StatementNode): boolean {
  return statement.nodeType === 'TransactionStmt';
}

/** How the runner applies a file with these statements (see the module comment). */
export function applyModeOf(statements: readonly StatementNode[]): ApplyMode {
  const buildsIndexConcurrently = statements.some((s) => {
    const refused = refusedInTransaction(s);
    return refused === 'CREATE INDEX CONCURRENTLY' || refused === 'REINDEX CONCURRENTLY';
  });
  for (const statement of statements) {
    const refused = refusedInTransaction(statement);
    if (refused) return { inTransaction: false, reason: `${refused} cannot run inside a transaction block`, buildsIndexConcurrently };
  }
  if (statements.some(isTransactionControl)) return { inTransaction: false, reason: 'the file manages its own transactions (BEGIN/COMMIT)', buildsIndexConcurrently };
  return { inTransaction: true, buildsIndexConcurrently };
}
