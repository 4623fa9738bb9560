/**
 * Generates schemas/props.json.gz: JSON Schemas (draft-07) of every props and options object the public API takes,
 * from the TypeScript declarations, so that a synth run from JavaScript or from tsx (which does not type-check)
 * rejects what `tsc` would have rejected: unknown keys, missing required keys, values of the wrong type. See
 * lib/core/props/check-props.ts for the check and README "Strict props" for the file's use outside TypeScript.
 *
 * What is a props object is found, not listed: every parameter of an object type (an interface, a type literal, a
 * mapped type such as `Record<string, string>`) of the constructors and public methods of every class lib/index.ts
 * exports. A new construct or factory is covered without a change here.
 *
 * The file holds:
 * - `definitions`: one schema per named type (`StatelessServiceProps`, `ServiceLevelObjectives`, …), closed
 *   (`additionalProperties: false`), with each member's JSDoc as its `description` (the `@default` text folded in:
 *   it describes a behaviour, it is not a value);
 * - `x-signatures`: per constructor (`StatelessService`) or method (`Probe.httpGet`, `Gateway#router`), the checked
 *   parameters by position: `{ name, schema: { $ref } }`;
 * - a value that must be an instance of a class (Duration, Probe, a construct…) is `{ "instanceOf": { class, package,
 *   create } }`: JSON Schema cannot describe a class instance, so the check compares the class by name along the
 *   value's prototype chain, and `create` names the factories that make one (for the message).
 *
 * Incremental like scripts/build-schemas.ts: schemas/props.sha256 holds a hash of lib/**.ts, this script, the
 * generator and the versions it depends on; when it matches nothing is rewritten (`--force` regenerates anyway). Each
 * file's content hash is remembered by its stat (schemas/props.files.json): an unchanged file is not read again.
 * Run after scripts/build-schemas.ts (which empties schemas/ when it regenerates): by `npm run schemas`, and so by
 * `npm run synth` and `npm run bench`, by `npm run build` and by `npm test` (vitest global setup).
 */
import { createHash } from 'node:crypto';
import { ContentHashes } from './content-hashes.js';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PROPS_SCHEMA_FILE, PROPS_STAMP_FILE } from '../lib/core/props/props-schemas.js';
import { SCHEMAS_FOLDER } from '../lib/validation/schema/pinned.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = 'lib/index.ts';

/** A checked parameter: its name and the schema of its values. */
export interface SignatureParam {
  readonly name: string;
  readonly optional: boolean;
  readonly schema: Record<string, unknown>;
}

/** The inputs the output depends on: every lib/ source, this script and the generator's version. */
function inputsDigest(contents: ContentHashes): string {
  const hash = createHash('sha256');
  const files = (readdirSync(path.join(ROOT, 'lib'), { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(`${path.relative(ROOT, file)}\0`).update(contents.of(file)).update('\0');
  for (const script of [fileURLToPath(import.meta.url), path.join(ROOT, 'scripts/props-schemas/generate.ts'), path.join(ROOT, 'scripts/content-hashes.ts')]) hash.update(contents.of(script));
  for (const pkg of ['ts-json-schema-generator', 'typescript', 'cdk8s', 'constructs']) {
    hash.update(`${pkg}@${(JSON.parse(readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version}\0`);
  }
  return hash.digest('hex');
}

function writeAtomically(file: string, text: string | Buffer): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export async function buildPropsSchemas(options: { force?: boolean; outDir?: string } = {}): Promise<{ written: boolean; definitions: number; signatures: number; bytes: number; file: string }> {
  const outDir = options.outDir ?? path.join(ROOT, SCHEMAS_FOLDER);
  const file = path.join(outDir, PROPS_SCHEMA_FILE);
  const stampFile = path.join(outDir, PROPS_STAMP_FILE);
  // Each file's content hash, remembered by its stat (scripts/content-hashes.ts): an unchanged lib/ file is not read.
  const contents = new ContentHashes(path.join(outDir, 'props.files.json'));
  const digest = inputsDigest(contents);
  let stamp = '';
  try {
    stamp = readFileSync(stampFile, 'utf8').trim();
  } catch {
    // first run
  }
  if (!options.force && stamp === digest) {
    contents.save();
    return { written: false, definitions: 0, signatures: 0, bytes: 0, file };
  }
  // The generator (and its TypeScript program) is loaded only when something changed: the up-to-date check stays cheap.
  const { generatePropsSchemas } = await import('./props-schemas/generate.js');
  const schema = generatePropsSchemas(ROOT, ENTRY);
  const text = `${JSON.stringify(schema)}\n`;
  mkdirSync(outDir, { recursive: true });
  // gzip output is byte-identical for identical input (Node writes no timestamp): rebuilds are reproducible.
  writeAtomically(file, gzipSync(text, { level: 9 }));
  writeAtomically(stampFile, `${digest}\n`);
  contents.save();
  return { written: true, definitions: Object.keys(schema.definitions).length, signatures: Object.keys(schema['x-signatures']).length, bytes: Buffer.byteLength(text), file };
}

/** Prints what {@link buildPropsSchemas} wrote, if anything. */
export function reportPropsSchemas(result: Awaited<ReturnType<typeof buildPropsSchemas>>): void {
  if (result.written) console.error(`props schemas: ${result.definitions} types, ${result.signatures} signatures, ${(result.bytes / 1024).toFixed(0)} KB of JSON → ${path.relative(ROOT, result.file)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    reportPropsSchemas(await buildPropsSchemas({ force: process.argv.includes('--force') }));
  } catch (error) {
    console.error(`props schemas: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
