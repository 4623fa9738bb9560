import { visible } from './escape.js';

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

/** One reason a command could not check its input. */
export interface InputErrorEntry {
  /** A path, `file:line:column`, a git ref or the command name. */
  readonly location: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

/**
 * The one machine-readable shape of a failure to check (exit code 2), printed on standard output by
 * `validate --json`, `lint-migrations --json` and `diff --format json` (the same lines go to standard
 * error as text): `{"ok": false, "exitCode": 2, "errors": [{"location": "…", "message": "…"}]}`.
 * Usage errors and unexpected errors use it too when the command line asks for JSON.
 */
export interface JsonInputErrors {
  readonly ok: false;
  readonly exitCode: 2;
  readonly errors: readonly InputErrorEntry[];
}

/** Whether a command line asks for JSON output (`--json`, `--format json`, `--format=json`). */
export function wantsJson(args: readonly string[]): boolean {
  return args.some((a, i) => a === '--json' || a === '--format=json' || (a === '--format' && args[i + 1] === 'json'));
}

/**
 * Reports input errors: one `error: location: message` line each on standard error, and the
 * {@link JsonInputErrors} document on standard output when `json`. Returns exit code 2.
 */
export function reportInputErrors(io: CliIo, problems: readonly InputErrorEntry[], json: boolean): number {
  if (json) {
    const document: JsonInputErrors = { ok: false, exitCode: ExitCode.INPUT_ERROR, errors: problems.map((p) => ({ location: p.location, message: p.message })) };
    io.out(JSON.stringify(document, null, 2));
  }
  for (const problem of problems) io.err(`error: ${oneLine(problem.location)}: ${oneLine(problem.message)}`);
  return ExitCode.INPUT_ERROR;
}

/** A message on one line: control characters, newlines and terminal escapes from file names or tools made visible (lib/cli/escape.ts). */
export const oneLine = visible;
