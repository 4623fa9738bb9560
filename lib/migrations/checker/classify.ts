/**
 * Classifies one statement from its PostgreSQL parse tree:
 * - `expand`: additive, safe for the previous release still running during a canary or rolling update;
 * - `contract`: removes or reshapes something the previous release may use (see statement-kinds.ts);
 * - `blocking`: additive but takes a long lock or rewrites the table (non-concurrent index, constraint
 *   validated in place, volatile default, VACUUM FULL, unbatched backfill, ...);
 * - `neutral`: changes no schema (session settings, transaction control, bounded data changes).
 * A contract statement can also block (`blocking: true`, e.g. ALTER COLUMN TYPE rewrites the table).
 * Squawk decides the lock-safety findings where it has a rule: this classification is what the parse
 * tree alone shows, e.g. SET NOT NULL is blocking even when a validated CHECK makes it cheap.
 */

/** See the module comment. */
export type StatementClass = 'expand' | 'contract' | 'blocking' | 'neutral';

/** What one statement does to the schema, as far as its parse tree tells. */
export interface StatementClassification {
  /** Stable kebab-case kind, e.g. `drop-column`, `create-index-concurrently`, `set`. */
  readonly kind: string;
  readonly class: StatementClass;
  /** Takes a long lock or rewrites the table, whatever its class. */
  readonly blocking: boolean;
  /** Why it has this class, in one phrase. */
  readonly reason: string;
  /** The table (or other relation) it changes, as written (`schema.name` or `name`), when there is one. */
  readonly target?: string;
  /**
   * Why part of what the statement runs cannot be known offline (a DO block in another language,
   * dynamic EXECUTE): such a statement needs an excuse (`migration/unclassifiable`).
   */
  readonly unclassifiable?: string;
}

/** What earlier statements of the same file tell about this one. */
export interface ClassifyContext {
  /** Tables created earlier in the same migration: they hold no rows and no old code uses them. */
  readonly createdTables?: ReadonlySet<string>;
}

/** Functions whose DEFAULT does not force a table rewrite (not VOLATILE). Anything else is treated as volatile, like squawk. */
const NON_VOLATILE_FUNCTIONS: ReadonlySet<string> = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'lower', 'upper', 'concat', 'make_interval',
  'jsonb_build_object', 'json_build_object', 'jsonb_build_array', 'json_build_array', 'to_jsonb',
]);

/** serial types are an integer column with a `nextval()` default: volatile. */
const SERIAL_TYPES: ReadonlySet<string> = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

export const CLASS_RANK: Readonly<Record<StatementClass, number>> = { contract: 3, blocking: 2, expand: 1, neutral: 0 };

function result(kind: string, cls: StatementClass, reason: string, blocking = cls === 'blocking'): StatementClassification {
  return { kind, class: cls, blocking, reason };
}

const expand = (kind: string, reason = 'adds to the schema; the previous release ignores it') => result(kind, 'expand', reason);
const contract = (kind: string, reason: string, blocking = false) => result(kind, 'contract', reason, blocking);
const blocking = (kind: string, reason: string) => result(kind, 'blocking', reason);
const neutral = (kind: string, reason = 'changes no schema') => result(kind, 'neutral', reason);

/** `schema.name` or `name` of a RangeVar (`public.` dropped so both spellings match). */
export function relationName(rangeVar: any): string | undefined {
  if (!rangeVar?.relname) return undefined;
  return rangeVar.schemaname && rangeVar.schemaname !== 'public' ? `${rangeVar.schemaname}.${rangeVar.relname}` : rangeVar.relname;
}

/** `OBJECT_MATVIEW` → `materialized-view`, `OBJECT_TABCONSTRAINT` → `constraint`. */
function objectKind(objtype: string | undefined): string {
  const special: Record<string, string> = { OBJECT_MATVIEW: 'materialized-view', OBJECT_TABCONSTRAINT: 'constraint', OBJECT_FOREIGN_TABLE: 'foreign-table' };
  if (!objtype) return 'object';
  return special[objtype] ?? objtype.replace(/^OBJECT_/, '').toLowerCase().replace(/_/g, '-');
}

