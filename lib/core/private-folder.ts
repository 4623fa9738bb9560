import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether `dir` is private to this user: it exists (made with mode 0700 when missing), is this user's and writable by
 * no one else, and sits in a folder where no one else can replace it (writable by no one else, or sticky, as /tmp is).
 *
 * The caches of cdk8s-delivery (compiled schema validators, migration verification results, PGlite's initialised data
 * directory) hold code this process runs or answers it trusts: a cache in a folder someone else can write to could
 * make a synth run their code, or pass a migration that fails. Such a folder is not used; the cache's work is redone.
 */
export function isPrivateFolder(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const uid = process.getuid?.();
    if (uid === undefined) return true; // no POSIX owners (Windows): the user's profile folder is private
    const own = statSync(dir);
    const parent = statSync(path.dirname(dir));
    return own.isDirectory() && own.uid === uid && (own.mode & 0o022) === 0
      && ((parent.mode & 0o022) === 0 || (parent.mode & 0o1000) !== 0);
  } catch {
    return false;
  }
}

/**
 * `<dir>/<name>` when both are private to this user ({@link isPrivateFolder}: the subfolder is made when missing);
 * undefined when `dir` is undefined (the cache is off) or either is not private. The caches kept below the validators'
 * folder (props validators, parsed PromQL) turn on with it.
 */
export function privateSubfolder(dir: string | undefined, name: string): string | undefined {
  if (dir === undefined) return undefined;
  const sub = path.join(dir, name);
  return isPrivateFolder(dir) && isPrivateFolder(sub) ? sub : undefined;
}
