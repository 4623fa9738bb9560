import { App } from 'cdk8s';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SynthesizedObject } from '../synth/synthesizer.js';
import { Finding } from '../validation/finding.js';
import { MigrationInputError } from './checker/errors.js';
import { ReleaseState } from './checker/release.js';
import { isMigrationFileName } from './checker/sql-file.js';
import { readTreeAtRef, releaseStateAtRef, workloadImagesOf } from './checker/release-state.js';
import { readMigrationDirectory } from './checker/sql-file.js';
import { Migration } from './migration.js';
import { MigrationRunnerKind } from './migration-runner.js';
import { MigrationRule } from './checker/rules.js';
import { type SqlEngine } from './verify/engine.js';
import { VerifyBudget, type VerifyBudgetOptions } from './verify/budget.js';
import type { VerifyResult } from './verify/verify.js';
import type { LintMigrationsResult } from './checker/lint.js';
import type { EarlyVerification } from './verify/early-start.js';

/** Options of {@link checkMigrations}. */
export interface CheckMigrationsOptions {
  /** The output folder whose committed state is the previous release. @default 'dist' */
  readonly outdir?: string;
  /** The git ref holding the previous release. @default 'HEAD' (the last commit: what is being changed) */
  readonly baseRef?: string;
  /** Opens the PostgreSQL session of a `verify` Migration (tests count or share them). @default PGlite, initdb once per synth */
  readonly engine?: () => Promise<SqlEngine>;
  /**
   * Where findings that do not fail the synth go (printed as warnings): with `MigrationRunner.command`, a
   * contract migration that ships with an image change, or without one.
   * @default - dropped
   */
  readonly warnings?: Finding[];
  /**
   * The time and memory the synth's verification may take, shared by every history it verifies.
   * @default - 60 s per file, 600 s for the synth, 1024 MB
   */
  readonly verifyBudget?: VerifyBudgetOptions;
  /**
   * PGlite's child, started while the app was built (runSynth): the first engine the verification opens, when it
   * opens one; killed, unused, once the verification is done. Ignored with `engine`.
   */
  readonly early?: EarlyVerification;
}

/**
 * The migration checks of a synth: every Migration's SQL is linted exactly like
 * `cdk8s-delivery lint-migrations`, with the previous release read from the committed output at
 * `baseRef` and the new release's images taken from the objects just synthesized, so a contract
 * migration that ships with an image change of a workload using the database fails the synth.
 * With `verify` (the default) the changed migrations are also run on PostgreSQL (PGlite), once per
 * history whatever the number of environments: a non-idempotent migration or a contract change that
 * execution shows fails the synth like the linter's findings. Migrations unchanged since `baseRef` are
 * neither linted nor run: no database is started.
 * Findings carry the Migration's construct path before the file position.
 */
export async function checkMigrations(app: App, objects: readonly SynthesizedObject[], options: CheckMigrationsOptions = {}): Promise<Finding[]> {
  return (await verifyAppMigrations(app, options)).findings(objects);
}

/** The migration checks of a synth, in two steps: see {@link verifyAppMigrations}. */
export interface MigrationChecks {
  /**
   * The findings of every changed Migration, in the order of the app's constructs: its lint (which needs the
   * synthesized objects: the new release's images) merged with its verification, run before. Warnings go to
   * `warnings` (default: the `warnings` option).
   */
  findings(objects: readonly SynthesizedObject[], warnings?: Finding[]): Promise<Finding[]>;
}

/**
 * The first step of {@link checkMigrations}, which needs the constructs only: finds the changed Migrations, reads
 * their previous release and runs their verification (PGlite), then closes the engine. `runSynth` calls it right
 * after building the app, before synthesizing: PGlite's WebAssembly heap (about 500 MiB) is gone before the manifests
 * of the estate exist, so the two are not held at once. The second step, {@link MigrationChecks.findings}, lints
 * and reports, exactly as {@link checkMigrations} does in one call: a verification's error (the budget, a previous
 * release that does not apply) is reported or thrown where its Migration's findings are, after its lint.
 */
