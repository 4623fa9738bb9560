import path from 'node:path';
import { type Finding } from '../../validation/finding.js';
import { readMarker } from '../checker/annotations.js';
import { MigrationInputError } from '../checker/errors.js';
import { type ContractMigration, type ReleaseState } from '../checker/release.js';
import { type MigrationFile, type ParsedStatement, locationOf, parseMigration } from '../checker/sql-file.js';
import { applyModeOf } from '../runner/apply-mode.js';
import { applyFile } from './apply.js';
import { type CompatibilityFailure, readCompatibilityQueries, runCompatibilityQueries } from './compatibility.js';
import { type SchemaChange, dataChanges, diffSchemas } from './diff.js';
import { type SqlEngine, formatDatabaseError } from './engine.js';
import { VerifyBudget, type VerifyBudgetOptions } from './budget.js';
import { startPglite } from './pglite-engine.js';
import { VerifyRule } from './rules.js';
import { connectServer } from './server-engine.js';
import { type SchemaSnapshot, snapshotSchema } from './snapshot.js';

/** Options of {@link verifyMigrations}. */
export interface VerifyOptions {
  /**
   * A PostgreSQL server to run on instead of PGlite, e.g. `postgres://user:pass@host:5432/postgres`:
   * the tool creates a scratch database there and drops it afterwards (the role needs CREATEDB).
   * @default - PGlite (PostgreSQL 18) in a child process
   */
  readonly databaseUrl?: string;
  /**
   * Run on `databaseUrl` even when its role is a superuser, has CREATEROLE or may run server programs
   * (pg_execute_server_program): migrations under verification come from a pull request, and with such a
   * role they can run programs on the database host (`COPY … FROM PROGRAM`), create roles or change server
   * settings that outlive the scratch database.
   * @default false: such a role is refused
   */
  readonly allowSuperuser?: boolean;
  /**
   * Wrap every file in a transaction, whatever it holds.
   * @default - as the default runner (`MigrationRunner.psql()`) applies them: each file in one transaction, unless PostgreSQL refuses one of its statements in a transaction (CREATE INDEX CONCURRENTLY, …) or the file has its own BEGIN/COMMIT; then statement by statement
   */
  readonly assumeInTransaction?: boolean;
  /**
   * A folder of the previous release's queries (`*.sql`, `$n` parameters, `-- params: [...]`), run in a
   * rolled-back transaction against the previous schema (they must pass there) and the migrated one.
   * @default - none
   */
  readonly compatibilityQueries?: string;
  /** Opens the session (tests share or inject engines). @default PGlite, or `databaseUrl` */
  readonly engine?: () => Promise<SqlEngine>;
  /**
   * The time and memory the verification may take: per file, per run, and the growth of the process. A
   * {@link VerifyBudget} instance is shared as it is (a synth verifies every history within one run budget).
   * @default - 60 s per file, 600 s per run, 1024 MB (DEFAULT_VERIFY_BUDGET)
   */
  readonly budget?: VerifyBudgetOptions | VerifyBudget;
}

/** A new migration that execution showed contracts the schema, at the statement that did it. */
export interface ExecutedContract extends ContractMigration {
  readonly changes: readonly SchemaChange[];
}

/** Milliseconds spent in each phase. */
export interface VerifyTimings {
  readonly engineStart: number;
  readonly previous: number;
  readonly apply: number;
  readonly rerun: number;
  readonly total: number;
}

/** Result of {@link verifyMigrations}. */
export interface VerifyResult {
  /** What ran the SQL, e.g. `PGlite (PostgreSQL 18.6, in a child process)`. */
  readonly engine: string;
  readonly findings: readonly Finding[];
  /** Previous release's schema to the new release's (first application). */
  readonly schemaDiff: readonly SchemaChange[];
  /** First application to second (empty when the migrations are idempotent). */
  readonly rerunDiff: readonly SchemaChange[];
  /** New migrations whose execution contracted the schema (marked contract or not). */
  readonly contracts: readonly ExecutedContract[];
  /** The names of the migrations applied as the previous release, and as new. */
  readonly previousMigrations: readonly string[];
  readonly newMigrations: readonly string[];
  readonly timings: VerifyTimings;
}

/** Opens the engine the options ask for. */
export function openEngine(options: Pick<VerifyOptions, 'databaseUrl' | 'engine' | 'allowSuperuser'>, budget: VerifyBudget = new VerifyBudget()): Promise<SqlEngine> {
  if (options.engine) return options.engine();
  return options.databaseUrl
    ? connectServer(options.databaseUrl, { statementTimeoutMs: budget.fileMs, allowSuperuser: options.allowSuperuser })
    : startPglite({ memoryMb: budget.memoryMb });
}

