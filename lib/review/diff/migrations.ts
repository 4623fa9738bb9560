import { existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { readMarker } from '../../migrations/checker/annotations.js';
import { classifyFile } from '../../migrations/checker/classify-file.js';
import { MigrationInputError } from '../../migrations/checker/errors.js';
import { readTreeAtRef } from '../../migrations/checker/release-state.js';
import { decodeMigrationText, isMigrationFileName, parseMigration } from '../../migrations/checker/sql-file.js';
import { compareText } from '../manifests.js';
import { git, nulList } from './git.js';
import { DiffInputError } from './load.js';

/** A migration file that is in the working tree but not at the base ref, classified. */
export interface NewMigration {
  /** The file, relative to the working directory (or as the directory was given). */
  readonly file: string;
  /** Its migrations directory, same convention. */
  readonly directory: string;
  /** The file name, e.g. `0005_add_email.sql`. */
  readonly name: string;
  /**
   * `contract` when marked so or when a statement removes or reshapes what old code uses; `unparsable`
   * when the PostgreSQL parser rejects the file (see `problem`; the synth and lint-migrations fail on it).
   */
  readonly migrationClass: 'expand' | 'contract' | 'unparsable';
  /** The parser's message (with `file:line:column`) for an unparsable file. */
  readonly problem?: string;
  /** Kinds of the contract statements, e.g. `drop-column`. */
  readonly contractStatements: readonly string[];
  /** Kinds of the statements that take long locks or rewrite a table. */
  readonly blockingStatements: readonly string[];
}

/** Options of {@link findNewMigrations}. */
export interface FindNewMigrationsOptions {
  /** The git ref of the previous release. */
  readonly base: string;
  /**
   * Migrations directories (`*.sql`, not recursive) to compare with `base`.
   * @default every `*.sql` below a folder named `migrations` that git knows (tracked or untracked, not ignored)
   */
  readonly directories?: readonly string[];
  /** Working directory (paths are relative to it). @default process.cwd() */
  readonly cwd?: string;
}

const isSqlInMigrations = (p: string) => isMigrationFileName(p) && p.split('/').slice(0, -1).includes('migrations');

async function classify(directory: string, name: string, cwd: string): Promise<NewMigration> {
  const file = path.join(directory, name);
  let parsed;
  try {
    parsed = await parseMigration(name, file, decodeMigrationText(await fs.readFile(path.resolve(cwd, file)), file));
  } catch (error) {
    // One broken file (or a deliberately broken test fixture) must not hide the rest of the review.
    if (!(error instanceof MigrationInputError)) throw error;
    const problem = error.problems.map((p) => `${p.location}: ${p.message}`).join('; ');
    return { file, directory, name, migrationClass: 'unparsable', problem, contractStatements: [], blockingStatements: [] };
  }
  const statements = classifyFile(parsed);
  const contractStatements = statements.filter((s) => s.class === 'contract').map((s) => s.kind);
  const blockingStatements = statements.filter((s) => s.blocking).map((s) => s.kind);
  const contract = readMarker(parsed).marker === 'contract' || contractStatements.length > 0;
  return { file, directory, name, migrationClass: contract ? 'contract' : 'expand', contractStatements, blockingStatements };
}

async function fromDirectories(base: string, directories: readonly string[], cwd: string): Promise<{ directory: string; name: string }[]> {
  const out: { directory: string; name: string }[] = [];
  for (const directory of directories) {
    const absolute = path.resolve(cwd, directory);
    const shipped = await readTreeAtRef(base, absolute, (p) => !p.includes('/') && isMigrationFileName(p));
    const names = (await fs.readdir(absolute)).map(String).filter((n) => isMigrationFileName(n) && statSync(path.join(absolute, n), { throwIfNoEntry: false })?.isFile());
    for (const name of names.sort(compareText)) if (!shipped.has(name)) out.push({ directory, name });
  }
  return out;
}

async function fromGit(base: string, cwd: string): Promise<{ directory: string; name: string }[]> {
  const root = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  const shipped = new Set(nulList(await git(root, ['ls-tree', '-r', '--name-only', '-z', '--end-of-options', base])).filter(isSqlInMigrations));
  const current = nulList(await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']))
    .filter((p) => isSqlInMigrations(p) && !shipped.has(p) && existsSync(path.join(root, p)));
  return [...new Set(current)].sort(compareText).map((p) => ({ directory: path.relative(cwd, path.join(root, path.dirname(p))) || '.', name: path.basename(p) }));
}

/**
 * The migrations added since `base`, each classified expand or contract with the migration checker's
 * parser and statement classification (no squawk run: `lint-migrations` does the full check). SQL that
 * does not parse is reported as `unparsable`; an unknown ref or an unreadable directory is a
 * {@link DiffInputError}.
 */
export async function findNewMigrations(options: FindNewMigrationsOptions): Promise<NewMigration[]> {
  const cwd = options.cwd ?? process.cwd();
  try {
    const found = options.directories && options.directories.length > 0 ? await fromDirectories(options.base, options.directories, cwd) : await fromGit(options.base, cwd);
    const out: NewMigration[] = [];
    for (const f of found) out.push(await classify(f.directory, f.name, cwd));
    return out;
  } catch (error) {
    if (error instanceof MigrationInputError) throw new DiffInputError(error.problems);
    if (error instanceof DiffInputError) throw error;
    throw new DiffInputError([{ location: options.directories?.join(', ') || cwd, message: `cannot list the migrations at ${options.base}: ${error instanceof Error ? error.message : String(error)}` }]);
  }
}