export async function verifyAppMigrations(app: App, options: CheckMigrationsOptions = {}): Promise<MigrationChecks> {
  const migrations = app.node.findAll().filter(Migration.isMigration);
  const ref = options.baseRef ?? 'HEAD';
  // The SQL history of a directory at `ref`, read once per directory: every environment and database of a platform
  // shares its history, and each read is git processes (costly from a synth holding every object in memory).
  // Undefined: not readable at `ref` (not in git, or no such ref), so every migration is new.
  const committedByDir = new Map<string, Promise<Map<string, string> | undefined>>();
  const committed = (dir: string) => {
    if (!committedByDir.has(dir)) committedByDir.set(dir, committedMigrations(ref, dir));
    return committedByDir.get(dir)!;
  };
  const changed = await Promise.all(migrations.map(async (m) => !(await unchangedSinceRef(await committed(m.migrationsDir), m.migrationsDir))));
  const toCheck = migrations.filter((_, i) => changed[i]);
  // One budget for the synth: every history's files within one run budget (issue 26).
  const budget = new VerifyBudget(options.verifyBudget);
  // Nothing changed (the common synth): the linter, the verification and PGlite are not even loaded.
  if (toCheck.length === 0) {
    await options.early?.settled({ verified: new Set(), ran: new Set() });
    return { findings: async () => [] };
  }
  const [{ lintMigrations }, { mergeVerified }, { pgliteFactory, startPglite }, { verifyMigrations }, { cachedVerification, verifyCacheDir }] = await Promise.all([
    import('./checker/lint.js'), import('./verify/lint-verified.js'), import('./verify/pglite-engine.js'), import('./verify/verify.js'), import('./verify/cache.js'),
  ]);
  // Execution is the same for every environment of a history: once per (directory, queries), on one
  // initdb shared by all histories of the synth.
  const histories = new Set(toCheck.filter((m) => m.verify).map((m) => `${m.migrationsDir}\0${m.compatibilityQueries ?? ''}`));
  const started = histories.size > 1 ? pgliteFactory() : startPglite;
  // The child started early, if any, is the first engine; one that failed to start is replaced by a new start.
  const early = options.engine ? undefined : options.early;
  const engine = options.engine ?? (async () => {
    const first = early?.take();
    return first ? first.catch(() => started()) : started();
  });
  // The folders whose verification was asked for, and of those the ones run on PGlite (not cached): what the early
  // start guesses from next time.
  const verifiedDirs = new Set<string>();
  const ran = new Set<string>();
  // With the default engine, a history verified before with the same files, code and engine is not run again.
  const cacheDir = options.engine ? undefined : verifyCacheDir();
  const verified = new Map<string, Promise<VerifyResult>>();
  const verifyOnce = (m: Migration, previous: ReleaseState | undefined) => {
    const key = `${m.migrationsDir}\0${m.compatibilityQueries ?? ''}`;
    verifiedDirs.add(m.migrationsDir);
    if (!verified.has(key)) {
      const result = (async () => {
        const files = await readMigrationDirectory(m.migrationsDir);
        const inputs = { migrationsDir: m.migrationsDir, files: files.map((f) => ({ name: f.name, text: f.source.text })), previous, compatibilityQueries: m.compatibilityQueries, budget: options.verifyBudget };
        return cachedVerification(cacheDir, inputs, () => (ran.add(m.migrationsDir), verifyMigrations(m.migrationsDir, files, previous, { compatibilityQueries: m.compatibilityQueries, engine, budget })));
      })();
      // Its error is the Migration's (reported after its lint, in findings()), not an unhandled rejection meanwhile.
      result.catch(() => undefined);
      verified.set(key, result);
    }
    return verified.get(key)!;
  };
  // Per Migration, in order: the previous release (git), then its verification, one history at a time (a
  // PostgreSQL per history at once would only compete for the same cores), each settled before the next starts.
  // An error reading a previous release stops the preparation; it is thrown by findings() where its Migration's
  // findings would be, as checkMigrations in one step throws it (after the findings of the Migrations before it).
  const prepared: { m: Migration; previous: ReleaseState | undefined; verification?: Promise<VerifyResult> }[] = [];
  let failed: { error: unknown } | undefined;
  for (const m of toCheck) {
    let previous: ReleaseState | undefined;
    try {
      previous = await previousRelease(m, await committed(m.migrationsDir), options);
    } catch (error) {
      failed = { error };
      break;
    }
    const verification = m.verify ? verifyOnce(m, previous) : undefined;
    await verification?.catch(() => undefined);
    prepared.push({ m, previous, verification });
  }
  await early?.settled({ verified: verifiedDirs, ran });
  return {
    async findings(objects, warnings = options.warnings) {
      // The lint of a history is a function of its files, the previous release and the new release's images: Migrations
      // that share all three (every database of a platform without a previous release, say) are linted once.
      const linted = new Map<string, Promise<LintMigrationsResult>>();
      const lintOnce = (dir: string, previous: ReleaseState | undefined, images: Record<string, string>) => {
        const key = JSON.stringify([dir, previous ?? null, previous ? images : null]);
        if (!linted.has(key)) linted.set(key, lintMigrations(dir, { previous, current: { images } }));
        return linted.get(key)!;
      };
      // The objects of each platform and environment, found once for all the Migrations there.
      const byPrefix = new Map<string, Record<string, any>[]>();
      const objectsUnder = (prefix: string) => {
        if (!byPrefix.has(prefix)) byPrefix.set(prefix, objects.filter((o) => o.path.startsWith(prefix)).map((o) => o.manifest));
        return byPrefix.get(prefix)!;
      };
      const results = [];
      for (const { m, previous, verification } of prepared) {
        results.push(await checkOne(m, objectsUnder(`${m.platformName}/${m.environment}/`), { ...options, warnings }, { previous, lint: lintOnce, verification, mergeVerified }));
      }
      if (failed) throw failed.error;
      return results.flat();
    },
  };
}

