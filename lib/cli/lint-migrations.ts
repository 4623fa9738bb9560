import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type LintMigrationsResult, MigrationInputError, lintMigrations } from '../migrations/checker/index.js';
import { type LintAndVerifyResult, lintAndVerifyMigrations } from '../migrations/verify/index.js';
import { formatFinding } from '../validation/finding.js';
import { visible } from './escape.js';
import { type CliIo, type Command, ExitCode, UsageError, oneDirectory, reportInputErrors } from './command.js';

const USAGE = `usage: cdk8s-delivery lint-migrations <dir> [--base <git-ref>] [--manifests <dir>] [--workload <name>]...
                                       [--verify [--database-url <url> [--allow-superuser]] [--compatibility-queries <dir>]
                                        [--file-timeout <s>] [--run-timeout <s>] [--memory-limit <MB>]] [--json]

Checks the SQL migrations in <dir> (*.sql, applied in lexical order) for expand/contract safety and
lock safety (PostgreSQL parser + squawk), and prints one line per finding: location, statement kind,
why it is unsafe, the rule and the safe alternative.

options:
  --base <git-ref>          previous release: only migrations missing there are linted, shipped ones
                            must be unchanged, and a contract migration may not ship with an image change
  --manifests <dir>         synthesized manifests whose workload images are compared with --base
                            (default with --base: ./dist when it exists)
  --workload <name>         metadata.name of a workload that uses this database (repeatable;
                            default: every workload in --manifests)
  --assume-in-transaction   the migration runner wraps every file in a transaction
  --pg-version <version>    PostgreSQL version of the database, e.g. 16 (default: squawk's newest)
  --verify                  also run the migrations on PostgreSQL (PGlite, a child process): the previous
                            release's, then the new ones twice, each file as the default runner
                            applies it (in one transaction unless PostgreSQL refuses one of its
                            statements there, e.g. CREATE INDEX CONCURRENTLY). A rerun that fails or changes the
                            schema or rows is not idempotent; what the new ones drop, rename, retype
                            or make stricter is a contract change, whatever the statements look like
  --database-url <url>      with --verify: run on this server instead, in a scratch database the tool
                            creates and drops (needs CREATEDB; the password may come from PGPASSWORD);
                            dropped on SIGINT/SIGTERM too, and leftovers older than an hour are swept.
                            A superuser, CREATEROLE or pg_execute_server_program role is refused: the
                            migrations come from the pull request (README: least-privilege role)
  --allow-superuser         with --database-url: accept such a role anyway (COPY … FROM PROGRAM, CREATE
                            ROLE and ALTER SYSTEM in a migration then reach beyond the scratch database)
  --file-timeout <s>        with --verify: seconds one migration file may run (default 60; a server
                            also gets it as statement_timeout)
  --run-timeout <s>         with --verify: seconds the whole verification may run (default 600)
  --memory-limit <MB>       with --verify: how much the process may grow while a statement runs
                            (default 1024). Past any budget: exit 2, naming the file that ran
  --compatibility-queries <dir>
                            with --verify: the previous release's queries (*.sql, $n parameters,
                            values in a "-- params: [...]" comment above each), run rolled back on
                            the old and the migrated schema; one that fails after is a violation
  --json                    print {ok, findings, excused, migrations, statements} as JSON
                            (with --verify also {verify: {engine, schemaDiff, rerunDiff, contracts}})
                            (input errors: {ok: false, exitCode: 2, errors})
  -h, --help                print this help

exit codes: 0 clean, 1 violations, 2 unreadable input or SQL that does not parse

Mark a contract migration with a header comment:  -- migration: contract
Excuse one finding right above its statement:      -- cdk8s-delivery:allow <rule> reason: <why>`;

