/**
 * The results of migration verification, cached on disk by content. Verifying a migrations directory starts
 * PostgreSQL (PGlite) and applies every file twice: about two seconds on every synth of a release that ships
 * migrations, for a result that only depends on its inputs. A result is stored under a SHA-256 of everything it
 * depends on:
 *
 * - the code that produced it: the sources of lib/migrations (running from source) or of the built package's
 *   modules, so a change to the checks never reuses an older result;
 * - the PGlite version (the engine);
 * - the migrations directory's path (findings name it), and the name and text of every migration file in it;
 * - the previous release's migration names and texts, the compatibility queries' path and text, and the budget.
 *
 * Only successful runs are stored (a run that exceeded its budget throws and is not); only with the default engine
 * (a caller that passes its own engine is testing it). The cache folder is `$XDG_CACHE_HOME/cdk8s-delivery/verify`
 * (or `~/.cache/…`), files written atomically with mode 0600; `CDK8S_DELIVERY_VERIFY_CACHE=off` turns it off.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installedPackage } from '../../core/package-version.js';
import { isPrivateFolder } from '../../core/private-folder.js';
import type { ReleaseState } from '../checker/release.js';
import type { VerifyBudgetOptions } from './budget.js';
import type { VerifyResult } from './verify.js';

/** What a verification result depends on, besides the code and the engine. */
export interface VerifyCacheInputs {
  readonly migrationsDir: string;
  readonly files: readonly { readonly name: string; readonly text: string }[];
  readonly previous: ReleaseState | undefined;
  readonly compatibilityQueries?: string;
  readonly budget?: VerifyBudgetOptions;
}

const FORMAT = 'cdk8s-delivery verify cache v1';

/** The cache folder, or undefined when caching is off or there is no home/cache directory. */
export function verifyCacheDir(): string | undefined {
  if (process.env.CDK8S_DELIVERY_VERIFY_CACHE === 'off') return undefined;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  return base ? path.join(base, 'cdk8s-delivery', 'verify') : undefined;
}

let fingerprint: string | undefined;

/**
 * A hash of the code that verifies: every source file of lib/migrations when running from source, else every module
 * of the built package next to this one (esbuild's chunks), and the PGlite version.
 */
function codeFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const hash = createHash('sha256');
  const root = path.basename(here) === 'verify' && path.basename(path.dirname(here)) === 'migrations' ? path.dirname(here) : here;
  const files = fs.readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|js|cjs|mjs)$/.test(e.name))
    // `parentPath` from Node 20.12 (`path` before it).
    .map((e) => path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
  for (const file of files) hash.update(`${path.relative(root, file)}\0`).update(fs.readFileSync(file)).update('\0');
  hash.update(`pglite ${installedPackage(createRequire(import.meta.url).resolve('@electric-sql/pglite'), '@electric-sql/pglite')?.version ?? 'unknown'}`);
  fingerprint = hash.digest('hex');
  return fingerprint;
}


/** The cache key of a verification: a SHA-256 over the code, the engine and every input. */
export function verifyCacheKey(inputs: VerifyCacheInputs): string {
  let queries: string | null = null;
  if (inputs.compatibilityQueries !== undefined) {
    try {
      queries = fs.readFileSync(inputs.compatibilityQueries, 'utf8');
    } catch {
      queries = null; // unreadable: part of the key as such (verify reports it)
    }
  }
  const material = JSON.stringify([
    FORMAT,
    codeFingerprint(),
    path.resolve(inputs.migrationsDir),
    inputs.migrationsDir,
    [...inputs.files].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((f) => [f.name, f.text]),
    inputs.previous ? [inputs.previous.migrations, inputs.previous.contents ?? null] : null,
    inputs.compatibilityQueries ?? null,
    queries,
    inputs.budget ?? null,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

/** The cached result for `key`, if there is a readable one. */
export function readVerifyCache(dir: string, key: string): VerifyResult | undefined {
  try {
    const stored = JSON.parse(fs.readFileSync(path.join(dir, `${key}.json`), 'utf8')) as { key?: string; result?: VerifyResult };
    return stored.key === key && stored.result ? stored.result : undefined;
  } catch {
    return undefined;
  }
}

/** Stores a result (atomically; a cache that cannot be written only costs the next synth a verification). */
export function writeVerifyCache(dir: string, key: string, result: VerifyResult): void {
  const file = path.join(dir, `${key}.json`);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, JSON.stringify({ key, result }), { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * `verify()` through the cache: the stored result when the inputs, the code and the engine are the same, else a run
 * whose result is stored. `dir` undefined, or not private to this user (../../core/private-folder.ts): no cache.
 */
export async function cachedVerification(dir: string | undefined, inputs: VerifyCacheInputs, verify: () => Promise<VerifyResult>): Promise<VerifyResult> {
  // A result someone else could have written is not trusted (a planted "passed"): no cache there.
  if (dir === undefined || !isPrivateFolder(dir)) return verify();
  const key = verifyCacheKey(inputs);
  const hit = readVerifyCache(dir, key);
  if (hit) return hit;
  const result = await verify();
  writeVerifyCache(dir, key, result);
  return result;
}
