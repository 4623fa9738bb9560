/**
 * The props schemas that ship inside the package: `schemas/props.json.gz`, generated at build time from the
 * TypeScript declarations by scripts/build-props-schemas.ts (see there for what it holds), read once per process, the
 * first time a props object is checked. gzip-compressed like the pinned CRD schemas: 103 KB of JSON, 14 KB on disk.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { packageRoot, SCHEMAS_FOLDER } from '../../validation/schema/pinned.js';

/** File name, below the package's schemas/ folder, of the props schemas (gzip-compressed JSON Schema). */
export const PROPS_SCHEMA_FILE = 'props.json.gz';

/** File name, below schemas/, of the hash of the inputs the props schemas were generated from. */
export const PROPS_STAMP_FILE = 'props.sha256';

/** A checked parameter of a constructor or method: its name and the schema of its values. */
export interface PropsSignatureParam {
  readonly name: string;
  readonly optional: boolean;
  readonly schema: Record<string, unknown>;
}

/**
 * What `instanceOf` says: the value is an instance of `class` (or of a subclass), or of a class implementing
 * `interface` (an object with its `methods`), made with one of `create`.
 */
export interface InstanceOfSpec {
  readonly class?: string;
  readonly interface?: string;
  readonly methods?: readonly string[];
  /** `cdk8s-delivery`, or the package that declares the class (`cdk8s` for Duration). */
  readonly package: string;
  /** How to make one: `Duration.seconds()`, `new PostgresCluster(scope, id, {…})`. */
  readonly create: readonly string[];
}

/** The contents of schemas/props.json.gz. */
export interface PropsSchemaFile {
  readonly $schema: string;
  readonly $id: string;
  readonly $comment: string;
  /**
   * Checked parameters by signature (`StatelessService` for a constructor, `Probe.httpGet` for a static method,
   * `Gateway#router` for an instance method), then by position.
   */
  readonly 'x-signatures': Readonly<Record<string, Readonly<Record<string, PropsSignatureParam>>>>;
  readonly definitions: Readonly<Record<string, unknown>>;
}

let loaded: PropsSchemaFile | undefined;
let loadedHash: string | undefined;

/** The props schemas of the package (read once). */
export function propsSchemas(): PropsSchemaFile {
  if (loaded) return loaded;
  const file = path.join(packageRoot(), SCHEMAS_FOLDER, PROPS_SCHEMA_FILE);
  let text: string;
  try {
    text = gunzipSync(readFileSync(file)).toString('utf8');
  } catch {
    throw new Error(`the props schemas are missing (${file}): in the cdk8s-delivery repository run \`npm run schemas\` (npm run build, synth and test do); an installed package always ships them, so reinstall it`);
  }
  loaded = JSON.parse(text) as PropsSchemaFile;
  loadedHash = createHash('sha256').update(text).digest('hex');
  return loaded;
}

/** The SHA-256 of the props schemas' JSON text, as {@link propsSchemas} read it (a key of the compiled validators' cache). */
export function propsSchemasHash(): string {
  propsSchemas();
  return loadedHash!;
}
