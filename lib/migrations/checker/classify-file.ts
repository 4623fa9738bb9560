import { CLASS_RANK, type ClassifyContext, type StatementClassification, classifyStatement, relationName } from './classify.js';
import { type ProceduralBody } from './procedural.js';
import { type MigrationFile, type ParsedStatement } from './sql-file.js';

/** A statement of a migration file with its classification and position. */
export interface ClassifiedStatement extends StatementClassification {
  /** File name within the migrations directory. */
  readonly file: string;
  /** `file:line:column` of the statement's first character. */
  readonly location: string;
  /** 0-based position in the file. */
  readonly index: number;
  /** The SQL text, without the `;`. */
  readonly sql: string;
  /** Runs inside a transaction block (explicit BEGIN … COMMIT, or a runner that wraps every file). */
  readonly inTransaction: boolean;
}

/** Whether a TransactionStmt opens (true), closes (false) or leaves (undefined) a transaction block. */
function transactionEffect(statement: ParsedStatement): boolean | undefined {
  const kind = statement.node.TransactionStmt?.kind;
  if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') return true;
  if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK' || kind === 'TRANS_STMT_PREPARE') return false;
  return undefined;
}

/**
 * Classifies every statement of a file in order, tracking the tables it creates (later statements
 * on them are expand) and whether each statement runs inside a transaction block.
 */
export function classifyFile(file: MigrationFile, assumeInTransaction = false): ClassifiedStatement[] {
  const createdTables = new Set<string>();
  let inBlock = false;
  return file.statements.map((statement) => {
    const classification = statement.body ? classifyBody(statement.node, statement.body, { createdTables }) : classifyStatement(statement.node, { createdTables });
    const effect = transactionEffect(statement);
    const inTransaction = assumeInTransaction || (inBlock && effect === undefined);
    if (effect !== undefined) inBlock = effect;
    const stmt = statement.node[statement.nodeType];
    const created = statement.nodeType === 'CreateStmt' ? relationName(stmt.relation) : statement.nodeType === 'CreateTableAsStmt' ? relationName(stmt.into?.rel) : undefined;
    if (created) createdTables.add(created);
    return {
      ...classification,
      file: file.name,
      location: `${file.path}:${statement.line}:${statement.column}`,
      index: statement.index,
      sql: statement.sql,
      inTransaction,
    };
  });
}

/**
 * A DO block or function classified by what its body runs: the worst class of its statements (a
 * `DROP COLUMN` inside `DO $$ … $$` is a contract change), blocking when any is, and unclassifiable
 * when part of it cannot be seen. A body of neutral statements is neutral.
 */
function classifyBody(node: Record<string, any>, body: ProceduralBody, context: ClassifyContext): StatementClassification {
  const where = body.context === 'do-block' ? 'inside the DO block' : 'in the function body';
  const outer = classifyStatement(node, context);
  const inner = body.statements.map((s) => classifyStatement(s.node, context));
  let worst = outer;
  for (const c of inner) if (CLASS_RANK[c.class] > CLASS_RANK[worst.class]) worst = c;
  const blocking = outer.blocking || inner.some((c) => c.blocking);
  const base: StatementClassification = worst === outer ? { ...outer, blocking } : { ...worst, reason: `${where}: ${worst.reason}`, blocking };
  return body.unclassifiable ? { ...base, unclassifiable: body.unclassifiable } : base;
}
