import { type LintMigrationsOptions, type LintMigrationsResult, lintMigrations } from '../checker/lint.js';
import { type ReleaseState, compareReleases, contractReleaseFindings } from '../checker/release.js';
import { releaseStateAtRef, releaseStateOnDisk } from '../checker/release-state.js';
import { readMigrationDirectory } from '../checker/sql-file.js';
import { type Finding } from '../../validation/finding.js';
import { type VerifyOptions, type VerifyResult, verifyMigrations } from './verify.js';

/** Options of {@link lintAndVerifyMigrations}: the linter's and the verifier's. */
export interface LintAndVerifyOptions extends LintMigrationsOptions, Omit<VerifyOptions, 'assumeInTransaction'> {}

/** The linter's result with the verifier's findings merged in, and what execution showed. */
export interface LintAndVerifyResult extends LintMigrationsResult {
  readonly verify: Omit<VerifyResult, 'findings'>;
}

function compareLocations(a: Finding, b: Finding): number {
  const split = (l: string) => {
    const m = /^(.*):(\d+):(\d+)$/.exec(l);
    return m ? ([m[1], Number(m[2]), Number(m[3])] as const) : ([l, 0, 0] as const);
  };
  const [fa, la, ca] = split(a.location);
  const [fb, lb, cb] = split(b.location);
  return fa < fb ? -1 : fa > fb ? 1 : la - lb || ca - cb || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}

/**
 * `lint-migrations --verify`: the linter (parser, classifier, squawk: lock safety and the reasons) and
 * the verifier (the migrations executed on PostgreSQL) on the same release states, read once. Execution
 * decides what a migration does: a file whose execution contracts the schema counts as a contract
 * migration for the release rule (no image change of a workload using the database in the same
 * release) even when no statement looked like one.
 */
export async function lintAndVerifyMigrations(dir: string, options: LintAndVerifyOptions = {}): Promise<LintAndVerifyResult> {
  const files = await readMigrationDirectory(dir);
  const sources = { migrationsDir: dir, manifestsDir: options.manifests, workloads: options.workloads };
  const previous: ReleaseState | undefined = options.previous ?? (options.base ? await releaseStateAtRef(options.base, sources) : undefined);
  const current = options.current ?? { images: (await releaseStateOnDisk(files, sources)).images };
  const lint = await lintMigrations(dir, { ...options, previous, current });
  const verified = await verifyMigrations(dir, files, previous, options);
  return mergeVerified(lint, verified, previous, current.images);
}

/**
 * Merges what execution showed into the linter's result (both on the same release states): the
 * verifier's findings, the release rule for files that execution showed contract but the linter did
 * not count as contract, and the contract flag of each migration.
 */
export function mergeVerified(lint: LintMigrationsResult, verified: VerifyResult, previous: ReleaseState | undefined, currentImages: Readonly<Record<string, string>>): LintAndVerifyResult {
  const { findings: executed, ...verify } = verified;
  const lintedAt = new Set(lint.findings.filter((f) => f.rule === 'migration/contract-unmarked').map((f) => f.location));
  // Reported once: where the classifier already flagged the unmarked contract statement, it explains it.
  // What the classifier could not see into (dynamic SQL, other languages) execution has judged: its
  // `unclassifiable` findings stand only for files that did not apply.
  const fileOf = (location: string) => location.replace(/:\d+:\d+$/, '');
  const notApplied = new Set(executed.filter((f) => f.rule === 'migration/apply-failed').map((f) => fileOf(f.location)));
  const linted = lint.findings.filter((f) => f.rule !== 'migration/unclassifiable' || notApplied.has(fileOf(f.location)));
  const findings = [...linted, ...executed.filter((f) => !(f.rule === 'migration/schema-contract' && lintedAt.has(f.location)))];
  if (previous) {
    const changes = compareReleases(previous, { migrations: lint.migrations.map((m) => m.name), images: currentImages });
    const counted = new Set(lint.migrations.filter((m) => m.contract).map((m) => m.name));
    findings.push(...contractReleaseFindings(changes, verify.contracts.filter((c) => !counted.has(c.name))));
  }
  return {
    ...lint,
    findings: findings.sort(compareLocations),
    migrations: lint.migrations.map((m) => (verify.contracts.some((c) => c.name === m.name) ? { ...m, contract: true } : m)),
    verify,
  };
}