function parse(args: readonly string[]) {
  try {
    return parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        base: { type: 'string' },
        manifests: { type: 'string' },
        workload: { type: 'string', multiple: true },
        'assume-in-transaction': { type: 'boolean' },
        'pg-version': { type: 'string' },
        verify: { type: 'boolean' },
        'database-url': { type: 'string' },
        'compatibility-queries': { type: 'string' },
        'allow-superuser': { type: 'boolean' },
        'file-timeout': { type: 'string' },
        'run-timeout': { type: 'string' },
        'memory-limit': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A budget option: a positive number, or undefined (the default) when not given. */
function positiveNumber(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0) throw new UsageError(`${option} must be a positive number, got ${JSON.stringify(value)}`);
  return Number(value);
}

function printHuman(result: LintMigrationsResult | LintAndVerifyResult, io: CliIo): void {
  // File names, SQL and the database's messages come from the pull request: one line each, made visible.
  for (const finding of result.findings) io.out(visible(formatFinding(finding)));
  if ('verify' in result) {
    const v = result.verify;
    const contract = v.schemaDiff.filter((c) => c.contract).length;
    io.out(`verified on ${visible(v.engine)}: ${plural(v.previousMigrations.length, 'previous migration')} applied, ${plural(v.newMigrations.length, 'new migration')} applied twice; ${plural(v.schemaDiff.length, 'schema change')} (${contract} contract)`);
  }
  const fresh = result.migrations.filter((m) => m.isNew).length;
  const excused = result.excused.length > 0 ? `, ${result.excused.length} excused` : '';
  const checked = `${plural(result.migrations.length, 'migration')}, ${fresh} new`;
  io.out(result.findings.length === 0
    ? `lint-migrations: no violations (${checked}${excused})`
    : `lint-migrations: ${plural(result.findings.length, 'violation')} (${checked}${excused})`);
}

/** `cdk8s-delivery lint-migrations`: the migration checker on the command line. */
export const lintMigrationsCommand: Command = {
  name: 'lint-migrations',
  summary: 'check SQL migrations for expand/contract and lock safety (PostgreSQL parser + squawk)',
  usage: USAGE,
  async run(args, io) {
    const { values, positionals } = parse(args);
    if (values.help) {
      io.out(USAGE);
      return ExitCode.OK;
    }
    const dir = oneDirectory(positionals, 'migrations directory');
    // Paths stay as typed (relative to the working directory), so locations read the way the user wrote them.
    const manifests = values.manifests ?? (values.base && existsSync('dist') ? 'dist' : undefined);
    const verifyOnly = ['database-url', 'compatibility-queries', 'allow-superuser', 'file-timeout', 'run-timeout', 'memory-limit'] as const;
    if (!values.verify && verifyOnly.some((o) => values[o] !== undefined)) {
      throw new UsageError(`${verifyOnly.filter((o) => values[o] !== undefined).map((o) => `--${o}`).join(', ')} need${verifyOnly.filter((o) => values[o] !== undefined).length === 1 ? 's' : ''} --verify`);
    }
    if (values['allow-superuser'] && values['database-url'] === undefined) throw new UsageError('--allow-superuser applies to --database-url only');
    if (values.base === '') throw new UsageError('--base is empty: name a git ref (a branch, tag or commit), or leave --base out');
    const budget = {
      fileSeconds: positiveNumber(values['file-timeout'], '--file-timeout'),
      runSeconds: positiveNumber(values['run-timeout'], '--run-timeout'),
      memoryMb: positiveNumber(values['memory-limit'], '--memory-limit'),
    };
    try {
      const options = {
        base: values.base,
        manifests,
        workloads: values.workload,
        assumeInTransaction: values['assume-in-transaction'],
        pgVersion: values['pg-version'],
      };
      const result = values.verify
        ? await lintAndVerifyMigrations(dir, { ...options, databaseUrl: values['database-url'], compatibilityQueries: values['compatibility-queries'], allowSuperuser: values['allow-superuser'], budget })
        : await lintMigrations(dir, options);
      // Timings are left out of the JSON: the same input prints the same output.
      const verified = 'verify' in result ? (result as LintAndVerifyResult) : undefined;
      const shown = verified ? { ...verified, verify: { ...verified.verify, timings: undefined } } : result;
      if (values.json) io.out(JSON.stringify({ ok: result.findings.length === 0, ...shown }, null, 2));
      else printHuman(result, io);
      if (values.base && manifests === undefined) {
        io.err('note: no --manifests (and no ./dist): workload images were not compared, so contract migrations were not checked against image changes');
      }
      return result.findings.length === 0 ? ExitCode.OK : ExitCode.VIOLATIONS;
    } catch (error) {
      if (!(error instanceof MigrationInputError)) throw error;
      return reportInputErrors(io, error.problems, values.json === true);
    }
  },
};