/** `AlterTableStmt` → `alter-table`. */
function nodeKind(nodeType: string): string {
  const special: Record<string, string> = { CreateSeqStmt: 'create-sequence', CreateTrigStmt: 'create-trigger', DefineStmt: 'create-definition', CommentStmt: 'comment' };
  return special[nodeType] ?? nodeType.replace(/Stmt$/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
}

function hasVolatileCall(expression: unknown): boolean {
  if (Array.isArray(expression)) return expression.some(hasVolatileCall);
  if (typeof expression !== 'object' || expression === null) return false;
  const call = (expression as any).FuncCall;
  if (call) {
    const name: string = call.funcname?.at(-1)?.String?.sval ?? '';
    if (!NON_VOLATILE_FUNCTIONS.has(name.toLowerCase())) return true;
  }
  return Object.values(expression).some(hasVolatileCall);
}

function constraintsOf(columnDef: any): any[] {
  return (columnDef?.constraints ?? []).map((c: any) => c.Constraint).filter(Boolean);
}

function isFalse(defElem: any): boolean {
  const arg = defElem?.arg;
  return arg?.Boolean?.boolval === false || arg?.String?.sval === 'false' || arg?.String?.sval === 'off' || arg?.Integer?.ival === 0;
}

function hasOption(options: any[] | undefined, name: string): boolean {
  return (options ?? []).some((o) => o.DefElem?.defname === name && !isFalse(o.DefElem));
}

function addColumn(columnDef: any): StatementClassification {
  const constraints = constraintsOf(columnDef);
  const defaultExpr = constraints.find((c) => c.contype === 'CONSTR_DEFAULT')?.raw_expr;
  if (constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v')) {
    return blocking('add-generated-column', 'a stored generated column rewrites the table under an ACCESS EXCLUSIVE lock');
  }
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY')) {
    return blocking('add-identity-column', 'filling an identity column rewrites the table under an ACCESS EXCLUSIVE lock');
  }
  const typeName: string = columnDef?.typeName?.names?.at(-1)?.String?.sval ?? '';
  if ((defaultExpr && hasVolatileCall(defaultExpr)) || SERIAL_TYPES.has(typeName.toLowerCase())) {
    return blocking('add-column-volatile-default', 'a volatile DEFAULT (or serial) rewrites the table under an ACCESS EXCLUSIVE lock');
  }
  if (constraints.some((c) => ['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_EXCLUSION', 'CONSTR_FOREIGN', 'CONSTR_CHECK'].includes(c.contype))) {
    return blocking('add-column-with-constraint', 'an inline constraint builds an index or scans the table while holding the lock');
  }
  if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL') && !defaultExpr) {
    return contract('add-required-column', 'a NOT NULL column without a DEFAULT rejects the previous release\'s inserts');
  }
  return expand('add-column', 'a nullable column or one with a constant DEFAULT is ignored by the previous release');
}

function addConstraint(constraint: any): StatementClassification {
  switch (constraint?.contype) {
    case 'CONSTR_CHECK':
    case 'CONSTR_FOREIGN':
      return constraint.skip_validation
        ? expand('add-constraint-not-valid', 'NOT VALID skips the scan of existing rows; VALIDATE CONSTRAINT later takes a weak lock')
        : blocking('add-constraint', 'validating the constraint scans the table while writes are blocked');
    case 'CONSTR_UNIQUE':
    case 'CONSTR_PRIMARY':
      return constraint.indexname
        ? expand('add-constraint-using-index', 'USING INDEX reuses an index built concurrently')
        : blocking(constraint.contype === 'CONSTR_UNIQUE' ? 'add-unique-constraint' : 'add-primary-key', 'builds the index under an ACCESS EXCLUSIVE lock');
    case 'CONSTR_EXCLUSION':
      return blocking('add-exclusion-constraint', 'builds the index under an ACCESS EXCLUSIVE lock');
    case 'CONSTR_NOTNULL':
      return contract('set-not-null', 'the previous release may still write NULL', true);
    default:
      return expand('add-constraint');
  }
}

