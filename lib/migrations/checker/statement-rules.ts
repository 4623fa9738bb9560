import { type Finding } from '../../validation/finding.js';
import { type MigrationMarker } from './annotations.js';
import { type ClassifiedStatement } from './classify-file.js';
import { MigrationRule, type MigrationRuleId } from './rules.js';
import { type ParsedStatement } from './sql-file.js';
import { contractKind } from './statement-kinds.js';

/** A finding about one statement (statement index), so excuses and squawk's overlap can be matched. */
export interface StatementFinding {
  readonly finding: Finding;
  readonly statement?: number;
}

/** The statement text for a finding's `value`: whitespace collapsed so it reads on one line. */
export function statementValue(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

const REWRITES: ReadonlySet<string> = new Set(['vacuum-full', 'cluster', 'set-tablespace', 'set-logged', 'set-unlogged', 'refresh-materialized-view']);

/** How a statement fails on a rerun, and its rerunnable form. */
interface Rerun {
  readonly why: string;
  readonly form: string;
}

const EXISTS = 'the second run fails because it already exists';
const GONE = 'the second run fails because it is already gone';

/** Why a statement cannot be rerun after a partial failure and its rerunnable form, or undefined when it can. */
function rerun(statement: ParsedStatement): Rerun | undefined {
  const stmt = statement.node[statement.nodeType] ?? {};
  const create = (what: string, ok: boolean): Rerun | undefined => (ok ? undefined : { why: EXISTS, form: `CREATE ${what}` });
  const inBlock: Rerun = { why: EXISTS, form: 'BEGIN; … COMMIT; around it (or a DO block that ignores duplicate_object), since it has no IF NOT EXISTS' };
  switch (statement.nodeType) {
    case 'CreateStmt':
      return create('TABLE IF NOT EXISTS …', stmt.if_not_exists);
    case 'CreateTableAsStmt':
      return create(`${stmt.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} IF NOT EXISTS … AS …`, stmt.if_not_exists);
    case 'IndexStmt':
      return create('INDEX CONCURRENTLY IF NOT EXISTS <explicit name> ON …', stmt.if_not_exists && stmt.idxname);
    case 'CreateSeqStmt':
      return create('SEQUENCE IF NOT EXISTS …', stmt.if_not_exists);
    case 'CreateSchemaStmt':
      return create('SCHEMA IF NOT EXISTS …', stmt.if_not_exists);
    case 'CreateExtensionStmt':
      return create('EXTENSION IF NOT EXISTS …', stmt.if_not_exists);
    case 'ViewStmt':
      return create('OR REPLACE VIEW …', stmt.replace);
    case 'CreateFunctionStmt':
      return create('OR REPLACE FUNCTION …', stmt.replace);
    case 'CreateTrigStmt':
      return create('OR REPLACE TRIGGER …', stmt.replace);
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateRangeStmt':
    case 'CreateDomainStmt':
    case 'CreatePolicyStmt':
      return inBlock;
    case 'DropStmt':
      return stmt.missing_ok ? undefined : { why: GONE, form: 'DROP … IF EXISTS …' };
    case 'AlterEnumStmt':
      return stmt.oldVal || stmt.skipIfNewValExists ? undefined : { why: EXISTS, form: "ALTER TYPE … ADD VALUE IF NOT EXISTS '…'" };
    case 'InsertStmt':
      return stmt.onConflictClause ? undefined : { why: 'the second run inserts the rows again, or fails on a unique key', form: 'INSERT … ON CONFLICT DO NOTHING (or DO UPDATE)' };
    case 'AlterTableStmt': {
      const cmds = (stmt.cmds ?? []).map((c: any) => c.AlterTableCmd ?? {});
      const missing = cmds.find((c: any) => ['AT_AddColumn', 'AT_DropColumn', 'AT_DropConstraint'].includes(c.subtype) && !c.missing_ok);
      if (missing?.subtype === 'AT_AddColumn') return { why: EXISTS, form: 'ADD COLUMN IF NOT EXISTS …' };
      if (missing) return { why: GONE, form: `${missing.subtype === 'AT_DropColumn' ? 'DROP COLUMN' : 'DROP CONSTRAINT'} IF EXISTS …` };
      return cmds.some((c: any) => c.subtype === 'AT_AddConstraint') ? { why: EXISTS, form: 'BEGIN; … COMMIT; around it, since ADD CONSTRAINT has no IF NOT EXISTS' } : undefined;
    }
    case 'RenameStmt':
      return { why: 'the second run fails because the old name is gone', form: 'BEGIN; … COMMIT; around it, so a failed run rolls back' };
    default:
      return undefined;
  }
}

function isConcurrent(statement: ParsedStatement, classified: ClassifiedStatement): boolean {
  const stmt = statement.node[statement.nodeType] ?? {};
  if (statement.nodeType === 'IndexStmt' || statement.nodeType === 'DropStmt') return stmt.concurrent === true;
  if (statement.nodeType === 'ReindexStmt') return classified.kind === 'reindex-concurrently';
  if (statement.nodeType === 'AlterTableStmt') return (stmt.cmds ?? []).some((c: any) => c.AlterTableCmd?.def?.PartitionCmd?.concurrent);
  return false;
}

/**
 * The checker's own statement rules for one file (what squawk has no rule for): contract statements
 * outside a contract migration, CONCURRENTLY inside a transaction, table rewrites, unbatched
 * backfills, explicit locks and statements that cannot be rerun after a partial failure.
 */
export function statementRuleFindings(
  statements: readonly ParsedStatement[],
  classified: readonly ClassifiedStatement[],
  marker: MigrationMarker,
): StatementFinding[] {
  const out: StatementFinding[] = [];
  for (const statement of statements) {
    const c = classified[statement.index];
    const add = (rule: MigrationRuleId, message: string, fix: string) =>
      out.push({ statement: statement.index, finding: { location: c.location, field: c.kind, value: statementValue(c.sql), rule, message, fix } });
    if (c.class === 'contract' && marker !== 'contract') {
      const kind = contractKind(c.kind);
      add(MigrationRule.CONTRACT_UNMARKED, `${c.kind} is a contract change in a migration not marked as one: ${kind.why}`, kind.fix);
    }
    const copy = statement.nodeType === 'CopyStmt' ? statement.node.CopyStmt : undefined;
    if (copy && (copy.is_program || typeof copy.filename === 'string')) {
      add(MigrationRule.SERVER_ACCESS, copy.is_program
        ? `COPY … ${copy.is_from ? 'FROM' : 'TO'} PROGRAM runs ${JSON.stringify(copy.filename ?? '')} as a program on the database host (as the server's operating-system user): a migration is about the schema, and this reaches the machine`
        : `COPY … ${copy.is_from ? 'FROM' : 'TO'} ${JSON.stringify(copy.filename)} reads or writes a file on the database host, not in the database: it depends on that machine's disk and needs pg_${copy.is_from ? 'read' : 'write'}_server_files`,
      'load data with INSERT … SELECT or COPY … FROM STDIN from the migration runner (psql \\copy), never with a program or a server file');
    }
    if (c.unclassifiable) {
      add(MigrationRule.UNCLASSIFIABLE, `${c.kind === 'do' || statement.nodeType === 'DoStmt' ? 'a DO block' : 'a function body'} runs ${c.unclassifiable}: it may contract the schema or block, and nothing here can tell`,
        'write the statements out as plain SQL (or PL/pgSQL without EXECUTE), or excuse it with `-- cdk8s-delivery:allow migration/unclassifiable reason: <what it runs and why that is safe>`');
    }
    if (c.inTransaction && isConcurrent(statement, c)) {
      add(
        MigrationRule.CONCURRENTLY_IN_TRANSACTION,
        'CONCURRENTLY cannot run inside a transaction block: PostgreSQL rejects the statement',
        'move it after COMMIT (or out of a runner transaction), keeping IF [NOT] EXISTS so a rerun is safe',
      );
    }
    if (c.blocking && REWRITES.has(c.kind)) {
      add(MigrationRule.TABLE_REWRITE, `${c.reason}: nothing else can use it until the rewrite ends`, c.kind === 'refresh-materialized-view'
        ? 'REFRESH MATERIALIZED VIEW CONCURRENTLY … (needs a unique index on the view)'
        : 'do not rewrite live tables from a migration: use pg_repack or REPACK (CONCURRENTLY) out of band, or keep the table as is');
    }
    if (c.blocking && (c.kind === 'update-all-rows' || c.kind === 'delete-all-rows')) {
      add(MigrationRule.UNBATCHED_BACKFILL, `${c.kind} touches every row in one transaction: long row locks, WAL and bloat on a large table`,
        'backfill in batches (… WHERE id > $last ORDER BY id LIMIT 10000, one transaction each) from a job after the expand migration');
    }
    if (c.kind === 'lock-table' && c.blocking) {
      add(MigrationRule.EXPLICIT_LOCK, 'LOCK TABLE holds the lock until the transaction ends and queues every query on the table behind it',
        "drop the explicit lock; if one is unavoidable, SET lock_timeout = '2s' first and keep the transaction short");
    }
    const failure = c.inTransaction ? undefined : rerun(statement);
    if (failure) {
      add(MigrationRule.NON_IDEMPOTENT, `${c.kind} cannot be rerun after a partial failure (the migration Job retries the file): ${failure.why}`, `use ${failure.form}`);
    }
  }
  return out;
}