/** The previous release's migration files, parsed from their committed text (what databases actually ran). */
async function previousFiles(dir: string, previous: ReleaseState | undefined, current: readonly MigrationFile[]): Promise<MigrationFile[]> {
  if (!previous) return [];
  const onDisk = new Map(current.map((f) => [f.name, f]));
  const files: MigrationFile[] = [];
  for (const name of previous.migrations) {
    const text = previous.contents?.[name];
    if (text !== undefined) files.push(await parseMigration(name, `${path.join(dir, name)} (previous release)`, text));
    else if (onDisk.has(name)) files.push(onDisk.get(name)!);
  }
  return files;
}

/** A snapshot after every statement that may change the schema, to tell which statement made a change. */
class StepRecorder {
  readonly steps: { statement: ParsedStatement; file: MigrationFile; before: SchemaSnapshot; after: SchemaSnapshot }[] = [];
  constructor(private readonly engine: SqlEngine, public last: SchemaSnapshot) {}

  after(file: MigrationFile) {
    return async (statement: ParsedStatement) => {
      const after = await snapshotSchema(this.engine);
      this.steps.push({ statement, file, before: this.last, after });
      this.last = after;
    };
  }

  /**
   * The first statement whose step changed the object, or the relation it belongs to (a view dropped
   * and created again with fewer columns loses the column at the DROP).
   */
  culprit(object: string, diff: (a: SchemaSnapshot, b: SchemaSnapshot) => SchemaChange[]): { file: MigrationFile; statement: ParsedStatement } | undefined {
    const owner = /^(?:column|constraint|trigger) (.*)\.[^.]*$/.exec(object)?.[1];
    const related = (c: SchemaChange) => c.object === object || (owner !== undefined && c.object.endsWith(` ${owner}`) && !c.object.startsWith('index '));
    return this.steps.find((s) => diff(s.before, s.after).some(related));
  }
}

/**
 * Runs a service's migrations on a real PostgreSQL and judges them by what they did:
 *
 * 1. applies the previous release's migrations (their committed text) to an empty database and
 *    snapshots the schema from the catalogs; every file is applied the way the default runner applies
 *    it (lexical order, one transaction per file unless PostgreSQL refuses one of its statements in a
 *    transaction), so a file that fails leaves nothing behind here either;
 * 2. applies the new migrations, snapshotting after each statement; then applies them a second time:
 *    any error, or any difference in schema or rows after the second run, is a non-idempotent
 *    migration (Argo CD reruns PreSync hooks on every sync), reported at the statement with the
 *    database's own error;
 * 3. diffs the previous release's schema with the new one: what was dropped, renamed, retyped or made
 *    stricter is a contract change, attributed to the statement that made it, whatever the statement
 *    classifier said;
 * 4. optionally runs the previous release's queries against the migrated schema (rolled back).
 *
 * `files` are the new release's parsed files (all of `dir`), `previous` the previous release (none:
 * every file is new). Rejects with MigrationInputError when the previous release itself cannot be
 * applied or the engine cannot start: then nothing was verified.
 */
