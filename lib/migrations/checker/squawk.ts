import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import { MigrationInputError, errorMessage } from './errors.js';

/** Settings passed to squawk. */
export interface SquawkSettings {
  /**
   * PostgreSQL version of the target database (squawk's `--pg-version`), e.g. `16`; some rules depend on
   * it (volatile defaults before 11, SET NOT NULL after a validated CHECK from 12).
   * @default - squawk's own default (the newest version it knows)
   */
  readonly pgVersion?: string;
  /**
   * The migration runner wraps every file in a transaction (squawk's `--assume-in-transaction`).
   * @default false - each file runs as written; BEGIN/COMMIT in the file are the only transactions
   */
  readonly assumeInTransaction?: boolean;
}

/** One squawk finding, as its JSON reporter prints it (0-based line, byte column within the line). */
export interface SquawkViolation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly rule: string;
  readonly message: string;
  readonly help: string | null;
}

/** The native squawk binary that squawk-cli installed for this platform (what node_modules/.bin/squawk runs). */
function squawkBinary(): string {
  const require = createRequire(import.meta.url);
  const launcher = require('squawk-cli/js/index.js') as { getBinaryPath(): string };
  return launcher.getBinaryPath();
}

function run(command: string, args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
  });
}

/**
 * Runs squawk once over the given files of one directory (one process, not one per statement or file)
 * with its JSON reporter. The project's `.squawk.toml`, if any, is ignored (`--config` points at an
 * empty file): every exception must be an in-file excuse with a reason, not a silent config entry.
 */
export async function runSquawk(dir: string, names: readonly string[], settings: SquawkSettings = {}): Promise<SquawkViolation[]> {
  if (names.length === 0) return [];
  const args = [
    '--reporter=json',
    `--config=${os.devNull}`,
    settings.assumeInTransaction ? '--assume-in-transaction' : '--no-assume-in-transaction',
    ...(settings.pgVersion ? [`--pg-version=${settings.pgVersion}`] : []),
    '--',
    ...names,
  ];
  let output: { code: number | null; stdout: string; stderr: string };
  try {
    output = await run(squawkBinary(), args, dir);
  } catch (error) {
    throw new MigrationInputError([{ location: dir, message: `cannot run squawk: ${errorMessage(error)}` }]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(output.stdout);
  } catch {
    parsed = undefined;
  }
  if ((output.code !== 0 && output.code !== 1) || !Array.isArray(parsed)) {
    const detail = `${output.stderr} ${output.stdout}`.trim().split('\n')[0] || `exit code ${output.code}`;
    throw new MigrationInputError([{ location: dir, message: `squawk failed: ${detail}` }]);
  }
  return parsed.map((v: any) => ({
    file: String(v.file),
    line: Number(v.line),
    column: Number(v.column),
    rule: String(v.rule_name),
    message: String(v.message),
    help: typeof v.help === 'string' ? v.help : null,
  }));
}
