import path from 'node:path';
import { byEnvironment, hookOf, locationOf, ReviewObject } from '../manifests.js';
import { Change, DiffReport, risk } from './change.js';
import { compareManifests, sortChanges } from './compare.js';
import { releaseChanges } from './compare-release.js';
import { DiffInputError, parseManifests, readManifestsAtRef, readManifestsOnDisk } from './load.js';
import { explainDeliveredSql } from './delivered-sql.js';
import { findNewMigrations, NewMigration } from './migrations.js';

/** Options of {@link semanticDiff}. */
export interface SemanticDiffOptions {
  /** The output folder (the layout `<platform>/<environment>/<app>/`). @default 'dist' */
  readonly dir?: string;
  /** The git ref to compare with. @default 'HEAD' */
  readonly base?: string;
  /**
   * Migrations directories whose new `*.sql` files are listed and classified.
   * @default every new `*.sql` below a folder named `migrations` in the git working tree
   */
  readonly migrations?: readonly string[];
  /** Working directory. @default process.cwd() */
  readonly cwd?: string;
}

/** A Job that migrates a database: an Argo CD PreSync hook or a `migration` component. */
function isMigrationJob(o: ReviewObject): boolean {
  return o.manifest.kind === 'Job' && (hookOf(o.manifest) === 'PreSync' || o.manifest.metadata?.labels?.['app.kubernetes.io/component'] === 'migration');
}

/**
 * The units that run a migrations directory, per environment: the Migration construct names its folder
 * `<release>-migrations` and its Job `<release>-migrate`, and bitvault-style layouts keep the SQL of
 * `<release>` in `.../migrations/<release>/`. Migrations no unit is found for (another layout, test
 * fixtures) are listed on their own, by directory.
 */
function migrationUnits(migration: NewMigration, objects: readonly ReviewObject[]): ReviewObject[] {
  const release = path.basename(migration.directory);
  const out: ReviewObject[] = [];
  for (const group of byEnvironment(objects).values()) {
    const jobs = group.filter(isMigrationJob);
    const named = jobs.filter((j) => locationOf(j.path).unit === `${release}-migrations` || j.manifest.metadata?.name === `${release}-migrate`);
    out.push(...named);
  }
  return out;
}

function migrationChanges(migrations: readonly NewMigration[], objects: readonly ReviewObject[]): Change[] {
  const out: Change[] = [];
  for (const m of migrations) {
    const detail = m.contractStatements.length > 0 ? ` (${[...new Set(m.contractStatements)].join(', ')})` : '';
    const draft = {
      subject: `migration ${m.name}`,
      aspect: 'migration' as const,
      field: 'new migration',
      after: `${m.migrationClass}${detail}`,
      note: m.problem ?? m.file,
      risks: m.migrationClass === 'contract' ? [risk('contract-migration', 'old pods still running during the rollout may use what it removes; ship it alone, after no running version uses the old shape')] : [],
    };
    const units = migrationUnits(m, objects);
    if (units.length === 0) out.push({ platform: '-', environment: '-', unit: m.directory, ...draft });
    for (const u of units) out.push({ ...locationOf(u.path), ...draft });
  }
  return out;
}

/**
 * Compares the output folder in the working tree with the same folder at a git ref and explains every
 * change the way a reviewer reads a release: images, strategies and canary steps, analysis thresholds,
 * disruption budgets, autoscaling bounds, sync waves, objects added and removed, and new migrations
 * (expand or contract), each with the risk flags it raises (see RISK_FLAGS). Rejects with a
 * DiffInputError when an input cannot be read.
 */
export async function semanticDiff(options: SemanticDiffOptions = {}): Promise<DiffReport> {
  const cwd = options.cwd ?? process.cwd();
  const dir = options.dir ?? 'dist';
  const base = options.base ?? 'HEAD';
  const absolute = path.resolve(cwd, dir);
  try {
    const after = parseManifests(await readManifestsOnDisk(absolute), 'working tree');
    const before = parseManifests(await readManifestsAtRef(base, absolute), base);
    const migrations = await findNewMigrations({ base, directories: options.migrations, cwd });
    const promotions = await releaseChanges({ base, cwd, after });
    const changes = explainDeliveredSql([...promotions, ...compareManifests(before, after), ...migrationChanges(migrations, after)], before, after);
    return { base, dir, changes: sortChanges(changes) };
  } catch (error) {
    // Locations read the way the folder was given, not as the absolute path git was run in.
    if (error instanceof DiffInputError) throw new DiffInputError(error.problems.map((p) => ({ location: p.location.split(absolute).join(dir), message: p.message.split(absolute).join(dir) })));
    throw error;
  }
}
