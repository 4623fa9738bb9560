import { type SqlEngine } from './engine.js';

/** A column as the catalogs describe it. */
export interface ColumnShape {
  /** `format_type` with every name schema-qualified, e.g. `text`, `character varying(80)`, `public.account_state`. */
  readonly type: string;
  readonly notNull: boolean;
  /** The default expression (`pg_get_expr`), when there is one. */
  readonly default?: string;
  /** `always` or `by default` for identity columns. */
  readonly identity?: string;
  /** The generation expression of a generated column. */
  readonly generated?: string;
}

/** A table constraint (NOT NULL is a column property here, on every PostgreSQL version). */
export interface ConstraintShape {
  readonly type: 'primary key' | 'unique' | 'check' | 'foreign key' | 'exclusion' | 'trigger' | string;
  /** `pg_get_constraintdef`, e.g. `CHECK ((amount > 0))`. */
  readonly definition: string;
  /** False for a constraint added NOT VALID and not yet validated (new writes are checked all the same). */
  readonly validated: boolean;
}

/** A table, view, materialized view or foreign table. */
export interface RelationShape {
  readonly kind: 'table' | 'partitioned table' | 'view' | 'materialized view' | 'foreign table';
  readonly columns: Readonly<Record<string, ColumnShape>>;
  readonly constraints: Readonly<Record<string, ConstraintShape>>;
  /** Trigger definitions (`pg_get_triggerdef`) by name. */
  readonly triggers: Readonly<Record<string, string>>;
  /** The query of a view (`pg_get_viewdef`). */
  readonly definition?: string;
}

export interface IndexShape {
  readonly table: string;
  /** `pg_get_indexdef`. */
  readonly definition: string;
  readonly unique: boolean;
  /** False for an index left invalid by a failed CREATE INDEX CONCURRENTLY. */
  readonly valid: boolean;
}

export interface FunctionShape {
  readonly kind: 'function' | 'procedure' | 'aggregate' | 'window';
  /** `pg_get_function_result`, e.g. `integer`, `TABLE(id bigint)`. */
  readonly result: string;
  /** md5 of the body (the source text), to tell a changed body. */
  readonly body: string;
}

export interface SequenceShape {
  readonly type: string;
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cycle: boolean;
}

/** Rows of a table: their number and a hash of their content, to tell a rerun that changed data. */
export interface TableData {
  readonly rows: number;
  readonly hash: string;
}

/**
 * The schema of a database as its catalogs describe it, with every name schema-qualified
 * (`public.accounts`) and every map sorted, so equal schemas give equal snapshots. Objects that belong
 * to an extension are not listed one by one: the extension and its version are.
 */
export interface SchemaSnapshot {
  readonly schemas: readonly string[];
  readonly relations: Readonly<Record<string, RelationShape>>;
  readonly indexes: Readonly<Record<string, IndexShape>>;
  /** Enum labels in their sort order. */
  readonly enums: Readonly<Record<string, readonly string[]>>;
  /** By signature, e.g. `public.touch(integer, text)`. */
  readonly functions: Readonly<Record<string, FunctionShape>>;
  /** Definitions only: a sequence's current value is not schema (a rerun of `INSERT ... ON CONFLICT DO NOTHING` advances it). */
  readonly sequences: Readonly<Record<string, SequenceShape>>;
  readonly extensions: Readonly<Record<string, string>>;
  /** Per table: row count and content hash. Compared only between two runs of the same migrations. */
  readonly data: Readonly<Record<string, TableData>>;
}

