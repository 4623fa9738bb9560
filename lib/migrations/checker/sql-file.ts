import fs from 'node:fs/promises';
import path from 'node:path';
import { hasSqlDetails, parse, scan } from 'libpg-query';
import { type InputProblem, MigrationInputError, errorMessage } from './errors.js';
import { SourceText } from './source-text.js';

/** A `-- line` or `/* block *\/` comment, as the PostgreSQL scanner sees it (not inside strings or dollar quotes). */
export interface SqlComment {
  /** String index of the first character (`-`). */
  readonly start: number;
  readonly line: number;
  readonly column: number;
  /** The comment as written, including `--` or `/*`. */
  readonly text: string;
}

/** One top-level statement of a migration file, with its parse tree and position. */
export interface ParsedStatement {
  /** 0-based position in the file. */
  readonly index: number;
  /** The parse tree node, e.g. `{ AlterTableStmt: { relation, cmds, ... } }`. */
  readonly node: Record<string, any>;
  /** The node type, e.g. `AlterTableStmt`. */
  readonly nodeType: string;
  /** String indices of the first character and one past the last (the `;` excluded). */
  readonly start: number;
  readonly end: number;
  /** 1-based line and column of the first character. */
  readonly line: number;
  readonly column: number;
  /** The statement's SQL text, without the `;`. */
  readonly sql: string;
  /**
   * Comments on the lines between the previous statement and this one (for the first statement: the
   * file header). A comment on the same line after the previous statement belongs to that statement.
   */
  readonly comments: readonly SqlComment[];
}

/** A parsed migration file. */
export interface MigrationFile {
  /** File name within the migrations directory, e.g. `0003_add_email.sql`. */
  readonly name: string;
  /** The path used in locations (`<dir>/<name>` as the directory was given). */
  readonly path: string;
  readonly source: SourceText;
  readonly statements: readonly ParsedStatement[];
  /** Comments before the first statement (where the `-- migration: contract` marker lives). */
  readonly header: readonly SqlComment[];
  /** Every comment in the file. */
  readonly comments: readonly SqlComment[];
}

/** `file:line:column` of a string index in a file. */
export function locationOf(file: Pick<MigrationFile, 'path' | 'source'>, index: number): string {
  const { line, column } = file.source.position(index);
  return `${file.path}:${line}:${column}`;
}

const COMMENT_TOKENS: ReadonlySet<string> = new Set(['SQL_COMMENT', 'C_COMMENT']);

/**
 * Parses one migration with the PostgreSQL 18 parser (libpg-query). A syntax error becomes a
 * MigrationInputError located at the parser's cursor (`file:line:column`).
 */
export async function parseMigration(name: string, displayPath: string, text: string): Promise<MigrationFile> {
  const source = new SourceText(text);
  let tree: { stmts?: any[] };
  try {
    // The parser rejects an empty string; an empty migration simply has no statements.
    tree = text.trim() === '' ? {} : await parse(text);
  } catch (error) {
    const cursor = hasSqlDetails(error) ? (error.sqlDetails?.cursorPosition ?? 0) : 0;
    const { line, column } = source.position(source.indexOfCodePoint(cursor));
    throw new MigrationInputError([{ location: `${displayPath}:${line}:${column}`, message: `SQL does not parse: ${errorMessage(error)}` }]);
  }
  const tokens = text.trim() === '' ? [] : (await scan(text)).tokens;
  const comments: SqlComment[] = tokens
    .filter((t) => COMMENT_TOKENS.has(t.tokenName))
    .map((t) => {
      const start = source.indexOfByte(t.start);
      return { start, ...source.position(start), text: text.slice(start, source.indexOfByte(t.end)) };
    });
  const codeTokenStarts = tokens.filter((t) => !COMMENT_TOKENS.has(t.tokenName)).map((t) => t.start);
  const statements: ParsedStatement[] = [];
  let previousEnd = 0;
  for (const [index, raw] of (tree.stmts ?? []).entries()) {
    const byteStart = raw.stmt_location ?? 0;
    // The parser's location may include the whitespace and comments before the statement.
    const start = source.indexOfByte(codeTokenStarts.find((s) => s >= byteStart) ?? byteStart);
    const rawEnd = raw.stmt_len ? source.indexOfByte(byteStart + raw.stmt_len) : text.length;
    const sql = text.slice(start, rawEnd).trimEnd();
    const previousLine = index === 0 ? 0 : source.position(previousEnd).line;
    statements.push({
      index,
      node: raw.stmt,
      nodeType: Object.keys(raw.stmt)[0],
      start,
      end: start + sql.length,
      ...source.position(start),
      sql,
      comments: comments.filter((c) => c.start >= previousEnd && c.start < start && c.line > previousLine),
    });
    previousEnd = start + sql.length;
  }
  const firstStart = statements[0]?.start ?? text.length;
  return { name, path: displayPath, source, statements, header: comments.filter((c) => c.start < firstStart), comments };
}

/** Migration file names in a directory (`*.sql`, not recursive), in the lexical order they are applied. */
export function sortMigrationNames(names: readonly string[]): string[] {
  return names.filter((n) => n.endsWith('.sql')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads and parses every `*.sql` file of a migrations directory in lexical order. Reports every
 * unreadable file and every syntax error at once (MigrationInputError), not just the first.
 */
export async function readMigrationDirectory(dir: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    const dirents = await fs.readdir(dir, { withFileTypes: true });
    entries = dirents.filter((d) => d.isFile()).map((d) => d.name);
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot read the migrations directory: ${errorMessage(error)}` }]);
  }
  const problems: InputProblem[] = [];
  const files: MigrationFile[] = [];
  for (const name of sortMigrationNames(entries)) {
    const displayPath = path.join(dir, name);
    try {
      files.push(await parseMigration(name, displayPath, await fs.readFile(displayPath, 'utf8')));
    } catch (error) {
      if (error instanceof MigrationInputError) problems.push(...error.problems);
      else problems.push({ location: displayPath, message: `cannot read the migration: ${errorMessage(error)}` });
    }
  }
  if (problems.length > 0) throw new MigrationInputError(problems);
  return files;
}
