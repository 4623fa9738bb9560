import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPrivateFolder } from '../../core/private-folder.js';
import { isMigrationFileName } from '../checker/sql-file.js';
import type { ConstructedMigration } from '../constructed.js';
import { type EarlyPglite, startPgliteEarly } from './pglite-engine.js';
import type { KillableEngine } from './budget.js';

/**
 * PGlite's child started while the app is built (issue 25): compiling PostgreSQL's WebAssembly, copying the data
 * directory and starting the server take about a second of a cold synth's verification, and the build, which runs
 * before it, keeps one core busy without yielding. So when the first Migration is constructed, the child is started
 * on the other core — if the synth is likely to need it.
 *
 * Whether it will is known only after the build (which Migrations changed since the base ref, whether their
 * verification is cached), so this guesses from what the last synth of the same migration files did, remembered per
 * folder of files (a SHA-256 of its path and of every migration file's name and text) in a marker file (Marker): no
 * marker (files never synthesized here: a new migration) starts early unless git says the folder is as committed; a
 * verification that ran or was cached last time starts early only with the verification cache off (else it is cached
 * now), one that ran without the cache does, and nothing to verify last time (unchanged since the base ref) does
 * not. A wrong guess costs time — a child started for nothing, killed after the build, or no early start — never a result: the engine is the
 * one startPglite would give, and the verification is the same. The markers are kept only in a folder private to the
 * user (`$XDG_CACHE_HOME/cdk8s-delivery/pglite-early/`); `CDK8S_DELIVERY_PGLITE_EARLY=off` turns the early start off.
 */
export class EarlyVerification {
  private early: EarlyPglite | undefined;
  /** The digest of each Migration folder constructed, undefined when it could not be read. */
  private readonly digests = new Map<string, string | undefined>();
  private readonly dir = markerDir();

  /** `start`: how the child is started (tests count it). */
  constructor(private readonly start: () => EarlyPglite | undefined = startPgliteEarly) {}

  /** Called for every Migration constructed during the build (../constructed.ts). */
  readonly consider = (m: ConstructedMigration): void => {
    if (!this.dir || !m.verify || this.digests.has(m.migrationsDir)) return;
    const digest = filesDigest(m.migrationsDir);
    this.digests.set(m.migrationsDir, digest);
    if (this.early || digest === undefined) return;
    const last = readMarker(this.dir, digest);
    const cacheOff = process.env.CDK8S_DELIVERY_VERIFY_CACHE === 'off';
    const likely = last === undefined ? !committedAsIs(m.migrationsDir)
      : last === 'none' ? false
      : last === 'ran, not cached' ? true
      : cacheOff; // 'ran' (its result stored then) or 'cached': run again only without the cache
    if (likely) this.early = this.start();
  };

  /** The early engine, the first time it is asked for and if one was started; else undefined. */
  take(): Promise<KillableEngine> | undefined {
    return this.early?.take();
  }

  /**
   * After the verification: the early child is killed if it was not used, and each folder's marker says what its
   * verification did: `verified`, the folders whose verification was asked for (changed since the base ref, with
   * `verify`), and of those `ran`, the ones PGlite ran for (not cached). Undefined, when the verification did not get
   * that far: no marker is written.
   */
  async settled(outcome: { verified: ReadonlySet<string>; ran: ReadonlySet<string> } | undefined): Promise<void> {
    const early = this.early;
    this.early = undefined;
    await early?.discard();
    if (!outcome || !this.dir) return;
    const cacheOff = process.env.CDK8S_DELIVERY_VERIFY_CACHE === 'off';
    for (const [folder, digest] of this.digests) {
      if (digest === undefined) continue;
      const marker: Marker = !outcome.verified.has(folder) ? 'none' : !outcome.ran.has(folder) ? 'cached' : cacheOff ? 'ran, not cached' : 'ran';
      writeMarker(this.dir, digest, marker);
    }
    this.digests.clear();
  }
}

/**
 * What the last synth of a folder's files did: nothing to verify (`none`: unchanged since the base ref), the
 * verification's result read from the cache (`cached`), or run on PGlite, its result stored (`ran`) or not (the
 * verification cache off).
 */
type Marker = 'none' | 'cached' | 'ran' | 'ran, not cached';
const MARKERS: readonly string[] = ['none', 'cached', 'ran', 'ran, not cached'];

/**
 * With no marker: whether git says the folder is exactly as committed (no change, nothing untracked), so that a
 * synth comparing with HEAD (the default base ref) will find nothing to verify — a fresh clone's first synth. One git
 * process (a few ms, once per synth without a marker); false when git cannot tell (no git, not a repository).
 */
function committedAsIs(dir: string): boolean {
  try {
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', '.'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return status === '';
  } catch {
    return false;
  }
}

function markerDir(): string | undefined {
  if (process.env.CDK8S_DELIVERY_PGLITE_EARLY === 'off') return undefined;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  return base ? path.join(base, 'cdk8s-delivery', 'pglite-early') : undefined;
}

/** SHA-256 of a folder's path and of its migration files' names and text; undefined when it cannot be read. */
function filesDigest(dir: string): string | undefined {
  try {
    const hash = createHash('sha256').update(`v1\0${path.resolve(dir)}\0`);
    for (const name of fs.readdirSync(dir).filter(isMigrationFileName).sort()) hash.update(`${name}\0`).update(fs.readFileSync(path.join(dir, name))).update('\0');
    return hash.digest('hex');
  } catch {
    return undefined;
  }
}

/** The marker of these files; undefined when there is none (or the folder is not private to the user). */
function readMarker(dir: string, digest: string): Marker | undefined {
  if (!isPrivateFolder(dir)) return undefined;
  try {
    const text = fs.readFileSync(path.join(dir, digest), 'utf8');
    return MARKERS.includes(text) ? (text as Marker) : undefined;
  } catch {
    return undefined;
  }
}

function writeMarker(dir: string, digest: string, marker: Marker): void {
  if (!isPrivateFolder(dir)) return;
  const file = path.join(dir, digest);
  try {
    if (fs.readFileSync(file, 'utf8') === marker) return;
  } catch {
    /* none yet */
  }
  try {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, marker, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    /* not remembered: the next synth guesses again */
  }
}