const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;
const NOT_FROM_EXTENSION = (oid: string, catalog: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${catalog}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

/** Every catalog query returns one JSON array, so PGlite and node-postgres give the same values (no driver type parsing). */
const json = (select: string, order: string) => `SELECT coalesce(json_agg(t ORDER BY ${order}), '[]')::text AS j FROM (${select}) t`;

const QUERIES = {
  schemas: json(`SELECT n.nspname AS name FROM pg_namespace n WHERE ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('n.oid', 'pg_namespace')}`, 'name'),
  relations: json(
    `SELECT n.nspname || '.' || c.relname AS name, c.relkind AS kind,
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
    'name',
  ),
  columns: json(
    `SELECT n.nspname || '.' || c.relname AS rel, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS not_null, CASE WHEN a.attgenerated = '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS def,
            a.attidentity AS identity, CASE WHEN a.attgenerated <> '' THEN pg_get_expr(ad.adbin, ad.adrelid) END AS generated
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
    'rel, name',
  ),
  // contype 'n' (NOT NULL as a constraint, PostgreSQL 18) is left out: nullability is a column property on every version.
  constraints: json(
    `SELECT n.nspname || '.' || c.relname AS rel, co.conname AS name, co.contype AS type, pg_get_constraintdef(co.oid) AS definition, co.convalidated AS validated
       FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE co.contype <> 'n' AND ${USER_NAMESPACE}`,
    'rel, name',
  ),
  triggers: json(
    `SELECT n.nspname || '.' || c.relname AS rel, tg.tgname AS name, pg_get_triggerdef(tg.oid) AS definition
       FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT tg.tgisinternal AND ${USER_NAMESPACE}`,
    'rel, name',
  ),
  indexes: json(
    `SELECT n.nspname || '.' || i.relname AS name, n.nspname || '.' || c.relname AS tbl, pg_get_indexdef(x.indexrelid) AS definition,
            x.indisunique AS is_unique, x.indisvalid AS valid
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = i.relnamespace
      WHERE ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
    'name',
  ),
  enums: json(
    `SELECT n.nspname || '.' || ty.typname AS name, (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = ty.oid) AS labels
       FROM pg_type ty JOIN pg_namespace n ON n.oid = ty.typnamespace
      WHERE ty.typtype = 'e' AND ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('ty.oid', 'pg_type')}`,
    'name',
  ),
  functions: json(
    `SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')' AS name, p.prokind AS kind,
            coalesce(pg_get_function_result(p.oid), '') AS result, md5(coalesce(p.prosrc, '')) AS body
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('p.oid', 'pg_proc')}`,
    'name',
  ),
  sequences: json(
    `SELECT n.nspname || '.' || c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start, s.seqincrement::text AS increment,
            s.seqmin::text AS min, s.seqmax::text AS max, s.seqcycle AS cycle
       FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('c.oid', 'pg_class')}`,
    'name',
  ),
  extensions: json(`SELECT extname AS name, extversion AS version FROM pg_extension WHERE extname <> 'plpgsql'`, 'name'),
} as const;

const RELATION_KINDS: Record<string, RelationShape['kind']> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table' };
const CONSTRAINT_TYPES: Record<string, string> = { p: 'primary key', u: 'unique', c: 'check', f: 'foreign key', x: 'exclusion', t: 'trigger' };
const FUNCTION_KINDS: Record<string, FunctionShape['kind']> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window' };
const IDENTITY: Record<string, string> = { a: 'always', d: 'by default' };

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
const qualified = (schema: string, name: string) => `${quoteIdent(schema)}.${quoteIdent(name)}`;

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Reads the schema of the session's database from the catalogs with `search_path = pg_catalog`
 * (restored afterwards) so every name in a type, default or definition is schema-qualified
 * whatever the migrations set. Row data is read per table (count + md5 of the rows' text).
 */
export async function snapshotSchema(engine: SqlEngine): Promise<SchemaSnapshot> {
  // Not a transaction of its own: the snapshot may run inside a migration's open transaction.
  const [{ path }] = await engine.query<{ path: string }>("SELECT current_setting('search_path') AS path");
  await engine.exec('SET search_path = pg_catalog');
  try {
    const read = async (q: keyof typeof QUERIES) => JSON.parse((await engine.query<{ j: string }>(QUERIES[q]))[0].j) as any[];
    const schemas = (await read('schemas')).map((r) => r.name as string);
    const relationRows = await read('relations');
    const columns = await read('columns');
    const constraints = await read('constraints');
    const triggers = await read('triggers');
    const relations: Record<string, RelationShape> = {};
    const tableNames: { key: string; sql: string }[] = [];
    for (const r of relationRows) {
      const rel = {
        kind: RELATION_KINDS[r.kind],
        columns: sortedRecord(columns.filter((c) => c.rel === r.name).map((c): [string, ColumnShape] => [c.name, {
          type: c.type,
          notNull: c.not_null === true,
          ...(c.def != null ? { default: c.def } : {}),
          ...(IDENTITY[c.identity] ? { identity: IDENTITY[c.identity] } : {}),
          ...(c.generated != null ? { generated: c.generated } : {}),
        }])),
        constraints: sortedRecord(constraints.filter((c) => c.rel === r.name).map((c): [string, ConstraintShape] => [c.name, { type: CONSTRAINT_TYPES[c.type] ?? c.type, definition: c.definition, validated: c.validated === true }])),
        triggers: sortedRecord(triggers.filter((t) => t.rel === r.name).map((t): [string, string] => [t.name, t.definition])),
        ...(r.definition != null ? { definition: r.definition as string } : {}),
      };
      relations[r.name] = rel;
    }
    const tables = await engine.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND ${USER_NAMESPACE} AND ${NOT_FROM_EXTENSION('c.oid', 'pg_class')} ORDER BY 1, 2`,
    );
    for (const t of tables) tableNames.push({ key: `${t.schema}.${t.name}`, sql: qualified(t.schema, t.name) });
    const data: Record<string, TableData> = {};
    for (const t of tableNames) {
      const [row] = await engine.query<{ n: string; h: string }>(`SELECT count(*)::text AS n, coalesce(md5(string_agg(r::text, E'\\n' ORDER BY r::text)), '') AS h FROM ${t.sql} r`);
      data[t.key] = { rows: Number(row.n), hash: row.h };
    }
    const snapshot: SchemaSnapshot = {
      schemas,
      relations: sortedRecord(Object.entries(relations)),
      indexes: sortedRecord((await read('indexes')).map((i): [string, IndexShape] => [i.name, { table: i.tbl, definition: i.definition, unique: i.is_unique === true, valid: i.valid === true }])),
      enums: sortedRecord((await read('enums')).map((e): [string, string[]] => [e.name, e.labels ?? []])),
      functions: sortedRecord((await read('functions')).map((f): [string, FunctionShape] => [f.name, { kind: FUNCTION_KINDS[f.kind] ?? f.kind, result: f.result, body: f.body }])),
      sequences: sortedRecord((await read('sequences')).map((s): [string, SequenceShape] => [s.name, { type: s.type, start: s.start, increment: s.increment, min: s.min, max: s.max, cycle: s.cycle === true }])),
      extensions: sortedRecord((await read('extensions')).map((e): [string, string] => [e.name, e.version])),
      data: sortedRecord(Object.entries(data)),
    };
    return snapshot;
  } finally {
    await engine.query("SELECT set_config('search_path', $1, false)", [path]);
  }
}