export async function verifyMigrations(dir: string, files: readonly MigrationFile[], previous: ReleaseState | undefined, options: VerifyOptions = {}): Promise<VerifyResult> {
  const started = performance.now();
  const old = await previousFiles(dir, previous, files);
  const oldNames = new Set(old.map((f) => f.name));
  const fresh = files.filter((f) => !oldNames.has(f.name));
  const compatibility = options.compatibilityQueries ? await readCompatibilityQueries(options.compatibilityQueries) : [];
  const budget = options.budget instanceof VerifyBudget ? options.budget : new VerifyBudget(options.budget);
  const engine = budget.bound(await openEngine(options, budget));
  const engineReady = performance.now();
  // Every file's statements and snapshots count against its own budget and the run's.
  const applyBounded = async (file: MigrationFile, applyOptions: Parameters<typeof applyFile>[2]) => {
    engine.startFile(file.path);
    try {
      return await applyFile(engine, file, applyOptions);
    } finally {
      engine.endFile();
    }
  };
  const findings: Finding[] = [];
  try {
    // The runner's semantics (lib/migrations/runner/apply-mode.ts): the same files, in the same order, in the same transactions.
    const modeOf = (file: MigrationFile) => options.assumeInTransaction || applyModeOf(file.statements).inTransaction;
    for (const file of old) {
      const failure = await applyBounded(file, { inTransaction: modeOf(file) });
      if (failure) {
        throw new MigrationInputError([{
          location: failure.location,
          message: `the previous release's migration ${file.name} fails on ${engine.description}, so nothing could be verified: ${formatDatabaseError(failure.error)}` +
            (options.databaseUrl ? '' : ' (if it needs an extension or setting PGlite lacks, verify against a real server with --database-url)'),
        }]);
      }
    }
    const base = await snapshotSchema(engine);
    if (compatibility.length > 0) {
      const broken = await runCompatibilityQueries(engine, compatibility);
      if (broken.length > 0) {
        throw new MigrationInputError(broken.map((b) => ({
          location: b.query.location,
          message: `the compatibility query already fails on the previous release's schema, so it proves nothing about the new one: ${formatDatabaseError(b.error)}`,
        })));
      }
    }
    const previousDone = performance.now();

    const first = new StepRecorder(engine, base);
    let applyFailed = false;
    for (const file of fresh) {
      const failure = await applyBounded(file, { inTransaction: modeOf(file), afterStatement: first.after(file) });
      if (!failure) continue;
      applyFailed = true;
      findings.push({
        location: failure.location, field: 'statement', value: failure.statement.sql.slice(0, 200), rule: VerifyRule.APPLY_FAILED,
        message: `applying the new migrations to the previous release's schema fails on ${engine.description}: ${formatDatabaseError(failure.error)}`,
        fix: 'fix the statement so it runs on a database that has every earlier migration applied',
      });
      break;
    }
    // After a failure the file's transaction was rolled back: what is left is what the catalogs say now.
    const migrated = applyFailed ? await snapshotSchema(engine) : first.last;
    const applied = performance.now();
    const schemaDiff = diffSchemas(base, migrated);

    const contracts = new Map<string, ExecutedContract & { statement?: ParsedStatement }>();
    for (const change of schemaDiff.filter((c) => c.contract)) {
      const culprit = first.culprit(change.object, diffSchemas);
      const file = culprit?.file ?? fresh[0];
      if (!file) continue;
      const location = culprit ? locationOf(culprit.file, culprit.statement.start) : `${file.path}:1:1`;
      const entry = contracts.get(file.name) ?? { name: file.name, location, changes: [] };
      contracts.set(file.name, { ...entry, changes: [...entry.changes, change] });
      // A file marked contract declares it: the release rules judge it (no image change in the same release).
      if (readMarker(file).marker === 'contract') continue;
      findings.push({
        location, field: 'schema', value: change.object, rule: VerifyRule.SCHEMA_CONTRACT,
        message: `executed, this statement of a migration not marked contract changes what the previous release uses: ${change.message}`,
        fix: 'keep the old shape (expand: add, backfill, switch the code) and remove it later in a `-- migration: contract` file that ships alone',
      });
    }

    let rerunDiff: SchemaChange[] = [];
    if (!applyFailed && fresh.length > 0) {
      if (compatibility.length > 0) {
        for (const failure of await runCompatibilityQueries(engine, compatibility)) findings.push(compatibilityFinding(failure, fresh));
      }
      const second = new StepRecorder(engine, migrated);
      let rerunFailed = false;
      for (const file of fresh) {
        const failure = await applyBounded(file, { inTransaction: modeOf(file), afterStatement: second.after(file) });
        if (!failure) continue;
        rerunFailed = true;
        findings.push({
          location: failure.location, field: 'statement', value: failure.statement.sql.slice(0, 200), rule: VerifyRule.RERUN_FAILED,
          message: `the migration is not idempotent: run a second time (Argo CD reruns PreSync hooks on every sync) it fails on ${engine.description}: ${formatDatabaseError(failure.error)}`,
          fix: 'make the statement safe to rerun: IF NOT EXISTS / IF EXISTS, INSERT ... ON CONFLICT DO NOTHING, CREATE OR REPLACE, or a DO block that checks the catalog first',
        });
      }
      if (!rerunFailed) {
        const rerun = second.last;
        const both = (a: SchemaSnapshot, b: SchemaSnapshot) => [...diffSchemas(a, b), ...dataChanges(a, b)];
        rerunDiff = both(migrated, rerun);
        for (const change of rerunDiff) {
          const culprit = second.culprit(change.object, both);
          const location = culprit ? locationOf(culprit.file, culprit.statement.start) : `${fresh[0].path}:1:1`;
          findings.push({
            location, field: 'statement', value: change.object, rule: VerifyRule.RERUN_CHANGED,
            message: `the migration is not idempotent: run a second time (Argo CD reruns PreSync hooks on every sync) it changes the database again: ${change.message}`,
            fix: 'make the statement a no-op when its change is already there: ON CONFLICT DO NOTHING for seed rows, WHERE conditions for backfills, IF NOT EXISTS for objects',
          });
        }
      }
    }
    const done = performance.now();
    return {
      engine: engine.description,
      findings,
      schemaDiff,
      rerunDiff,
      contracts: [...contracts.values()].map(({ name, location, changes }) => ({ name, location, changes })),
      previousMigrations: old.map((f) => f.name),
      newMigrations: fresh.map((f) => f.name),
      timings: { engineStart: engineReady - started, previous: previousDone - engineReady, apply: applied - previousDone, rerun: done - applied, total: done - started },
    };
  } finally {
    await engine.close();
  }
}

function compatibilityFinding(failure: CompatibilityFailure, fresh: readonly MigrationFile[]): Finding {
  return {
    location: failure.query.location, field: 'compatibilityQueries', value: failure.query.sql.slice(0, 200), rule: VerifyRule.COMPATIBILITY,
    message: `the previous release runs this query, which passes on its schema but fails after ${fresh.map((f) => f.name).join(', ')}: ${formatDatabaseError(failure.error)}`,
    fix: 'keep what the previous release uses until no running pod needs it (expand now, contract in a later release that ships alone)',
  };
}


