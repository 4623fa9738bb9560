import { App } from 'cdk8s';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SynthesizedObject, toYaml } from '../synth/synthesizer.js';
import { Finding } from '../validation/finding.js';
import { MigrationInputError } from './checker/errors.js';
import { lintMigrations } from './checker/lint.js';
import { ReleaseState } from './checker/release.js';
import { releaseStateAtRef, workloadImages } from './checker/release-state.js';
import { Migration } from './migration.js';

/** Options of {@link checkMigrations}. */
export interface CheckMigrationsOptions {
  /** The output folder whose committed state is the previous release. @default 'dist' */
  readonly outdir?: string;
  /** The git ref holding the previous release. @default 'HEAD' (the last commit: what is being changed) */
  readonly baseRef?: string;
}

/**
 * The migration checks of a synth: every Migration's SQL is linted exactly like
 * `cdk8s-delivery lint-migrations`, with the previous release read from the committed output at
 * `baseRef` and the new release's images taken from the objects just synthesized, so a contract
 * migration that ships with an image change of a workload using the database fails the synth.
 * Findings carry the Migration's construct path before the file position.
 */
export async function checkMigrations(app: App, objects: readonly SynthesizedObject[], options: CheckMigrationsOptions = {}): Promise<Finding[]> {
  const migrations = app.node.findAll().filter(Migration.isMigration);
  const results = await Promise.all(migrations.map((m) => checkOne(m, objects, options)));
  return results.flat();
}

async function checkOne(m: Migration, objects: readonly SynthesizedObject[], options: CheckMigrationsOptions): Promise<Finding[]> {
  const names = m.usedBy.map((w) => w.name);
  const prefix = `${m.platformName}/${m.environment}/`;
  const current = new Map(objects.filter((o) => o.path.startsWith(prefix)).map((o) => [o.path, toYaml(o.manifest)]));
  let previous: ReleaseState | undefined;
  try {
    const manifestsDir = join(options.outdir ?? 'dist', m.platformName, m.environment);
    // Before the first synth of an environment there are no committed manifests: no images to compare.
    previous = await releaseStateAtRef(options.baseRef ?? 'HEAD', { migrationsDir: m.migrationsDir, manifestsDir: existsSync(manifestsDir) ? manifestsDir : undefined, workloads: names });
  } catch (error) {
    // No previous release to compare with (a new repository, or no git): every migration is new.
    if (!(error instanceof MigrationInputError)) throw error;
  }
  try {
    const result = await lintMigrations(m.migrationsDir, { previous, current: { images: workloadImages(current, names) } });
    return result.findings.map((f) => ({ ...f, location: `${m.node.path}: ${f.location}` }));
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
