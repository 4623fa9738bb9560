/**
 * A PostgreSQL session the verifier runs migrations in: PGlite (PostgreSQL compiled to WebAssembly,
 * in a child process) by default, or a scratch database on a real server (`--database-url`).
 */
export interface SqlEngine {
  /** What runs the SQL, e.g. `PGlite 0.5.16 (PostgreSQL 18.6)` or `postgres://127.0.0.1:5432 (PostgreSQL 15.14)`. */
  readonly description: string;
  /** Runs one statement with the simple query protocol (no implicit transaction around it). */
  exec(sql: string): Promise<void>;
  /** Runs one query with the extended protocol; `$1..$n` are bound to params. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Ends the session and frees everything it holds (the scratch database on a server). */
  close(): Promise<void>;
}

/** What PostgreSQL said when a statement failed: its message and the fields of its ErrorResponse. */
export interface DatabaseErrorInfo {
  readonly message: string;
  /** SQLSTATE, e.g. `42P07` (duplicate_table). */
  readonly code?: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement, when PostgreSQL gave one. */
  readonly position?: number;
}

/** The PostgreSQL error fields of anything a client threw (PGlite and node-postgres both expose them). */
export function databaseError(error: unknown): DatabaseErrorInfo {
  const e = error as { message?: unknown; code?: unknown; detail?: unknown; hint?: unknown; position?: unknown };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const position = Number(e?.position);
  return {
    message: text(e?.message) ?? String(error),
    code: text(e?.code),
    detail: text(e?.detail),
    hint: text(e?.hint),
    position: Number.isInteger(position) && position > 0 ? position : undefined,
  };
}

/** `ERROR 42P07: relation "a" already exists (DETAIL ...) (HINT ...)`: the database's own words on one line. */
export function formatDatabaseError(error: DatabaseErrorInfo): string {
  return [
    `ERROR${error.code ? ` ${error.code}` : ''}: ${error.message}`,
    error.detail ? ` DETAIL: ${error.detail}` : '',
    error.hint ? ` HINT: ${error.hint}` : '',
  ].join('');
}