function alterTableCommand(cmd: any): StatementClassification {
  switch (cmd.subtype) {
    case 'AT_AddColumn':
      return addColumn(cmd.def?.ColumnDef);
    case 'AT_DropColumn':
      return contract('drop-column', 'removes a column the previous release may use');
    case 'AT_AlterColumnType':
      return contract('alter-column-type', 'changes a type the previous release reads and writes, rewriting the table', true);
    case 'AT_SetNotNull':
      return contract('set-not-null', 'the previous release may still write NULL; the check scans the table under ACCESS EXCLUSIVE', true);
    case 'AT_DropNotNull':
      return contract('drop-not-null', 'the previous release may not expect NULL');
    case 'AT_ColumnDefault':
      return cmd.def ? expand('set-default', 'a new default only affects rows inserted without the column') : contract('drop-default', 'the previous release may rely on the default');
    case 'AT_AddConstraint':
      return addConstraint(cmd.def?.Constraint);
    case 'AT_ValidateConstraint':
      return expand('validate-constraint', 'VALIDATE CONSTRAINT scans under a SHARE UPDATE EXCLUSIVE lock, which does not block reads or writes');
    case 'AT_DropConstraint':
      return contract('drop-constraint', 'removes a constraint the previous release may rely on');
    case 'AT_AttachPartition':
      return expand('attach-partition');
    case 'AT_DetachPartition':
      return cmd.def?.PartitionCmd?.concurrent
        ? contract('detach-partition', 'removes the partition\'s rows from the table')
        : contract('detach-partition', 'removes the partition\'s rows from the table under an ACCESS EXCLUSIVE lock', true);
    case 'AT_DropInherit':
      return contract('drop-inheritance', 'removes the child\'s rows from the parent\'s queries');
    case 'AT_SetTableSpace':
      return blocking('set-tablespace', 'SET TABLESPACE moves every row under an ACCESS EXCLUSIVE lock');
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
      return blocking(cmd.subtype === 'AT_SetLogged' ? 'set-logged' : 'set-unlogged', 'SET LOGGED / UNLOGGED rewrites the table under an ACCESS EXCLUSIVE lock');
    default:
      return neutral(`alter-table-${String(cmd.subtype).replace(/^AT_/, '').replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}`);
  }
}

function alterTable(stmt: any): StatementClassification {
  const results = (stmt.cmds ?? []).map((c: any) => alterTableCommand(c.AlterTableCmd ?? {}));
  if (results.length === 0) return neutral('alter-table');
  const worst = results.reduce((a: StatementClassification, b: StatementClassification) => (CLASS_RANK[b.class] > CLASS_RANK[a.class] ? b : a));
  return { ...worst, blocking: results.some((r: StatementClassification) => r.blocking) };
}

function drop(stmt: any): StatementClassification {
  const kind = objectKind(stmt.removeType);
  if (kind === 'index') {
    return stmt.concurrent
      ? contract('drop-index-concurrently', 'removes an index the previous release may rely on')
      : contract('drop-index', 'removes an index the previous release may rely on, under an ACCESS EXCLUSIVE lock', true);
  }
  return contract(`drop-${kind}`, `removes a ${kind.replace(/-/g, ' ')} the previous release may use`);
}

