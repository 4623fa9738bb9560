import path from 'node:path';
import { parse } from 'libpg-query';
import { type Finding } from '../../validation/finding.js';
import { MigrationRule } from './rules.js';
import { type MigrationFile, sortMigrationNames } from './sql-file.js';

/**
 * What one release ships for a database: its migration files and the images of the workloads that
 * use the database. Compare the previous release's state with the new one to find the new migrations
 * and the workloads whose code changes.
 */
export interface ReleaseState {
  /** Migration file names (not paths) in the migrations directory. */
  readonly migrations: readonly string[];
  /** Image per workload that uses the database (any stable key: `Rollout/shop-prod/api/app`, a construct path, ...). */
  readonly images: Readonly<Record<string, string>>;
  /**
   * The migration files' contents by name, when known (a git ref, or the files on disk), to detect
   * edits to migrations that already shipped.
   * @default - edits are not detected, only removals
   */
  readonly contents?: Readonly<Record<string, string>>;
}

/** A workload whose image differs between two releases. */
export interface ImageChange {
  readonly workload: string;
  readonly previous: string;
  readonly current: string;
}

/** The difference between two release states. */
export interface ReleaseChanges {
  /** Migrations in the new release only, in the order they run. */
  readonly newMigrations: readonly string[];
  /** Migrations of the previous release missing from the new one. */
  readonly removedMigrations: readonly string[];
  /** Workloads present in both releases whose image changed (a new workload has no old pods to break). */
  readonly changedImages: readonly ImageChange[];
}

/** Compares two release states. */
export function compareReleases(previous: ReleaseState, current: ReleaseState): ReleaseChanges {
  const before = new Set(previous.migrations);
  const after = new Set(current.migrations);
  return {
    newMigrations: sortMigrationNames(current.migrations.filter((m) => !before.has(m))),
    removedMigrations: sortMigrationNames(previous.migrations.filter((m) => !after.has(m))),
    changedImages: Object.keys(current.images)
      .filter((w) => w in previous.images && previous.images[w] !== current.images[w])
      .sort()
      .map((workload) => ({ workload, previous: previous.images[workload], current: current.images[workload] })),
  };
}

/** A new migration that contracts the schema, and where to report it (its marker or first contract statement). */
export interface ContractMigration {
  readonly name: string;
  readonly location: string;
}

/**
 * Rule 2: a contract migration may not ship in the same release as an image change of a workload that
 * uses the database. The migration runs before the new pods start (PreSync hook), while the old pods of
 * every changed workload still serve traffic during the canary or rolling update, and the old code is
 * exactly what still uses the shape the contract removes.
 */
export function contractReleaseFindings(changes: ReleaseChanges, contracts: readonly ContractMigration[]): Finding[] {
  if (changes.changedImages.length === 0) return [];
  const workloads = changes.changedImages.map((c) => c.workload);
  return contracts.map((contract) => ({
    location: contract.location,
    field: 'release',
    value: workloads,
    rule: MigrationRule.CONTRACT_WITH_IMAGE_CHANGE,
    message: `contract migration ${contract.name} ships in the same release as new images of ${workloads.join(', ')}: their old pods still run during the rollout and may use what it removes`,
    fix: 'ship the image change in one release and this contract migration alone in a later release, once no running pod uses the old shape',
  }));
}

/** The parse tree without positions, so comments and whitespace do not count as edits. */
async function shape(sql: string): Promise<string> {
  try {
    return JSON.stringify(await parse(sql), (key, value) => (key === 'location' || key === 'stmt_location' || key === 'stmt_len' ? undefined : value));
  } catch {
    return sql;
  }
}

/**
 * Forward-only rules for migrations that already shipped: never removed, never edited (a database that
 * applied the file never runs it again, so an edit silently forks the schema), and new files sort after
 * them (runners apply in lexical order and may skip or reorder a file that sorts earlier).
 */
export async function shippedMigrationFindings(dir: string, previous: ReleaseState, changes: ReleaseChanges, files: readonly MigrationFile[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const at = (name: string) => `${path.join(dir, name)}:1:1`;
  for (const name of changes.removedMigrations) {
    findings.push({
      location: at(name), field: 'migration', value: name, rule: MigrationRule.APPLIED_MIGRATION_REMOVED,
      message: 'a migration that already shipped was removed: databases that applied it keep its changes, new databases never get them',
      fix: 'restore the file; undo its effect with a new, later migration (forward-only)',
    });
  }
  const newNames = new Set(changes.newMigrations);
  for (const file of files) {
    const before = previous.contents?.[file.name];
    if (newNames.has(file.name) || before === undefined || before === file.source.text) continue;
    if ((await shape(before)) === (await shape(file.source.text))) continue;
    findings.push({
      location: at(file.name), field: 'migration', value: file.name, rule: MigrationRule.APPLIED_MIGRATION_CHANGED,
      message: 'a migration that already shipped was edited: databases that applied it never run the new version',
      fix: 'restore the shipped version and put the change in a new, later migration (forward-only)',
    });
  }
  const lastShipped = sortMigrationNames(previous.migrations.filter((m) => !changes.removedMigrations.includes(m))).at(-1);
  for (const name of changes.newMigrations) {
    if (lastShipped === undefined || name > lastShipped) continue;
    findings.push({
      location: at(name), field: 'migration', value: name, rule: MigrationRule.OUT_OF_ORDER,
      message: `new migration ${name} sorts before ${lastShipped}, which already shipped: databases that applied ${lastShipped} would run it out of order, or never`,
      fix: `rename it so it sorts after ${lastShipped}`,
    });
  }
  return findings;
}
