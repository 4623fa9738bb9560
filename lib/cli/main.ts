import { analysisCommand } from './analysis.js';
import { type CliIo, type Command, ExitCode, UsageError, oneLine, reportInputErrors, wantsJson } from './command.js';
import { diffCommand } from './diff.js';
import { initCommand } from './init.js';
import { lintMigrationsCommand } from './lint-migrations.js';
import { releaseCommand } from './release.js';
import { sloCommand } from './slo.js';
import { validateCommand } from './validate.js';

/**
 * The `cdk8s-delivery` command line: a small dispatcher over subcommands. A new subcommand (e.g.
 * `validate`, `diff`) is one Command object added to COMMANDS; no CLI framework is involved.
 */
export const COMMANDS: readonly Command[] = [lintMigrationsCommand, validateCommand, diffCommand, analysisCommand, sloCommand, initCommand, releaseCommand];

function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: cdk8s-delivery <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cdk8s-delivery <command> --help` for the options of a command.',
  ].join('\n');
}

/**
 * The streams of this process. When the reader goes away (`cdk8s-delivery validate dist | head`), writes
 * stop quietly instead of failing with an EPIPE stack trace; the exit code stays the command's own.
 */
export function processIo(): CliIo {
  let closed = false;
  const onError = (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  return { out: (line) => void (closed || process.stdout.write(`${line}\n`)), err: (line) => void (closed || process.stderr.write(`${line}\n`)) };
}

/**
 * Runs one command line (the arguments after `cdk8s-delivery`) and resolves to the exit code. Never
 * rejects and never prints a stack trace: usage errors print the usage, anything unexpected prints
 * one line, both with exit code 2.
 */
export async function main(argv: readonly string[], io: CliIo = processIo(), commands: readonly Command[] = COMMANDS): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(overview(commands));
    return name === undefined ? ExitCode.INPUT_ERROR : ExitCode.OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`cdk8s-delivery: unknown command "${name}"\n\n${overview(commands)}`);
    return ExitCode.INPUT_ERROR;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    const message = oneLine((error instanceof Error ? error.message : String(error)).split('\n')[0]!);
    if (wantsJson(args)) reportInputErrors({ out: io.out, err: () => undefined }, [{ location: command.name, message: usage ? `usage: ${message}` : `unexpected error: ${message}` }], true);
    if (usage) io.err(`cdk8s-delivery ${command.name}: ${message}\n\n${command.usage}`);
    else io.err(`cdk8s-delivery ${command.name}: unexpected error: ${message}`);
    return ExitCode.INPUT_ERROR;
  }
}
