/**
 * Generates the schema data the package ships (see lib/validation/schema/pinned.ts) into schemas/:
 *
 * - schemas/crds/index.json          every served version of every CRD in the pinned upstream CRD folder
 *                                    (../shared/crds, or $CDK8S_DELIVERY_PINNED_CRDS), without schemas;
 * - schemas/crds/<group>.json.gz     the schemas of one API group, descriptions removed, gzip-compressed
 *                                    (read per group on demand: see lib/validation/schema/pinned.ts);
 * - schemas/core.json.gz             the core kind catalogue from kubernetes-models and client-node's model fields;
 * - schemas/scopes.json              which kinds are namespaced and which cluster-scoped (core: client-node's request
 *                                    paths; CRDs: spec.scope), read synchronously at synth (lib/validation/schema/scopes.ts).
 *
 * Incremental: schemas/inputs.sha256 holds a hash of every input (the CRD files, the two libraries' versions, this
 * script and the loaders it uses); when it matches, nothing is rewritten. `--force` regenerates anyway. Each file's
 * content hash is remembered by its stat (schemas/inputs.files.json): an unchanged file is not read again.
 * Run by `npm run schemas`, and so by `npm run build`, `npm run synth`, `npm test` (vitest global setup).
 */
import { createHash } from 'node:crypto';
import { ContentHashes } from './content-hashes.js';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ClientNodeModels } from '../lib/validation/schema/core.js';
import { CRDS_FOLDER, groupSchemaFile, type PinnedCrd, type PinnedGroupSchemas, SCHEMAS_FOLDER, schemaKey } from '../lib/validation/schema/pinned.js';
// The loaders (ajv, yaml) are imported only when something changed: the up-to-date check stays cheap.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Schema keywords whose values are schemas (or maps/lists of schemas) to descend into. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not', 'additionalItems']);
const SCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);

/** Copy of a structural schema without `description` keywords (field names called "description" are kept). */
export function withoutDescriptions(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    if (key === 'description') continue;
    if (SCHEMA_MAPS.has(key) && typeof value === 'object' && value !== null) {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, withoutDescriptions(s)]));
    } else if (SCHEMA_VALUES.has(key)) {
      out[key] = Array.isArray(value) ? value.map(withoutDescriptions) : withoutDescriptions(value);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      out[key] = value.map(withoutDescriptions);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The YAML files loadCrds reads: recursively, skipping examples/ folders. */
function crdFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'examples' ? [] : crdFiles(full);
    return /\.ya?ml$/i.test(e.name) ? [full] : [];
  });
}

