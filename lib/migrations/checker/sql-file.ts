import fs from 'node:fs/promises';
import path from 'node:path';
import { hasSqlDetails, parse, scan } from 'libpg-query';
import { type InputProblem, MigrationInputError, describeFsError, errorMessage } from './errors.js';
import { type ProceduralBody, proceduralBody } from './procedural.js';
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
  /**
   * For a `DO` block or a `CREATE FUNCTION`/`PROCEDURE`: the statements of its body, parsed with the
   * PL/pgSQL parser, or why they cannot be known (another language, dynamic `EXECUTE`).
   */
  readonly body?: ProceduralBody;
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
 * Decodes a migration file's bytes as strict UTF-8 text. A NUL byte or bytes that are not UTF-8 make
 * the file unreadable input (never text the parser would see truncated, or with U+FFFD in place of
 * what the database would run).
 */
export function decodeMigrationText(bytes: Uint8Array, displayPath: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new MigrationInputError([{ location: displayPath, message: `holds a NUL byte at byte ${nul}: not a SQL text file (PostgreSQL and the parser stop reading at NUL, so what follows would go unchecked)` }]);
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new MigrationInputError([{ location: displayPath, message: `is not valid UTF-8 text at byte ${firstInvalidUtf8(bytes)}: save it as UTF-8 so the checker sees what the database runs` }]);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let low = 0;
  let high = bytes.length;
  // The longest valid prefix: decoding is monotonic, so bisect on it (O(n log n), only on the error path).
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

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
    throw new MigrationInputError([{ location: `${displayPath}:${line}:${column}`, message: `SQL does not parse: ${errorMessage(error).replace(/\s*\n\s*/g, ' ')}` }]);
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
  // Statements, tokens and comments all come in file order: one forward cursor each keeps this linear.
  let tokenCursor = 0;
  let commentCursor = 0;
  for (const [index, raw] of (tree.stmts ?? []).entries()) {
    const byteStart = raw.stmt_location ?? 0;
    // The parser's location may include the whitespace and comments before the statement.
    while (tokenCursor < codeTokenStarts.length && codeTokenStarts[tokenCursor]! < byteStart) tokenCursor++;
    const start = source.indexOfByte(codeTokenStarts[tokenCursor] ?? byteStart);
    const rawEnd = raw.stmt_len ? source.indexOfByte(byteStart + raw.stmt_len) : text.length;
    const sql = text.slice(start, rawEnd).trimEnd();
    const previousLine = index === 0 ? 0 : source.position(previousEnd).line;
    while (commentCursor < comments.length && comments[commentCursor]!.start < previousEnd) commentCursor++;
    const own: SqlComment[] = [];
    for (let i = commentCursor; i < comments.length && comments[i]!.start < start; i++) if (comments[i]!.line > previousLine) own.push(comments[i]!);
    const node = raw.stmt;
    const nodeType = Object.keys(node)[0]!;
    statements.push({
      index,
      node,
      nodeType,
      start,
      end: start + sql.length,
      ...source.position(start),
      sql,
      comments: own,
      body: await proceduralBody(nodeType, node[nodeType], sql),
    });
    previousEnd = start + sql.length;
  }
  const firstStart = statements[0]?.start ?? text.length;
  return { name, path: displayPath, source, statements, header: comments.filter((c) => c.start < firstStart), comments };
}

/** Whether a file name is a migration: `*.sql`, in any case (a runner may well apply `0002_x.SQL`). */
export function isMigrationFileName(name: string): boolean {
  return /\.sql$/i.test(name);
}

/** Migration file names in a directory (`*.sql` in any case, not recursive), in the lexical order they are applied. */
export function sortMigrationNames(names: readonly string[]): string[] {
  return names.filter(isMigrationFileName).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads and parses every `*.sql` file of a migrations directory in lexical order, following symbolic
 * links. Reports every unreadable file and every syntax error at once (MigrationInputError), not just
 * the first: a symlink that points nowhere, a name ending in `.sql` that is not a regular file, bytes that
 * are not UTF-8 text, a NUL byte.
 */
export async function readMigrationDirectory(dir: string): Promise<MigrationFile[]> {
  let entries: string[];
  try {
    const info = await fs.stat(dir);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    entries = (await fs.readdir(dir)).map(String);
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot read the migrations directory: ${describeFsError(error)}` }]);
  }
  const problems: InputProblem[] = [];
  const files: MigrationFile[] = [];
  for (const name of sortMigrationNames(entries)) {
    const displayPath = path.join(dir, name);
    try {
      const info = await fs.stat(displayPath).catch(async (error) => {
        // A symbolic link that points nowhere: say so, not just ENOENT for a name the user can see.
        if (error?.code === 'ENOENT' && (await fs.lstat(displayPath).catch(() => undefined))?.isSymbolicLink()) {
          throw new MigrationInputError([{ location: displayPath, message: `cannot read the migration: a symbolic link to ${await fs.readlink(displayPath)}, which does not exist` }]);
        }
        throw error;
      });
      if (!info.isFile()) {
        problems.push({ location: displayPath, message: `cannot read the migration: ${info.isDirectory() ? 'is a directory' : 'is not a regular file'}` });
        continue;
      }
      files.push(await parseMigration(name, displayPath, decodeMigrationText(await fs.readFile(displayPath), displayPath)));
    } catch (error) {
      if (error instanceof MigrationInputError) problems.push(...error.problems);
      else problems.push({ location: displayPath, message: `cannot read the migration: ${describeFsError(error)}` });
    }
  }
  if (problems.length > 0) throw new MigrationInputError(problems);
  return files;
}
