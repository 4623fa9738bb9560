/**
 * The props validators' verdicts, cached per user (issue 25: cold `npm run synth` of the reference platforms).
 *
 * Every construct and factory checks its props with ajv (./check-props.ts); compiling the validator of each props type
 * a synth uses was ~10 % of a cold reference synth (~150 ms of ~1.9 s). With the cache on (`runSynth` turns it on, in
 * the folder of the CRD validators' cache, lib/validation/schema/validator-cache.ts, below `props/`), a props type's
 * validator is ajv's standalone code of its schema, compiled once and loaded by later runs without a compile.
 *
 * That validator only says whether the props are valid: props that pass are done; props that fail are checked again
 * by the validator check-props compiles, which words every problem (its errors name definitions by the identity of
 * their schema objects, which generated code cannot keep). A cached validator can thus only make a synth faster: the
 * problems, and their messages, always come from ajv's validator of the props file as loaded.
 *
 * - The key hashes the props file, the parameter's schema, ajv's version and the code of {@link createPropsVerdictAjv}
 *   (the options and the `instanceOf` keyword): a change to any of them is a new file, never a stale validator.
 * - The `instanceOf` keyword is a function ajv cannot write out: the generated code requires it by name
 *   ({@link RUNTIME_INSTANCE_OF}), and the loader hands it check-props' function.
 * - Checksummed files, written through a rename, V8 code caches, and `CDK8S_DELIVERY_VALIDATOR_CACHE=off`: as the
 *   CRD validators' cache. Used only in a folder private to the user.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, ValidateFunction } from 'ajv';
import { privateSubfolder } from '../private-folder.js';
import { loadCachedValidator, storeValidator } from '../../validation/schema/validator-cache.js';
import type { InstanceOfSpec, PropsSchemaFile } from './props-schemas.js';

/** The name under which a cached props validator requires the `instanceOf` keyword's check. */
export const RUNTIME_INSTANCE_OF = 'cdk8s-delivery/props/instance-of';

/** The `instanceOf` keyword's check: `(spec, data) => boolean`. */
export type InstanceOfCheck = (spec: InstanceOfSpec, data: unknown) => boolean;

const requireLazily = createRequire(import.meta.url);
/** The cache a process uses: a new object each time it is turned on, which the validators read from it are kept with. */
export interface PropsValidatorCache {
  readonly dir: string;
}

let cache: PropsValidatorCache | undefined;

/**
 * Turns the cache on for this process, in `<dir>/props` (`dir`: the CRD validators' cache folder; undefined: off).
 * Used only when that folder is private to the user.
 */
export function usePropsValidatorCache(dir: string | undefined): void {
  const props = privateSubfolder(dir, 'props');
  cache = props === undefined ? undefined : { dir: props };
}

/** The cache this process uses (undefined: off). */
export function propsValidatorCache(): PropsValidatorCache | undefined {
  return cache;
}

/**
 * The ajv of the verdict validators: check-props' options without the error details (`allErrors`, `verbose`), which
 * change what ajv reports for invalid data, never whether data is valid. `source`: keep the code, to write it out.
 */
export function createPropsVerdictAjv(file: PropsSchemaFile, instanceOf: InstanceOfCheck, source: boolean): Ajv {
  const { Ajv } = requireLazily('ajv') as typeof import('ajv');
  const ajv = new Ajv({ strict: false, inlineRefs: false, code: { source } });
  ajv.addKeyword({ keyword: 'x-signatures' });
  ajv.addKeyword({ keyword: 'instanceOf', schemaType: 'object', errors: false, validate: instanceOf });
  ajv.addSchema(file);
  return ajv;
}

let salt: string | undefined;

/** The cache key of a parameter's schema text (its refs qualified with the file's id) in the props file of `fileHash`. */
export function propsValidatorCacheKey(fileHash: string, schemaText: string): string {
  salt ??= ['props v1', (requireLazily('ajv/package.json') as { version: string }).version, createPropsVerdictAjv.toString(), RUNTIME_INSTANCE_OF].join('\n');
  return createHash('sha256').update(salt).update('\n').update(fileHash).update('\n').update(schemaText).digest('hex');
}

/**
 * The verdict validator of a parameter's schema (`schemaText`), from the cache, or compiled and written to it;
 * undefined when the cache is off.
 */
export function cachedPropsVerdict(file: () => PropsSchemaFile, fileHash: string, schemaText: string, instanceOf: InstanceOfCheck): ValidateFunction | undefined {
  const dir = cache?.dir;
  if (dir === undefined) return undefined;
  const key = propsValidatorCacheKey(fileHash, schemaText);
  const schema = JSON.parse(schemaText) as object;
  const runtime = (name: string): unknown => {
    if (name === RUNTIME_INSTANCE_OF) return instanceOf;
    if (name.startsWith('ajv/dist/runtime/')) return requireLazily(name);
    throw new Error(`a cached props validator requires ${name}`);
  };
  const cached = loadCachedValidator(dir, key, schema, runtime);
  if (cached) return cached;
  const ajv = sourceAjv(file(), instanceOf);
  const validate = ajv.compile(schema);
  try {
    storeValidator(dir, key, propsValidatorSource(ajv, validate, instanceOf));
  } catch {
    // ajv cannot write this validator out: it is compiled each run.
  }
  return validate;
}

let source: { file: PropsSchemaFile; instanceOf: InstanceOfCheck; ajv: Ajv } | undefined;

/** The ajv that compiles the validators to write out: one per process (and props file), made on the first miss. */
function sourceAjv(file: PropsSchemaFile, instanceOf: InstanceOfCheck): Ajv {
  if (source?.file !== file || source.instanceOf !== instanceOf) source = { file, instanceOf, ajv: createPropsVerdictAjv(file, instanceOf, true) };
  return source.ajv;
}

/** ajv's standalone code of a verdict validator, the `instanceOf` check required by name. */
export function propsValidatorSource(ajv: Ajv, validate: ValidateFunction, instanceOf: InstanceOfCheck): string {
  // The keyword's function is a value of the ajv's scope, shared by the validators of every definition the code refers to.
  const { _ } = requireLazily('ajv') as typeof import('ajv');
  const scope = (ajv as unknown as { scope: { _values: Record<string, Map<unknown, { value?: { ref: unknown; code?: unknown } }> | undefined> } }).scope;
  for (const name of scope._values.keyword?.values() ?? []) {
    if (name.value && name.value.code === undefined && name.value.ref === instanceOf) name.value.code = _`require(${RUNTIME_INSTANCE_OF})`;
  }
  const standaloneCode = (requireLazily('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  return standaloneCode(ajv, validate);
}