function packageDir(require: NodeJS.Require, name: string): string {
  return path.dirname(require.resolve(`${name}/package.json`, { paths: [ROOT] }));
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

function writeAtomically(file: string, text: string | Buffer): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export async function buildSchemas(options: { force?: boolean; crdsDir?: string; outDir?: string } = {}): Promise<{ written: boolean; crds: number; kinds: number; outDir: string }> {
  const crdsDir = path.resolve(options.crdsDir ?? process.env.CDK8S_DELIVERY_PINNED_CRDS ?? path.join(ROOT, '../shared/crds'));
  const outDir = options.outDir ?? path.join(ROOT, SCHEMAS_FOLDER);
  const require = createRequire(import.meta.url);
  const modelsDir = path.dirname(require.resolve('kubernetes-models', { paths: [ROOT] }));
  const clientNodeDir = packageDir(require, '@kubernetes/client-node');

  const hash = createHash('sha256');
  let files: string[];
  try {
    files = crdFiles(crdsDir).sort();
  } catch (error) {
    throw new Error(`cannot read the pinned CRDs in ${crdsDir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  // Each file's content hash, remembered by its stat in the output folder (scripts/content-hashes.ts).
  const contents = new ContentHashes(path.join(outDir, 'inputs.files.json'));
  for (const file of files) hash.update(`${path.relative(crdsDir, file)}\0`).update(contents.of(file)).update('\0');
  hash.update(`kubernetes-models@${versionOf(modelsDir)} @kubernetes/client-node@${versionOf(clientNodeDir)}\0`);
  for (const source of ['scripts/build-schemas.ts', 'scripts/content-hashes.ts', 'lib/validation/schema/core.ts', 'lib/validation/schema/crd.ts', 'lib/validation/schema/pinned.ts', 'lib/validation/schema/scopes.ts']) {
    hash.update(contents.of(path.join(ROOT, source)));
  }
  const digest = hash.digest('hex');
  const stampFile = path.join(outDir, 'inputs.sha256');
  let stamp = '';
  try {
    stamp = readFileSync(stampFile, 'utf8').trim();
  } catch {
    // first run
  }
  if (!options.force && stamp === digest) {
    contents.save();
    return { written: false, crds: 0, kinds: 0, outDir };
  }

  const [{ loadCrds }, { scanCoreCatalogue }, { scanCoreScopes, scopeTable, SCOPES_FILE }] = await Promise.all([import('../lib/validation/schema/crd.js'), import('../lib/validation/schema/core.js'), import('../lib/validation/schema/scopes.js')]);
  const crdVersions = await loadCrds(crdsDir);
  const versions = crdVersions
    .map((c) => ({ crd: { group: c.group, version: c.version, apiVersion: c.apiVersion, kind: c.kind, source: c.source.split(path.sep).join('/'), scope: c.namespaced ? 'Namespaced' : 'Cluster' } satisfies PinnedCrd, schema: withoutDescriptions(c.schema()) }))
    .sort((a, b) => `${a.crd.apiVersion}/${a.crd.kind}`.localeCompare(`${b.crd.apiVersion}/${b.crd.kind}`, 'en'));
  const groups = new Map<string, PinnedGroupSchemas>();
  for (const { crd, schema } of versions) {
    const group = groups.get(crd.group) ?? {};
    if (schema !== undefined) group[schemaKey(crd.apiVersion, crd.kind)] = schema;
    groups.set(crd.group, group);
  }
  // Deep import: client-node's entry point also loads its HTTP client. Only its generated models are needed.
  const models = (await import(pathToFileURL(path.join(clientNodeDir, 'dist/gen/models/ObjectSerializer.js')).href)) as ClientNodeModels;
  const core = await scanCoreCatalogue(modelsDir, models);
  const scopes = scopeTable(core.kinds, await scanCoreScopes(clientNodeDir), crdVersions);

  // Nothing of an earlier layout (or of a group no longer pinned) stays behind.
  rmSync(outDir, { recursive: true, force: true });
  const crdsOut = path.join(outDir, CRDS_FOLDER);
  mkdirSync(crdsOut, { recursive: true });
  // gzip output is byte-identical for identical input (Node writes no timestamp), so rebuilds are reproducible.
  const gzip = (value: unknown) => gzipSync(`${JSON.stringify(value)}\n`, { level: 9 });
  for (const [group, schemas] of [...groups].sort(([a], [b]) => a.localeCompare(b, 'en'))) writeAtomically(path.join(crdsOut, groupSchemaFile(group)), gzip(schemas));
  writeAtomically(path.join(crdsOut, 'index.json'), `${JSON.stringify({ crds: versions.map((v) => v.crd) })}\n`);
  writeAtomically(path.join(outDir, 'core.json.gz'), gzip(core));
  writeAtomically(path.join(outDir, SCOPES_FILE), `${JSON.stringify(scopes)}\n`);
  writeAtomically(stampFile, `${digest}\n`);
  contents.save();
  return { written: true, crds: versions.length, kinds: core.kinds.length, outDir };
}

/**
 * Brings schemas/ up to date (the pinned CRD and core schemas, then the props schemas), printing what was rewritten;
 * false (after printing `schemas: <why>`) when it could not. What `npm run schemas` runs, and the preload of
 * `npm run synth` (scripts/schemas-preload.ts), in the app's own process.
 */
export async function ensureSchemas(options: { force?: boolean } = {}): Promise<boolean> {
  try {
    const result = await buildSchemas({ force: options.force });
    if (result.written) console.error(`schemas: ${result.crds} CRD versions, ${result.kinds} core kinds → ${path.relative(ROOT, result.outDir)}/`);
    // The props schemas (schemas/props.json.gz) come after: a rebuild above starts from an empty schemas/ folder.
    const { buildPropsSchemas, reportPropsSchemas } = await import('./build-props-schemas.js');
    reportPropsSchemas(await buildPropsSchemas({ force: options.force }));
    return true;
  } catch (error) {
    console.error(`schemas: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (!(await ensureSchemas({ force: process.argv.includes('--force') }))) process.exitCode = 1;
}
