import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SynthesizedObject, toYaml } from './synthesizer.js';

/** A text file written with the manifests (e.g. a rollout plan); `path` is relative to the output folder. */
export interface OutputTextFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Crash safety of the output folder. Next to `<outdir>` (same parent, so every rename is atomic):
 * - `<outdir>.synth-<pid>`: the new tree while it is written;
 * - `<outdir>.ready-<pid>`: the new tree, complete (renamed from `.synth-` after the last write);
 * - `<outdir>.previous-<pid>`: the old tree, during the swap;
 * - `<outdir>.lock`: the pid of the synth writing, so two synths never interleave.
 *
 * The swap is: `.synth-` → `.ready-` (complete), `<outdir>` → `.previous-`, `.ready-` → `<outdir>`, then
 * `.previous-` is removed. A process killed at any point (kill -9 included) leaves either `<outdir>`
 * intact, or no `<outdir>` with a complete `.ready-` tree (the new one) and the `.previous-` tree (the
 * old one). {@link recoverOutput}, run at the start of every synth, restores `<outdir>` from the ready
 * tree when there is one, else from the previous tree, and removes every leftover folder and stale
 * lock: after any kill and the next start, `<outdir>` is byte for byte the old tree or the new one.
 */

type LeftoverKind = 'synth' | 'ready' | 'previous';

/** Points between the steps of a write, for tests that kill the process there. */
export type WriteStep = 'locked' | 'unchanged' | 'file-written' | 'staged' | 'ready' | 'old-moved-aside' | 'swapped' | 'cleaned';

/** Options of {@link writeAtomically}. */
export interface WriteOptions {
  /**
   * Called after each step of the write (each file written, each rename). Tests use it to kill the
   * process at a chosen point. @default none
   */
  readonly onStep?: (step: WriteStep) => void;
  /** How long to wait for another synth's lock on the same folder, in milliseconds. @default 120000 */
  readonly lockTimeoutMs?: number;
  /** The text of an object's file, when the caller has rendered it already. @default `toYaml(object.manifest)` */
  readonly text?: (object: SynthesizedObject) => string;
  /**
   * An existing file that holds exactly the object's text (the same file of the output being replaced, unchanged):
   * it is hard-linked into the new tree instead of rendered and written again. The link is taken before the swap, so
   * the new tree never depends on the old one; where linking fails, the text is written. @default none: every file is written
   */
  readonly linkFrom?: (object: SynthesizedObject) => string | undefined;
  /**
   * Called once the new tree is in place, with the folder's lock still held: no other synth can replace the tree
   * before it returns (runSynth records the output index there). An error is thrown after the lock is released.
   * @default none
   */
  readonly afterSwap?: () => void;
}

/** Another live synth holds the output folder's lock. */
export class OutputLockedError extends Error {
  constructor(readonly lockFile: string, readonly holder: number) {
    super(`${basename(lockFile, '.lock')}/ is being written by another synth (pid ${holder}, lock ${lockFile}); wait for it to finish, or remove the lock file if that process is not a synth`);
    this.name = 'OutputLockedError';
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as { code?: string }).code === 'EPERM';
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isNaN(pid) ? undefined : pid;
  } catch {
    return undefined;
  }
}

/**
 * Takes `<target>.lock` (created exclusively, holding our pid), waiting for a live holder up to
 * `timeoutMs`; a lock whose process is dead is stale and taken over. Returns the release function.
 */
function acquireLock(target: string, timeoutMs: number): () => void {
  const lock = `${target}.lock`;
  const start = Date.now();
  mkdirSync(dirname(target), { recursive: true });
  for (let wait = 10; ; wait = Math.min(wait * 2, 250)) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        if (readPid(lock) === process.pid) rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
    }
    const holder = readPid(lock);
    if (holder === process.pid) throw new Error(`${lock} is already held by this process (a nested write?)`);
    if (holder !== undefined && !isAlive(holder)) {
      // Stale: its synth was killed.
      rmSync(lock, { force: true });
      continue;
    }
    if (holder === undefined && Date.now() - start > 1000) {
      // Still empty after a second: a synth was killed between creating the lock and writing its pid.
      rmSync(lock, { force: true });
      continue;
    }
    if (holder !== undefined && Date.now() - start >= timeoutMs) throw new OutputLockedError(lock, holder);
    sleep(wait);
  }
}