/**
 * The previous release of a Migration's database: its committed migrations and the images of the committed
 * manifests. Undefined when there is none to compare with (a new repository, no git, the history unreadable at the
 * ref): every migration is then new.
 */
async function previousRelease(m: Migration, committed: Map<string, string> | undefined, options: CheckMigrationsOptions): Promise<ReleaseState | undefined> {
  // The history unreadable at the ref: releaseStateAtRef would fail on it first, with the same error (no git run).
  if (committed === undefined) return undefined;
  try {
    const manifestsDir = join(options.outdir ?? 'dist', m.platformName, m.environment);
    // Before the first synth of an environment there are no committed manifests: no images to compare.
    return await releaseStateAtRef(options.baseRef ?? 'HEAD', { migrationsDir: m.migrationsDir, manifestsDir: existsSync(manifestsDir) ? manifestsDir : undefined, workloads: m.usedBy.map((w) => w.name) });
  } catch (error) {
    if (!(error instanceof MigrationInputError)) throw error;
    return undefined;
  }
}

/** The migration files of `dir` committed at `ref`, or undefined when they cannot be read there (not in git, no such ref). */
async function committedMigrations(ref: string, dir: string): Promise<Map<string, string> | undefined> {
  try {
    return await readTreeAtRef(ref, dir, (p) => !p.includes('/') && isMigrationFileName(p));
  } catch (error) {
    if (error instanceof MigrationInputError) return undefined;
    throw error;
  }
}

/**
 * True when the migration files on disk are exactly those committed at `ref` (same names, same text):
 * nothing new to lint and no contract migration to ship, whatever the images do. The common case of a
 * synth, and it skips loading the PostgreSQL parser and reading the previous manifests.
 */
async function unchangedSinceRef(committed: Map<string, string> | undefined, dir: string): Promise<boolean> {
  if (committed === undefined) return false;
  if (!existsSync(dir)) return false;
  const names = readdirSync(dir).filter(isMigrationFileName).sort();
  if (names.length !== committed.size || names.some((n) => !committed.has(n))) return false;
  try {
    return names.every((n) => committed.get(n) === readFileSync(join(dir, n), 'utf8'));
  } catch {
    return false; // unreadable (a directory named x.sql, a dangling link): the lint reports it
  }
}

/** What {@link checkOne} is given for one Migration. */
interface Shared {
  /** The previous release (see previousRelease). */
  readonly previous: ReleaseState | undefined;
  readonly lint: (dir: string, previous: ReleaseState | undefined, images: Record<string, string>) => Promise<LintMigrationsResult>;
  /** The Migration's verification, run before (verifyAppMigrations); none without `verify`. */
  readonly verification?: Promise<VerifyResult>;
  readonly mergeVerified: typeof import('./verify/lint-verified.js').mergeVerified;
}

