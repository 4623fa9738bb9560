/**
 * The schemas that ship inside the cdk8s-delivery package, generated at build time by scripts/build-schemas.ts:
 *
 * - `schemas/crds/index.json`: every served version of every pinned upstream CRD (the repository's ../shared/crds,
 *   see its SOURCES.md) as `{ group, version, apiVersion, kind, source }`, without schemas;
 * - `schemas/crds/<API group>.json.gz`: the `openAPIV3Schema`s of one API group, gzip-compressed, `description`s
 *   removed (documentation only; they were half of the bytes);
 * - `schemas/core.json.gz`: the core kind catalogue (kubernetes-models validator per kind) and client-node's model
 *   fields (see ./core.ts).
 *
 * Why per group and compressed: users download and unpack every CRD we pin (eleven projects, ~9 MB of YAML), but a
 * platform uses a few groups. The index is read at load; a group's schemas are read and decompressed the first time
 * an object of that group is validated, so validating Deployments reads no CRD schema at all.
 *
 * At run time these files are the only schema data read, from the package folder itself: nothing is read from
 * ../shared or any other folder of the repository. Extra or newer CRDs are added by the user (`--crds <dir>`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
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

/** Folder, below {@link SCHEMAS_FOLDER}, of the pinned CRD index and the per-group schema files. */
export const CRDS_FOLDER = 'crds';

/** One pinned CRD version as listed in schemas/crds/index.json. */
export interface PinnedCrd {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly source: string;
  /** `Namespaced` or `Cluster`, the CRD's `spec.scope`. */
  readonly scope: 'Namespaced' | 'Cluster';
}

/** The contents of schemas/crds/index.json. */
export interface PinnedCrdIndex {
  readonly crds: readonly PinnedCrd[];
}

/** The contents of one schemas/crds/<group>.json.gz: schema by `apiVersion/kind`. */
export type PinnedGroupSchemas = Record<string, unknown>;

/** The file name of an API group's schemas ("" is never a CRD group). */
export function groupSchemaFile(group: string): string {
  return `${group}.json.gz`;
}

/** `apiVersion/kind`, the key of a schema in its group file. */
export function schemaKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
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

function missing(file: string): Error {
  return new Error(
    `the pinned schemas are missing (${file}): in the cdk8s-delivery repository run \`npm run schemas\` (npm run build, synth and test do); an installed package always ships them, so reinstall it`,
  );
}

async function readSchemaFile<T>(name: string): Promise<T> {
  const file = path.join(packageRoot(), SCHEMAS_FOLDER, name);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    throw missing(file);
  }
  return JSON.parse((name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as T;
}

/** Schemas of the API groups read so far, by group (a group file is read once per process). */
const groupSchemas = new Map<string, PinnedGroupSchemas>();

function schemasOfGroup(group: string): PinnedGroupSchemas {
  let schemas = groupSchemas.get(group);
  if (schemas === undefined) {
    const file = path.join(packageRoot(), SCHEMAS_FOLDER, CRDS_FOLDER, groupSchemaFile(group));
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw missing(file);
    }
    schemas = JSON.parse(gunzipSync(bytes).toString('utf8')) as PinnedGroupSchemas;
    groupSchemas.set(group, schemas);
  }
  return schemas;
}

/** The API groups whose schemas this process has read (for tests: loading is per group, on demand). */
export function loadedPinnedGroups(): string[] {
  return [...groupSchemas.keys()].sort();
}

/** The pinned CRD versions shipped with the package; a version's schema is read when first asked for. */
export async function loadPinnedCrds(): Promise<CrdVersion[]> {
  const { crds } = await readSchemaFile<PinnedCrdIndex>(`${CRDS_FOLDER}/index.json`);
  return crds.map((c) => ({ group: c.group, version: c.version, apiVersion: c.apiVersion, kind: c.kind, source: c.source, namespaced: c.scope !== 'Cluster', schema: () => schemasOfGroup(c.group)[schemaKey(c.apiVersion, c.kind)] }));
}

/** The core kind catalogue shipped with the package. */
export function loadCoreCatalogue(): Promise<CoreCatalogue> {
  return readSchemaFile<CoreCatalogue>('core.json.gz');
}

/** The folder of the kubernetes-models package this module resolves (its precompiled validators live there). */
export function kubernetesModelsDir(): string {
  // `kubernetes-models` resolves to <package>/index.js (its "." export for require).
  return path.dirname(createRequire(import.meta.url).resolve('kubernetes-models'));
}