/** The leftover folders of writes into `target` (`<target>.synth-<pid>`, `.ready-`, `.previous-`), with their pid. */
function leftovers(target: string): { kind: LeftoverKind; pid: number; path: string }[] {
  const parent = dirname(target);
  const prefix = `${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const out: { kind: LeftoverKind; pid: number; path: string }[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(synth|ready|previous)-(\d+)$/.exec(name.slice(prefix.length));
    if (match) out.push({ kind: match[1] as LeftoverKind, pid: Number(match[2]), path: join(parent, name) });
  }
  return out.sort((a, b) => a.pid - b.pid || a.kind.localeCompare(b.kind));
}

/**
 * Recovery with the lock held: every leftover folder is from a write that no longer runs (a writer
 * holds the lock). Restores `target` if a kill in the middle of a swap left it missing, then removes them.
 */
function recoverLocked(target: string): void {
  const found = leftovers(target);
  if (!existsSync(target)) {
    // Killed between the two renames of a swap: the ready tree is the complete new output; without one
    // the previous tree is the old output. (The newest process's, should several have been killed.)
    const restore = found.filter((l) => l.kind === 'ready').at(-1) ?? found.filter((l) => l.kind === 'previous').at(-1);
    if (restore) renameSync(restore.path, target);
  }
  for (const l of leftovers(target)) rmSync(l.path, { recursive: true, force: true });
}

/**
 * Makes `outdir` whole after an interrupted synth: restores it when a kill left it missing in the
 * middle of a swap, and removes the temporary folders of dead processes and a stale lock. Runs at the
 * start of every synth (and of every write); does nothing when another synth holds the lock.
 */
export function recoverOutput(outdir: string): void {
  const target = resolve(outdir);
  const holder = readPid(`${target}.lock`);
  if (holder !== undefined && holder !== process.pid && isAlive(holder)) return;
  if (leftovers(target).length === 0 && existsSync(target) && holder === undefined) return;
  let release: () => void;
  try {
    release = acquireLock(target, 0);
  } catch (error) {
    if (error instanceof OutputLockedError) return; // another synth started meanwhile: it recovers
    throw error;
  }
  try {
    recoverLocked(target);
  } finally {
    release();
  }
}

/**
 * Whether `target` already is exactly the tree a write would make: every object's file is the unchanged file in
 * `target` itself (`linkFrom` names it), every text file has the same text, and `target` holds nothing else (no other
 * file, folder or link). Then nothing is written: a no-op synth of the reference platforms spent ~10 % of its time
 * linking 222 files into a new tree, swapping it in and removing the old one (issue 25).
 */
function isAlreadyWritten(target: string, objects: readonly SynthesizedObject[], textFiles: readonly OutputTextFile[], options: WriteOptions): boolean {
  if (options.linkFrom === undefined) return false;
  const files = new Set<string>();
  for (const o of objects) {
    const path = join(target, o.path);
    const from = options.linkFrom(o);
    if (from === undefined || resolve(from) !== path) return false;
    files.add(path);
  }
  try {
    for (const f of textFiles) {
      const path = join(target, f.path);
      if (readFileSync(path, 'utf8') !== f.text) return false;
      files.add(path);
    }
    const folders = new Set<string>();
    for (const file of files) for (let dir = dirname(file); dir.length > target.length && !folders.has(dir); dir = dirname(dir)) folders.add(dir);
    let entries = 0;
    const pending = [target];
    for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isFile() ? !files.has(path) : !entry.isDirectory() || !folders.has(path)) return false;
        if (entry.isDirectory()) pending.push(path);
        entries++;
      }
    }
    return entries === files.size + folders.size;
  } catch {
    return false; // a file or folder missing or unreadable: written as usual
  }
}

/**
 * Writes synthesized objects to `outdir`, one file per object, and the given text files, atomically
 * and crash-safely (see above): under the folder's lock, after recovering from any earlier interrupted
 * write, everything goes to a sibling temporary folder first, which then replaces `outdir`. A failure
 * or a kill at any point leaves `outdir` (after the next start) exactly the old tree or the new one.
 */
export function writeAtomically(objects: readonly SynthesizedObject[], outdir: string, textFiles: readonly OutputTextFile[] = [], options: WriteOptions = {}): void {
  const target = resolve(outdir);
  const step = options.onStep ?? (() => undefined);
  const release = acquireLock(target, options.lockTimeoutMs ?? 120_000);
  try {
    step('locked');
    recoverLocked(target);
    if (isAlreadyWritten(target, objects, textFiles, options)) {
      step('unchanged');
      options.afterSwap?.();
      return;
    }
    const staging = `${target}.synth-${process.pid}`;
    const ready = `${target}.ready-${process.pid}`;
    const previous = `${target}.previous-${process.pid}`;
    try {
      const made = new Set<string>();
      const place = (path: string) => {
        const file = join(staging, path);
        const dir = dirname(file);
        if (!made.has(dir)) {
          mkdirSync(dir, { recursive: true });
          made.add(dir);
        }
        return file;
      };
      const write = (path: string, text: string) => {
        writeFileSync(place(path), text);
        step('file-written');
      };
      const text = options.text ?? ((o: SynthesizedObject) => toYaml(o.manifest));
      for (const o of objects) {
        const from = options.linkFrom?.(o);
        if (from !== undefined) {
          try {
            linkSync(from, place(o.path));
            step('file-written');
            continue;
          } catch {
            /* another file system, a file gone meanwhile: written below */
          }
        }
        write(o.path, text(o));
      }
      for (const f of textFiles) write(f.path, f.text);
      mkdirSync(staging, { recursive: true });
      step('staged');
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    renameSync(staging, ready);
    step('ready');
    const hadPrevious = existsSync(target);
    if (hadPrevious) {
      renameSync(target, previous);
      step('old-moved-aside');
    }
    renameSync(ready, target);
    step('swapped');
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
    step('cleaned');
    options.afterSwap?.();
  } finally {
    release();
  }
}