async function checkOne(m: Migration, current: readonly Record<string, any>[], options: CheckMigrationsOptions, shared: Shared): Promise<Finding[]> {
  const names = m.usedBy.map((w) => w.name);
  const previous = shared.previous;
  try {
    const images = workloadImagesOf(current, names);
    const linted = await shared.lint(m.migrationsDir, previous, images);
    const result = shared.verification ? shared.mergeVerified(linted, await shared.verification, previous, images) : linted;
    const at = (f: Finding) => ({ ...f, location: `${m.node.path}: ${f.location}` });
    if (m.runner.kind === MigrationRunnerKind.COMMAND) {
      const { errors, warnings } = commandRunnerFindings(result.findings, result.migrations.filter((s) => s.isNew && s.contract).map((s) => s.name), m);
      options.warnings?.push(...warnings.map(at));
      return errors.map(at);
    }
    return [...result.findings, ...editedBytesFindings(m, previous, result.findings)].map(at);
  } catch (error) {
    if (!(error instanceof MigrationInputError)) throw error;
    return error.problems.map((p) => ({
      location: `${m.node.path}: ${p.location}`,
      field: 'migrationsDir',
      value: m.migrationsDir,
      rule: 'migration/input',
      message: p.message,
      fix: 'fix the SQL at that position (or the unreadable file) and synth again',
    }));
  }
}


/**
 * With `MigrationRunner.command`, the SQL reaches the database only inside a new image of the release, so a
 * contract migration cannot ship without an image change: the image change the contract rule refuses is,
 * here, the only way to deliver it. That rule's findings become warnings saying what the image must be
 * (the previous release's code and the new migration, nothing else), and a contract migration with no
 * image change is a warning too: it does not reach the database at all.
 */
function commandRunnerFindings(findings: readonly Finding[], newContracts: readonly string[], m: Migration): { errors: Finding[]; warnings: Finding[] } {
  const errors = findings.filter((f) => f.rule !== MigrationRule.CONTRACT_WITH_IMAGE_CHANGE);
  const warnings: Finding[] = findings.filter((f) => f.rule === MigrationRule.CONTRACT_WITH_IMAGE_CHANGE).map((f) => ({
    ...f,
    message: `${f.message}; with MigrationRunner.command the SQL only reaches the database inside a new image, so a contract release needs an image of its own`,
    fix: 'make this image the previous release\'s code plus the new migration and nothing else (ship code changes in the release before), or use the default MigrationRunner.psql(), which delivers the SQL without an image change',
  }));
  const flagged = new Set(warnings.map((w) => String(w.location)));
  for (const name of newContracts) {
    const location = `${join(m.migrationsDir, name)}:1:1`;
    if ([...flagged].some((l) => l.startsWith(join(m.migrationsDir, name)))) continue;
    warnings.push({
      location,
      field: 'runner',
      value: m.runner.command,
      rule: 'migration/not-delivered',
      message: `contract migration ${name} ships without an image change, but MigrationRunner.command runs the migrations built into the release image: it does not reach the database until an image that contains it ships`,
      fix: 'ship it in an image of its own (the current code plus this migration), or use the default MigrationRunner.psql(), which delivers the SQL with the manifests',
    });
  }
  return { errors, warnings };
}

/**
 * The psql runner records the sha256 of every applied file and stops at an applied file whose bytes changed.
 * The checker lets a shipped file's comments and whitespace change (the statements are the same); for this
 * runner that edit would fail the next sync, so it is an error here.
 */
function editedBytesFindings(m: Migration, previous: ReleaseState | undefined, findings: readonly Finding[]): Finding[] {
  if (!previous?.contents) return [];
  const out: Finding[] = [];
  for (const name of previous.migrations) {
    const before = previous.contents[name];
    const file = join(m.migrationsDir, name);
    if (before === undefined || !existsSync(file)) continue;
    let now: string;
    try {
      now = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (now === before || findings.some((f) => f.rule === MigrationRule.APPLIED_MIGRATION_CHANGED && f.location.startsWith(file))) continue;
    out.push({
      location: `${file}:1:1`, field: 'migration', value: name, rule: MigrationRule.APPLIED_MIGRATION_CHANGED,
      message: 'a migration that already shipped was edited (comments or whitespace only): the runner checks the sha256 of every applied file, so the next sync would stop at it',
      fix: 'restore the shipped text byte for byte; put notes in a new migration or in the commit message',
    });
  }
  return out;
}
