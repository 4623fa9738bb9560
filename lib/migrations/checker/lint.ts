import { type Finding } from '../../validation/finding.js';
import { type MigrationMarker, readExcuses, readMarker, squawkIgnoreFindings } from './annotations.js';
import { type ClassifiedStatement, classifyFile } from './classify-file.js';
import { type ExcusedFinding, applyExcuses } from './excuses.js';
import { type ContractMigration, type ReleaseState, compareReleases, contractReleaseFindings, shippedMigrationFindings } from './release.js';
import { releaseStateAtRef, releaseStateOnDisk } from './release-state.js';
import { COVERED_BY_SQUAWK, type MigrationRuleId } from './rules.js';
import { type MigrationFile, readMigrationDirectory } from './sql-file.js';
import { type SquawkSettings, runSquawk } from './squawk.js';
import { placeViolations, squawkFindings } from './squawk-findings.js';
import { type StatementFinding, statementRuleFindings } from './statement-rules.js';

/** Options of lintMigrations. */
export interface LintMigrationsOptions extends SquawkSettings {
  /**
   * A git ref (e.g. `origin/main`, a release tag) holding the previous release: migrations missing there
   * are new, images are compared in `manifests`, and shipped migrations must be unchanged.
   * @default - no previous release: every migration is new and images are not compared
   */
  readonly base?: string;
  /**
   * Synthesized manifests (e.g. `dist/bitvault/prod`) whose workload images are compared with `base`.
   * @default - no images compared from git (`previous`/`current` may still give them)
   */
  readonly manifests?: string;
  /**
   * `metadata.name` of the workloads that use this database.
   * @default - every workload in `manifests`
   */
  readonly workloads?: readonly string[];
  /**
   * The previous release's state, instead of reading it from `base` (e.g. the synth's view of the
   * committed dist/).
   * @default - read from `base`, or none
   */
  readonly previous?: ReleaseState;
  /**
   * The new release's workload images (its migrations are always the files in `dir`).
   * @default - the images in `manifests` on disk
   */
  readonly current?: Pick<ReleaseState, 'images'>;
}

/** One migration file as the checker saw it. */
export interface MigrationSummary {
  readonly name: string;
  /** Not in the previous release (every file is new without one); only new files are linted. */
  readonly isNew: boolean;
  /** The header marker (`expand` when there is none). */
  readonly marker: MigrationMarker;
  /** Marked as contract, or contains a contract statement (excused or not). */
  readonly contract: boolean;
}

/** Result of lintMigrations. */
export interface LintMigrationsResult {
  /** Every violation; empty means the migrations are safe to ship. Sorted by location. */
  readonly findings: readonly Finding[];
  /** Findings waived by in-file excuses, with their reasons. */
  readonly excused: readonly ExcusedFinding[];
  /** Every statement of every file, classified. */
  readonly statements: readonly ClassifiedStatement[];
  readonly migrations: readonly MigrationSummary[];
}

/** Drops our findings on statements where squawk already reported the same problem. */
function withoutSquawkOverlap(own: readonly StatementFinding[], squawk: ReturnType<typeof placeViolations>): StatementFinding[] {
  return own.filter((f) => {
    const covering = COVERED_BY_SQUAWK[f.finding.rule as MigrationRuleId] ?? [];
    return !squawk.some((v) => v.statement === f.statement && covering.includes(v.violation.rule));
  });
}

function compareLocations(a: Finding, b: Finding): number {
  const split = (l: string) => {
    const m = /^(.*):(\d+):(\d+)$/.exec(l);
    return m ? [m[1], Number(m[2]), Number(m[3])] as const : ([l, 0, 0] as const);
  };
  const [fa, la, ca] = split(a.location);
  const [fb, lb, cb] = split(b.location);
  return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

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
  const files = await readMigrationDirectory(dir);
  const sources = { migrationsDir: dir, manifestsDir: options.manifests, workloads: options.workloads };
  const previous = options.previous ?? (options.base ? await releaseStateAtRef(options.base, sources) : undefined);
  const onDisk = await releaseStateOnDisk(files, options.current ? { migrationsDir: dir } : sources);
  const current: ReleaseState = { ...onDisk, images: options.current?.images ?? onDisk.images };
  const changes = previous ? compareReleases(previous, current) : undefined;
  const isNew = (f: MigrationFile) => !changes || changes.newMigrations.includes(f.name);
  const newFiles = files.filter(isNew);
  const violations = await runSquawk(dir, newFiles.map((f) => f.name), options);

  const findings: Finding[] = [];
  const excused: ExcusedFinding[] = [];
  const statements: ClassifiedStatement[] = [];
  const migrations: MigrationSummary[] = [];
  const contracts: ContractMigration[] = [];
  for (const file of files) {
    const classified = classifyFile(file, options.assumeInTransaction);
    statements.push(...classified);
    const { marker, location: markerLocation, findings: markerFindings } = readMarker(file);
    const firstContract = classified.find((s) => s.class === 'contract');
    const contract = marker === 'contract' || firstContract !== undefined;
    migrations.push({ name: file.name, isNew: isNew(file), marker, contract });
    if (!isNew(file)) continue;
    if (contract) contracts.push({ name: file.name, location: markerLocation ?? firstContract?.location ?? `${file.path}:1:1` });
    const placed = placeViolations(file, violations.filter((v) => v.file === file.name));
    const own = withoutSquawkOverlap(statementRuleFindings(file.statements, classified, marker), placed);
    const applied = applyExcuses([...own, ...squawkFindings(placed, classified)], readExcuses(file));
    findings.push(...markerFindings, ...squawkIgnoreFindings(file), ...applied.findings);
    excused.push(...applied.excused);
  }
  if (previous && changes) {
    findings.push(...contractReleaseFindings(changes, contracts));
    findings.push(...(await shippedMigrationFindings(dir, previous, changes, files)));
  }
  return { findings: findings.sort(compareLocations), excused, statements, migrations };
}
