/** One reason the checker could not read its input: a position (`file:line:column`) or path, and what went wrong. */
export interface InputProblem {
  /** `file:line:column` for SQL that does not parse, otherwise the path or git ref that could not be read. */
  readonly location: string;
  /** What went wrong, in one sentence (the PostgreSQL parser's own message for syntax errors). */
  readonly message: string;
}

/**
 * The migrations could not be checked at all: a directory or file is unreadable, SQL does not parse,
 * a git ref does not exist, or squawk could not run. This is different from findings (the SQL was read
 * and is unsafe): the CLI exits 2 for this error and 1 for findings.
 */
export class MigrationInputError extends Error {
  constructor(readonly problems: readonly InputProblem[]) {
    super(problems.map((p) => `${p.location}: ${p.message}`).join('\n'));
    this.name = 'MigrationInputError';
  }
}

/** The message of anything thrown, without a stack trace. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An fs error as one phrase a user can act on (ENOENT, EACCES, ELOOP, ... spelled out). */
export function describeFsError(error: unknown): string {
  const code = (error as { code?: string })?.code;
  switch (code) {
    case 'ENOENT': return 'no such file or directory (ENOENT)';
    case 'EACCES': case 'EPERM': return `permission denied (${code}): check its read permission, and the execute (search) permission of every directory on its path`;
    case 'ENOTDIR': return 'not a directory (ENOTDIR)';
    case 'EISDIR': return 'is a directory (EISDIR)';
    case 'ELOOP': return 'too many levels of symbolic links: a link loop (ELOOP)';
    default: return errorMessage(error).split('\n')[0]!;
  }
}
