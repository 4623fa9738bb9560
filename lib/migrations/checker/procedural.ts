import { parse, parsePlPgSQL } from 'libpg-query';
import { errorMessage } from './errors.js';

/**
 * The statements inside a `DO` block or a function/procedure body. A DO block runs while the migration
 * runs, and a function may be called from it (or from a trigger right after): a `DROP COLUMN` inside
 * `DO $$ … $$` contracts the schema exactly like one outside it. PL/pgSQL bodies are parsed with
 * PostgreSQL's own PL/pgSQL parser (libpg-query's `parsePlPgSQL`), and each embedded SQL statement
 * with the SQL parser; `LANGUAGE sql` bodies with the SQL parser. What cannot be known offline (a
 * DO block in another language, dynamic `EXECUTE` of a string built at run time) is "unclassifiable":
 * the checker reports it and a reviewer must excuse it with a reason.
 */
export interface ProceduralBody {
  /** `DO` block or function body. */
  readonly context: 'do-block' | 'function-body';
  /** The SQL statements of the body, in order (nested blocks and functions expanded). */
  readonly statements: readonly EmbeddedStatement[];
  /** Why some of the body cannot be classified (undefined when every statement is known). */
  readonly unclassifiable?: string;
}

/** One SQL statement embedded in a procedural body. */
export interface EmbeddedStatement {
  /** The parse tree node, e.g. `{ AlterTableStmt: {...} }`. */
  readonly node: Record<string, any>;
  readonly nodeType: string;
  /** The statement as written in the body. */
  readonly sql: string;
}

/** PL/pgSQL statements that run SQL only known at run time. */
const DYNAMIC: Readonly<Record<string, string>> = {
  PLpgSQL_stmt_dynexecute: 'EXECUTE of a string built at run time',
  PLpgSQL_stmt_dynfors: 'FOR … IN EXECUTE of a string built at run time',
};

const MAX_DEPTH = 8;

function option(options: readonly any[] | undefined, name: string): any {
  return (options ?? []).map((o) => o?.DefElem).find((d) => d?.defname === name)?.arg;
}

function languageOf(options: readonly any[] | undefined): string | undefined {
  const arg = option(options, 'language');
  return typeof arg?.String?.sval === 'string' ? arg.String.sval.toLowerCase() : undefined;
}

/** The body text of `AS '…'` (a String, or a List whose first item is the body). */
function bodyText(options: readonly any[] | undefined): string | undefined {
  const arg = option(options, 'as');
  if (typeof arg?.String?.sval === 'string') return arg.String.sval;
  const first = arg?.List?.items?.[0]?.String?.sval;
  return typeof first === 'string' ? first : undefined;
}

/**
 * The body of a DoStmt, CreateFunctionStmt (functions and procedures), or undefined for any other
 * statement. A function in any language but PL/pgSQL and SQL (plpython3u, plperl, pltcl, C, …) is
 * unclassifiable: its body can run any SQL once called, which only `--verify` sees. `sql` is the
 * statement's own text.
 */
export async function proceduralBody(nodeType: string, stmt: any, sql: string, depth = 0): Promise<ProceduralBody | undefined> {
  if (nodeType === 'DoStmt') {
    const language = languageOf(stmt?.args) ?? 'plpgsql';
    if (language !== 'plpgsql') return { context: 'do-block', statements: [], unclassifiable: `a DO block in LANGUAGE ${language}, whose statements the checker cannot see` };
    return plpgsqlBody('do-block', sql, depth);
  }
  if (nodeType !== 'CreateFunctionStmt') return undefined;
  if (stmt?.sql_body) return sqlBodyOfAtomic(stmt.sql_body, depth);
  const language = languageOf(stmt?.options);
  if (language === 'plpgsql') return plpgsqlBody('function-body', sql, depth);
  if (language === 'sql') {
    const text = bodyText(stmt?.options);
    return text === undefined ? undefined : sqlBody('function-body', text, depth);
  }
  // PL/Python, PL/Perl, PL/Tcl, C, …: the body can run any SQL (through plpy.execute, spi_exec_query, …)
  // when the next statement calls it; nothing offline can tell what (issue 26). --verify runs it.
  return { context: 'function-body', statements: [], unclassifiable: `a function in LANGUAGE ${language ?? '?'}, whose statements the checker cannot see` };
}

