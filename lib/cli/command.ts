/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  /** Writes one line (a newline is appended) to standard output. */
  readonly out: (line: string) => void;
  /** Writes one line to standard error. */
  readonly err: (line: string) => void;
}

/** Exit codes shared by every subcommand. */
export const ExitCode = {
  /** Checked and clean. */
  OK: 0,
  /** Checked and found violations. */
  VIOLATIONS: 1,
  /** Could not check: bad usage, unreadable input, SQL that does not parse, unexpected error. */
  INPUT_ERROR: 2,
} as const;

/** One subcommand of `cdk8s-delivery` (e.g. `lint-migrations`). */
export interface Command {
  /** The word after `cdk8s-delivery`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage text, printed by `--help` and after a usage error. */
  readonly usage: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The single directory argument a command takes (`what` names it when it is missing). */
export function oneDirectory(positionals: readonly string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? `missing the ${what}` : `expected one directory, got ${positionals.length}`);
  return positionals[0]!;
}
