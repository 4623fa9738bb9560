import type { LintMigrationsOptions, LintMigrationsResult } from './checker/lint.js';

/**
 * Checks the SQL migrations of one service (a directory of `*.sql`, applied in lexical order):
 * parses every file with the PostgreSQL parser, classifies every statement as expand, contract,
 * blocking or neutral, runs squawk once over the new files, and applies the expand/contract rules:
 * contract statements only in files marked `-- migration: contract`, a contract migration never in the
 * same release as an image change of a workload using the database, blocking statements in their safe
 * form, shipped migrations never edited, and excuses only with a named rule and a reason.
 *
 * Rejects with MigrationInputError when input cannot be read or SQL does not parse (with the parser's
 * position), so callers can tell broken input (CLI exit 2) from unsafe migrations (exit 1).
 */
export async function lintMigrations(dir: string, options: LintMigrationsOptions = {}): Promise<LintMigrationsResult> {
  // The public entry point (lib/index.ts): the checker's modules are loaded on the first call, not with the library.
  return (await import('./checker/lint.js')).lintMigrations(dir, options);
}