async function plpgsqlBody(context: ProceduralBody['context'], sql: string, depth: number): Promise<ProceduralBody> {
  let tree: any;
  try {
    tree = await parsePlPgSQL(sql);
  } catch (error) {
    return { context, statements: [], unclassifiable: `its PL/pgSQL does not parse (${errorMessage(error).split('\n')[0]})` };
  }
  const queries: string[] = [];
  const dynamic: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      if (key in DYNAMIC) dynamic.push(DYNAMIC[key]!);
      if (key === 'PLpgSQL_stmt_execsql') {
        const query = (child as any)?.sqlstmt?.PLpgSQL_expr?.query;
        if (typeof query === 'string') queries.push(query);
      }
      if ((key === 'PLpgSQL_stmt_open' || key === 'PLpgSQL_stmt_return_query') && (child as any)?.dynquery) dynamic.push('a query built at run time');
      walk(child);
    }
  };
  walk(tree?.plpgsql_funcs?.[0]);
  const inner = await sqlBody(context, queries.join(';\n'), depth);
  const reasons = [...new Set(dynamic)];
  const unclassifiable = [...(reasons.length > 0 ? [`${reasons.join(' and ')}, which the checker cannot see`] : []), ...(inner.unclassifiable ? [inner.unclassifiable] : [])];
  return { context, statements: inner.statements, unclassifiable: unclassifiable.length > 0 ? unclassifiable.join('; ') : undefined };
}

async function sqlBody(context: ProceduralBody['context'], text: string, depth: number): Promise<ProceduralBody> {
  if (text.trim() === '') return { context, statements: [] };
  let tree: any;
  try {
    tree = await parse(text);
  } catch (error) {
    return { context, statements: [], unclassifiable: `an embedded statement does not parse as SQL (${errorMessage(error).split('\n')[0]})` };
  }
  const bytes = Buffer.from(text, 'utf8');
  const slice = (start: number, length: number | undefined) => bytes.subarray(start, length ? start + length : bytes.length).toString('utf8').trim();
  return expand(context, (tree.stmts ?? []).map((raw: any) => ({ node: raw.stmt, sql: slice(raw.stmt_location ?? 0, raw.stmt_len) })), depth);
}

async function sqlBodyOfAtomic(sqlBody: any, depth: number): Promise<ProceduralBody> {
  const items: any[] = sqlBody?.List?.items?.[0]?.List?.items ?? sqlBody?.List?.items ?? [];
  return expand('function-body', items.filter((n) => n && typeof n === 'object' && !('List' in n)).map((node) => ({ node, sql: Object.keys(node)[0]! })), depth);
}

async function expand(context: ProceduralBody['context'], raws: readonly { node: Record<string, any>; sql: string }[], depth: number): Promise<ProceduralBody> {
  const statements: EmbeddedStatement[] = [];
  const unclassifiable: string[] = [];
  for (const raw of raws) {
    const nodeType = Object.keys(raw.node)[0]!;
    statements.push({ node: raw.node, nodeType, sql: raw.sql });
    // A DO block or function defined inside a body: its statements count too (bounded nesting).
    if (nodeType === 'DoStmt' || nodeType === 'CreateFunctionStmt') {
      if (depth >= MAX_DEPTH) {
        unclassifiable.push(`procedural blocks nested more than ${MAX_DEPTH} deep`);
        continue;
      }
      const nested = await proceduralBody(nodeType, raw.node[nodeType], raw.sql, depth + 1);
      if (nested) {
        statements.push(...nested.statements);
        if (nested.unclassifiable) unclassifiable.push(nested.unclassifiable);
      }
    }
  }
  return { context, statements, unclassifiable: unclassifiable.length > 0 ? [...new Set(unclassifiable)].join('; ') : undefined };
}
