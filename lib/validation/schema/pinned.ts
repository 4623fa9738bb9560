/**
 * The schemas that ship inside the cdk8s-delivery package, generated at build time by scripts/build-schemas.ts:
 *
 * - `schemas/crds.json`: every served version of every pinned upstream CRD (the repository's ../shared/crds, see
 *   its SOURCES.md), as `{ group, version, apiVersion, kind, source, schema }` with the `openAPIV3Schema`'s
 *   `description`s removed (documentation only; they were half of the bytes);
 * - `schemas/core.json`: the core kind catalogue (kubernetes-models validator per kind) and client-node's model
 *   fields (see ./core.ts).
 *
 * At run time these two files are the only schema data read, from the package folder itself: nothing is read from
 * ../shared or any other folder of the repository. Extra or newer CRDs are added by the user (`--crds <dir>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CoreCatalogue } from './core.js';
import type { CrdVersion } from './crd.js';

/** The name in our package.json: the folder holding it is the package root (repository or installed package). */
const PACKAGE_NAME = 'cdk8s-delivery';

/** Folder, below the package root, of the generated schema files. */
export const SCHEMAS_FOLDER = 'schemas';

/** One pinned CRD version as stored in schemas/crds.json. */
export interface PinnedCrd {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly source: string;
  readonly schema?: unknown;
}

/** The contents of schemas/crds.json. */
export interface PinnedCrdFile {
  readonly crds: readonly PinnedCrd[];
}

let root: string | undefined;

/**
 * The folder of cdk8s-delivery's package.json, found by walking up from this module: `lib/validation/schema/` in
 * the repository, `build/esm/` or `build/cjs/` in the installed package (bundled).
 */
export function packageRoot(): string {
  if (root !== undefined) return root;
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME) return (root = dir);
      } catch {
        // not ours (or unreadable): keep walking up
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} package folder above ${fileURLToPath(import.meta.url)}`);
  }
}

async function readSchemaFile<T>(name: string): Promise<T> {
  const file = path.join(packageRoot(), SCHEMAS_FOLDER, name);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(
      `the pinned schemas are missing (${file}): in the cdk8s-delivery repository run \`npm run schemas\` (npm run build, synth and test do); an installed package always ships them, so reinstall it`,
    );
  }
  return JSON.parse(text) as T;
}

/** The pinned CRD versions shipped with the package. */
export async function loadPinnedCrds(): Promise<CrdVersion[]> {
  const { crds } = await readSchemaFile<PinnedCrdFile>('crds.json');
  return crds.map((c) => ({ group: c.group, version: c.version, apiVersion: c.apiVersion, kind: c.kind, source: c.source, schema: () => c.schema }));
}

/** The core kind catalogue shipped with the package. */
export function loadCoreCatalogue(): Promise<CoreCatalogue> {
  return readSchemaFile<CoreCatalogue>('core.json');
}

/** The folder of the kubernetes-models package this module resolves (its precompiled validators live there). */
export function kubernetesModelsDir(): string {
  // `kubernetes-models` resolves to <package>/index.js (its "." export for require).
  return path.dirname(createRequire(import.meta.url).resolve('kubernetes-models'));
}