function classifyNode(nodeType: string, stmt: any): StatementClassification {
  switch (nodeType) {
    case 'CreateStmt':
      return expand('create-table');
    case 'CreateTableAsStmt':
      return stmt.objtype === 'OBJECT_MATVIEW' ? expand('create-materialized-view') : expand('create-table-as');
    case 'IndexStmt':
      return stmt.concurrent
        ? expand('create-index-concurrently', 'CONCURRENTLY builds the index without blocking writes')
        : blocking('create-index', 'a plain CREATE INDEX blocks writes to the table until the index is built');
    case 'AlterTableStmt':
      return alterTable(stmt);
    case 'RenameStmt': {
      const kind = stmt.renameType === 'OBJECT_TABCONSTRAINT' ? 'constraint' : objectKind(stmt.renameType);
      return contract(`rename-${kind}`, `the previous release still uses the old ${kind.replace(/-/g, ' ')} name`);
    }
    case 'DropStmt':
      return drop(stmt);
    case 'DropdbStmt':
      return contract('drop-database', 'removes the whole database');
    case 'TruncateStmt':
      return contract('truncate', 'deletes every row the previous release reads');
    case 'AlterEnumStmt':
      return stmt.oldVal ? contract('rename-enum-value', 'the previous release still uses the old label') : expand('add-enum-value');
    case 'GrantStmt':
      return stmt.is_grant ? expand('grant') : contract('revoke', 'the previous release may need the privilege');
    case 'ViewStmt':
      return expand(stmt.replace ? 'create-or-replace-view' : 'create-view');
    case 'CreateFunctionStmt':
      return expand(stmt.replace ? 'create-or-replace-function' : 'create-function');
    case 'CreateEnumStmt':
    case 'CompositeTypeStmt':
    case 'CreateRangeStmt':
      return expand('create-type');
    case 'UpdateStmt':
      return stmt.whereClause
        ? neutral('update', 'a data change bounded by WHERE')
        : blocking('update-all-rows', 'rewrites every row in one transaction, holding row locks and bloating the table');
    case 'DeleteStmt':
      return stmt.whereClause ? neutral('delete', 'a data change bounded by WHERE') : contract('delete-all-rows', 'deletes every row in one transaction', true);
    case 'VacuumStmt':
      if (!stmt.is_vacuumcmd) return neutral('analyze');
      return hasOption(stmt.options, 'full') ? blocking('vacuum-full', 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock') : neutral('vacuum');
    case 'ClusterStmt':
      return blocking('cluster', 'CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock');
    case 'ReindexStmt':
      return hasOption(stmt.params, 'concurrently')
        ? expand('reindex-concurrently', 'REINDEX CONCURRENTLY does not block writes')
        : blocking('reindex', 'a plain REINDEX blocks writes (and reads that use the index)');
    case 'RefreshMatViewStmt':
      return stmt.concurrent
        ? neutral('refresh-materialized-view-concurrently')
        : blocking('refresh-materialized-view', 'REFRESH MATERIALIZED VIEW without CONCURRENTLY rewrites the view under an ACCESS EXCLUSIVE lock');
    case 'LockStmt':
      return blocking('lock-table', 'holds an explicit table lock until the transaction ends');
    case 'VariableSetStmt':
      return neutral(stmt.kind === 'VAR_RESET' || stmt.kind === 'VAR_RESET_ALL' ? 'reset' : 'set', 'a session setting');
    case 'TransactionStmt':
      return neutral('transaction', 'transaction control');
    case 'SelectStmt':
    case 'InsertStmt':
    case 'DoStmt':
      return neutral(nodeKind(nodeType));
    default:
      return nodeType.startsWith('Create') || nodeType.startsWith('Define') || nodeType === 'CommentStmt'
        ? expand(nodeKind(nodeType))
        : neutral(nodeKind(nodeType));
  }
}

/** The relation a statement changes, when it names one. */
function targetOf(nodeType: string, stmt: any): string | undefined {
  if (nodeType === 'CreateTableAsStmt') return relationName(stmt.into?.rel);
  if (nodeType === 'DropStmt' && stmt.removeType === 'OBJECT_TABLE') {
    const names: string[] = (stmt.objects?.[0]?.List?.items ?? []).map((i: any) => i.String?.sval);
    return names.length === 0 ? undefined : relationName({ schemaname: names.length > 1 ? names.at(-2) : undefined, relname: names.at(-1) });
  }
  return relationName(stmt.relation);
}

/**
 * Classifies one statement node (`RawStmt.stmt` from libpg-query's `parse`, e.g. `{ AlterTableStmt: {...} }`).
 * Statements on a table created earlier in the same migration are `expand`: nothing old uses it yet
 * and it holds no rows, so neither the old code nor a lock is at stake.
 */
export function classifyStatement(node: Record<string, any>, context: ClassifyContext = {}): StatementClassification {
  const nodeType = Object.keys(node)[0] ?? 'Unknown';
  const stmt = node[nodeType] ?? {};
  const classification = classifyNode(nodeType, stmt);
  const target = targetOf(nodeType, stmt);
  const isNewTable = target !== undefined && context.createdTables?.has(target) && nodeType !== 'CreateStmt' && nodeType !== 'CreateTableAsStmt';
  if (isNewTable && (classification.class === 'contract' || classification.class === 'blocking')) {
    return { ...classification, class: 'expand', blocking: false, reason: 'changes a table created earlier in this migration, which holds no rows and no old code uses', target };
  }
  return target === undefined ? classification : { ...classification, target };
}
