import { type CliIo, type Command, ExitCode, UsageError, oneLine, reportInputErrors, wantsJson } from './command.js';

/**
 * A command known by name and summary, whose module is imported only when it runs: `cdk8s-delivery --help` loads
 * none of them, `validate` loads the validator and not PGlite, the SQL parser or the analysis simulator (issue 25:
 * the CLI starts in ≤ 0.3 s; bench/cli-start.ts measures it). The summary repeats the command's own
 * (test/package/cli-start.test.ts checks that they agree); `usage` is the loaded command's, read after a run only.
 */
function lazy(name: string, summary: string, load: () => Promise<Command>): Command {
  let loaded: Command | undefined;
  return {
    name,
    summary,
    get usage(): string {
      if (!loaded) throw new Error(`the ${name} command is not loaded: its usage is known after it runs`);
      return loaded.usage;
    },
    async run(args, io) {
      loaded ??= await load();
      return loaded.run(args, io);
    },
  };
}

/**
 * The `cdk8s-delivery` command line: a small dispatcher over subcommands. A new subcommand (e.g.
 * `validate`, `diff`) is one Command object added to COMMANDS (loaded lazily); no CLI framework is involved.
 */
export const COMMANDS: readonly Command[] = [
  lazy('lint-migrations', 'check SQL migrations for expand/contract and lock safety (PostgreSQL parser + squawk)', async () => (await import('./lint-migrations.js')).lintMigrationsCommand),
  lazy('validate', 'check manifests: upstream schemas, Argo Rollouts, KEDA and Argo CD rules, Pod Security "restricted"', async () => (await import('./validate.js')).validateCommand),
  lazy('diff', 'explain what changed in dist/ since a git ref (images, strategies, analysis, bounds, waves, migrations) and flag risks', async () => (await import('./diff.js')).diffCommand),
  lazy('analysis', 'simulate the canary analyses against a local Prometheus, or replay them on real history', async () => (await import('./analysis.js')).analysisCommand),
  lazy('slo', 'export the SLOs of an environment as OpenSLO documents', async () => (await import('./slo.js')).sloCommand),
  lazy('init', 'scaffold a platform repository: package.json, tsconfig, cdk8s.yaml, apps/main.ts, CI workflow', async () => (await import('./init.js')).initCommand),
  lazy('release', 'release state as data: set and promote image digests through the environments, status and history', async () => (await import('./release.js')).releaseCommand),
];

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
