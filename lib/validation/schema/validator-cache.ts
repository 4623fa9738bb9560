/**
 * Compiled CRD validators, cached per user (issue 25: `cdk8s-delivery validate` of a small folder in ≤ 0.3 s).
 *
 * Compiling a CRD's schema with ajv is most of what validating one custom resource costs when the process starts
 * (the HTTPRoute schema: ~100 ms, plus ~30 ms to load ajv). The CLI turns this cache on (`useCrdValidatorCache`):
 * the first time a schema is compiled, ajv's generated code for it (`ajv/dist/standalone`) is written to
 * `$XDG_CACHE_HOME/cdk8s-delivery/validators/<sha256>.js` (`~/.cache/…` without XDG_CACHE_HOME); later runs load
 * that code instead of loading ajv and compiling. It is the same validation code: ajv generates it once, and a
 * loaded validator returns the same errors (test/validation/schema/validator-cache.test.ts checks every pinned CRD).
 *
 * - The key hashes the schema as ajv compiles it, ajv's version and the source of everything that shapes the
 *   generated code (the ajv options, the formats, the pattern engine and the list-map keyword): a change to any of
 *   them is a new file, never a stale validator.
 * - Safe against concurrent runs: each file is written to a temporary name and renamed into place.
 * - Each file starts with the SHA-256 of its code: a file that does not match, or whose code throws when loaded, is
 *   ignored and compiled again (and rewritten).
 * - `CDK8S_DELIVERY_VALIDATOR_CACHE=off` turns it off; a cache folder that cannot be written only costs the compile.
 *
 * The same folder holds the parsed CEL rules of the CRDs (`x-kubernetes-validations`, ./cel.ts): parsing ~20 rules
 * with @bufbuild/cel's parser costs ~50 ms when the process starts. `<sha256>.cel` holds one rule's syntax tree
 * (cel.expr.ParsedExpr, protobuf binary) keyed by the rule's text and the versions of @bufbuild/cel and its
 * cel-spec; it is planned (`plan`) as a freshly parsed one is. Same checksum, rename and kill switch as above.
 *
 * `runSynth` turns it on too (session 33: compiling the pinned CRDs' schemas was ~0.7 s of a cold synth at N = 1000);
 * `SchemaValidator` alone does not use it unless `useCrdValidatorCache` is called.
 *
 * The CLI's `validate` keeps two more things there (session 34; a `validate` of five files spent most of its time
 * loading code): the outcomes of CEL rules on content it checked before (`<sha256>.celr`, see
 * {@link cachedCelOutcome}), and each core kind's kubernetes-models validator with its module graph as one script
 * (`<sha256>.js` with its `.v8` code cache, see {@link requireCoreValidator}).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { installedPackage } from '../../core/package-version.js';
import { isPrivateFolder } from '../../core/private-folder.js';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Script } from 'node:vm';
import type { Ajv, AnySchemaObject, ValidateFunction } from 'ajv';
import { CRD_FORMATS, type CrdAjvSchema, RUNTIME_FORMATS, RUNTIME_LIST_MAP, RUNTIME_RE2, compileCrdAjvSchema, compileListMapCheck, createCrdAjv, crdRegExp, crdRegExpOnFirstTest } from './crd.js';

/** The environment variable that turns the cache off (`off`, `0` or `false`). */
export const VALIDATOR_CACHE_ENV = 'CDK8S_DELIVERY_VALIDATOR_CACHE';

/** The first line of a cache file: this marker and the SHA-256 of the rest. */
const HEADER = '//cdk8s-delivery-validator sha256=';

let cacheDir: string | undefined;
/** Whether the outcomes of CEL rules are cached too (the CLI's `validate`; see {@link cachedCelOutcome}). */
let celOutcomes = false;
let celOutcomeLookups = 0;
/** Whether the core kinds' validators are loaded from one cached script per kind (the CLI's `validate`; see {@link requireCoreValidator}). */
let coreScripts = false;

/**
 * The cache folder for `env`: `$XDG_CACHE_HOME/cdk8s-delivery/validators`, or `~/.cache/…`; undefined when
 * `CDK8S_DELIVERY_VALIDATOR_CACHE` is `off` (or `0`, `false`) or there is no home folder.
 */
export function defaultValidatorCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (['off', '0', 'false'].includes((env[VALIDATOR_CACHE_ENV] ?? '').toLowerCase())) return undefined;
  const cacheHome = env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : undefined);
  return cacheHome === undefined ? undefined : path.join(cacheHome, 'cdk8s-delivery', 'validators');
}

/**
 * Turns the cache on for this process, in `dir` (undefined: off). The CLI and `runSynth` call it. The cache
 * holds code this process runs, so it is used only in a private folder: made with mode 0700 when missing, and left
 * off when it, or the folder holding it, belongs to another user or others may write to it (a shared or planted
 * cache costs only the compile).
 */
export function useCrdValidatorCache(dir: string | undefined, options: { readonly celOutcomes?: boolean; readonly coreScripts?: boolean } = {}): void {
  cacheDir = dir !== undefined && isPrivateFolder(dir) ? dir : undefined;
  celOutcomes = cacheDir !== undefined && options.celOutcomes === true;
  coreScripts = cacheDir !== undefined && options.coreScripts === true;
  celOutcomeLookups = 0;
}

/** The folder the cache uses in this process (undefined: off). */
export function crdValidatorCacheDir(): string | undefined {
  return cacheDir;
}

const requireLazily = createRequire(import.meta.url);
let salt: string | undefined;

/** Everything besides the schema that shapes the generated code. */
function cacheSalt(): string {
  if (salt === undefined) {
    const formats = Object.entries(CRD_FORMATS).map(([name, f]) => `${name}=${typeof f === 'object' && !(f instanceof RegExp) ? `${f.type}:${f.validate}` : String(f)}`);
    const ajvVersion = (requireLazily('ajv/package.json') as { version: string }).version;
    salt = ['v1', ajvVersion, createCrdAjv.toString(), compileListMapCheck.toString(), crdRegExp.toString(), ...formats].join('\n');
  }
  return salt;
}

/** The cache key of a CRD schema as ajv compiles it. */
export function validatorCacheKey(converted: CrdAjvSchema): string {
  return createHash('sha256').update(cacheSalt()).update('\n').update(JSON.stringify(converted.schema)).update('\n').update([...converted.formats].sort().join(',')).digest('hex');
}

/** What a generated validator's code requires: ajv's small runtime helpers and this package's formats, patterns and keyword. */
function runtimeRequire(name: string): unknown {
  if (name === RUNTIME_RE2) return crdRegExpOnFirstTest;
  if (name === RUNTIME_FORMATS) return CRD_FORMATS;
  if (name === RUNTIME_LIST_MAP) return compileListMapCheck;
  if (name.startsWith('ajv/dist/runtime/')) return requireLazily(name);
  throw new Error(`a cached validator requires ${name}`);
}

/** The V8 code caches to write when the process exits: validators loaded without one (or with one V8 rejected). */
const pendingCodeCaches = new Map<string, Script>();

/** Writes the V8 code cache of each validator loaded without one, with the functions compiled by then (their first runs). */
function writeCodeCaches(): void {
  for (const [file, script] of pendingCodeCaches) {
    try {
      const data = script.createCachedData();
      writeAtomically(file, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    } catch {
      // only costs the compile next time
    }
  }
  pendingCodeCaches.clear();
}

/** A file's bytes after its SHA-256 (the first 32 bytes), or undefined when they do not match or it cannot be read. */
function readChecked(file: string): Buffer | undefined {
  try {
    const bytes = readFileSync(file);
    const body = bytes.subarray(32);
    return bytes.length >= 32 && createHash('sha256').update(body).digest().equals(bytes.subarray(0, 32)) ? body : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the validator cached under `key`, or undefined when there is none or it is damaged. The generated code is
 * compiled as a vm.Script with the V8 code cache stored beside it (`<key>.v8`, written when the process exits): V8
 * accepts it only for the same source, V8 version and flags, and otherwise compiles the code as usual. It holds the
 * validator's compiled functions, so a warm run neither parses nor compiles the validator (~40 ms for the HTTPRoute's).
 * `require` answers the generated code's `require` calls (the CRD validators' runtime by default; the props validators
 * pass their own, lib/core/props/validator-cache.ts).
 */
export function loadCachedValidator(dir: string, key: string, schema: AnySchemaObject, require: (name: string) => unknown = runtimeRequire): ValidateFunction | undefined {
  const validate = loadCachedModule(dir, key, require) as ValidateFunction | undefined;
  if (typeof validate !== 'function') return undefined;
  validate.errors = null;
  validate.schema = schema;
  return validate;
}

/**
 * Runs the code cached under `key` (`<key>.js`, checked against its SHA-256) as a CommonJS module body with `require`
 * and returns its `module.exports`, or undefined when there is no such file, it is damaged, or its code throws.
 */
function loadCachedModule(dir: string, key: string, require: (name: string) => unknown): unknown {
  let text: string;
  const file = path.join(dir, `${key}.js`);
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const newline = text.indexOf('\n');
  const code = text.slice(newline + 1);
  if (newline < 0 || text.slice(0, newline) !== `${HEADER}${createHash('sha256').update(code).digest('hex')}`) return undefined;
  try {
    const module = { exports: {} as unknown };
    const codeCacheFile = path.join(dir, `${key}.v8`);
    const cachedData = readChecked(codeCacheFile);
    // ajv's standalone code as the body of a function, as ajv itself evaluates its code (`new Function`).
    const script = new Script(`(function (self, require, module, exports) {${code}\n})`, { filename: file, cachedData });
    if (cachedData === undefined || script.cachedDataRejected === true) {
      if (pendingCodeCaches.size === 0) process.once('exit', writeCodeCaches);
      pendingCodeCaches.set(codeCacheFile, script);
    }
    // `self` is the ajv instance in ajv's own evaluation; the generated code passes it to the list-map keyword's check, which ignores it.
    (script.runInThisContext() as (...args: unknown[]) => void)(undefined, require, module, module.exports);
    return module.exports;
  } catch {
    return undefined;
  }
}

/**
 * ajv's standalone code of `validate` (compiled by an ajv of `createCrdAjv({ source: true })`). The list-map
 * keyword's checks are closures ajv cannot write out: each becomes a call that compiles it again from its keys.
 */
export function validatorSource(ajv: Ajv, validate: ValidateFunction): string {
  const keywords = (validate.source?.scopeValues as Record<string, Iterable<{ value?: { ref: unknown; code?: unknown } }>> | undefined)?.keyword ?? [];
  const { _, stringify } = requireLazily('ajv') as typeof import('ajv');
  for (const name of keywords) {
    const ref = name.value?.ref as { listMapKeys?: string[] } | undefined;
    if (name.value && name.value.code === undefined && Array.isArray(ref?.listMapKeys)) {
      name.value.code = _`require(${RUNTIME_LIST_MAP})(${stringify(ref.listMapKeys)})`;
    }
  }
  const standaloneCode = (requireLazily('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  return standaloneCode(ajv, validate);
}

/** Writes `bytes` to `file` through a temporary file and a rename: a concurrent run reads the old file or the new one. */
function writeAtomically(file: string, bytes: string | Uint8Array): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
  } catch {
    // A read-only or full cache folder only costs the compile next time.
    try {
      rmSync(temporary, { force: true });
    } catch {
      // the folder itself cannot be made
    }
  }
}

/** Writes `code` under `key`, its SHA-256 on the first line. */
export function storeValidator(dir: string, key: string, code: string): void {
  writeAtomically(path.join(dir, `${key}.js`), `${HEADER}${createHash('sha256').update(code).digest('hex')}\n${code}`);
}

/**
 * The validator of one CRD schema: from the cache when this process uses one and holds it, else compiled with the
 * ajv `ajv()` returns (created on first use) and, with a cache, written to it.
 */
export function cachedCrdValidator(ajv: (options: { source: boolean }) => Ajv, converted: CrdAjvSchema): ValidateFunction {
  const dir = cacheDir;
  if (dir === undefined) return compileCrdAjvSchema(ajv({ source: false }), converted);
  const key = validatorCacheKey(converted);
  const cached = loadCachedValidator(dir, key, converted.schema);
  if (cached) return cached;
  const instance = ajv({ source: true });
  const validate = compileCrdAjvSchema(instance, converted);
  let code: string | undefined;
  try {
    code = validatorSource(instance, validate);
  } catch {
    // ajv cannot write this validator out: it is compiled each run.
  }
  if (code !== undefined) storeValidator(dir, key, code);
  return validate;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsed CEL rules
// ---------------------------------------------------------------------------------------------------------------

/** What the parsed-rule cache reads of @bufbuild/cel's own dependencies (resolved from it, as it resolves them). */
interface CelCacheRuntime {
  readonly salt: string;
  readonly toBinary: (message: unknown) => Uint8Array;
  readonly fromBinary: (bytes: Uint8Array) => unknown;
}
let celRuntime: CelCacheRuntime | undefined;

let versions: readonly string[] | undefined;

/**
 * The installed versions of @bufbuild/cel, its cel-spec and protobuf (as @bufbuild/cel resolves them) and of
 * @bufbuild/re2, read from their package.json files without loading them.
 */
function celVersions(): readonly string[] {
  if (versions === undefined) {
    const celEntry = requireLazily.resolve('@bufbuild/cel');
    const fromCel = createRequire(celEntry);
    const version = (entry: string) => {
      const pkg = installedPackage(entry);
      return pkg?.name.startsWith('@bufbuild/') ? `${pkg.name}@${pkg.version}` : entry;
    };
    versions = [celEntry, fromCel.resolve('@bufbuild/cel-spec/cel/expr/syntax_pb.js'), fromCel.resolve('@bufbuild/protobuf'), requireLazily.resolve('@bufbuild/re2')].map(version);
  }
  return versions;
}

function celCacheRuntime(): CelCacheRuntime {
  if (celRuntime === undefined) {
    const celEntry = requireLazily.resolve('@bufbuild/cel');
    const fromCel = createRequire(celEntry);
    const specEntry = fromCel.resolve('@bufbuild/cel-spec/cel/expr/syntax_pb.js');
    const protobuf = fromCel('@bufbuild/protobuf') as typeof import('@bufbuild/protobuf');
    const { ParsedExprSchema } = fromCel(specEntry) as typeof import('@bufbuild/cel-spec/cel/expr/syntax_pb.js');
    celRuntime = {
      salt: ['cel-parse v1', ...celVersions().slice(0, 3)].join('\n'),
      toBinary: (message) => protobuf.toBinary(ParsedExprSchema, message as never),
      fromBinary: (bytes) => protobuf.fromBinary(ParsedExprSchema, bytes),
    };
  }
  return celRuntime;
}

/**
 * The parsed syntax tree of one CEL rule: from the cache when this process uses one and holds it, else `parse(rule)`
 * (which may throw: a rule that does not parse is not cached) and, with a cache, written to it.
 */
export function cachedCelParse<T>(rule: string, parse: (rule: string) => T): T {
  const dir = cacheDir;
  if (dir === undefined) return parse(rule);
  const runtime = celCacheRuntime();
  const key = createHash('sha256').update(runtime.salt).update('\n').update(rule).digest('hex');
  const file = path.join(dir, `${key}.cel`);
  const cached = readChecked(file);
  if (cached !== undefined) return runtime.fromBinary(cached) as T;
  const parsed = parse(rule);
  const body = runtime.toBinary(parsed);
  writeAtomically(file, Buffer.concat([createHash('sha256').update(body).digest(), body]));
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------------
// Outcomes of CEL rules (the CLI's `validate` only)
// ---------------------------------------------------------------------------------------------------------------

/**
 * How many schema nodes of one process look their outcome up in the cache: a small folder's (the goal of issue 25)
 * all do; in a large estate the rest are evaluated in the process, whose CEL library is loaded by then anyway, and
 * no more files are read or written.
 */
export const CEL_OUTCOME_LOOKUPS = 256;

/**
 * Which of a schema node's CEL rules its data fails, from the cache when the process caches CEL outcomes (the CLI's
 * `validate` turns it on with `useCrdValidatorCache(dir, { celOutcomes: true })`) and holds them, else `evaluate()`,
 * written to the cache. Loading @bufbuild/cel with @bufbuild/protobuf and planning the rules is most of what a CRD's
 * rules cost a process that checks a few objects (~100–200 ms of a `validate` of five files); a rule is a pure
 * function of the node it is on, so a later run of the same content reads `<sha256>.celr` instead.
 *
 * `material` is everything the outcome depends on besides the installed versions of @bufbuild/cel, its cel-spec,
 * protobuf and RE2, which the key adds: the caller's code that decides the outcome, the rules, the schema node
 * (types decide how numbers become CEL values) and the data. A file holds the SHA-256 of its body and the failing
 * indices as JSON; a damaged file, or indices that are not those of a rule, are ignored and evaluated again.
 */
export function cachedCelOutcome(material: () => readonly string[], ruleCount: number, evaluate: () => readonly number[]): readonly number[] {
  const dir = cacheDir;
  if (dir === undefined || !celOutcomes || celOutcomeLookups >= CEL_OUTCOME_LOOKUPS) return evaluate();
  celOutcomeLookups++;
  let file: string;
  try {
    const hash = createHash('sha256').update('cel-outcome v1');
    for (const part of [...celVersions(), ...material()]) hash.update('\n').update(createHash('sha256').update(part).digest('hex'));
    file = path.join(dir, `${hash.digest('hex')}.celr`);
  } catch {
    return evaluate(); // data or a schema JSON cannot write out
  }
  const cached = readChecked(file);
  if (cached !== undefined) {
    try {
      const indices: unknown = JSON.parse(cached.toString('utf8'));
      if (Array.isArray(indices) && indices.every((i) => Number.isInteger(i) && i >= 0 && i < ruleCount)) return indices as number[];
    } catch {
      // not JSON: evaluated again and rewritten
    }
  }
  const failing = evaluate();
  const body = Buffer.from(JSON.stringify(failing));
  writeAtomically(file, Buffer.concat([createHash('sha256').update(body).digest(), body]));
  return failing;
}

// ---------------------------------------------------------------------------------------------------------------
// Core kinds' validators (kubernetes-models)
// ---------------------------------------------------------------------------------------------------------------

/** A CommonJS module of a validator's graph: its source and what each of its `require("…")` specifiers names. */
interface GraphModule {
  readonly source: string;
  /** Specifier → the id of a module of the graph, or `{ external }`: an absolute path Node's `require` loads. */
  readonly requires: Record<string, string | { readonly external: string }>;
}

const LITERAL_REQUIRE = /\brequire\("([^"\\]+)"\)/g;
/** Module graphs stay within these packages' precompiled validators; anything else is required from where it is installed. */
const GRAPH_FILE = /[\\/](kubernetes-models|@kubernetes-models[\\/]apimachinery)[\\/]_schemas[\\/][^\\/]+\.js$/;

/**
 * The CommonJS module graph of a kubernetes-models validator file, read from the installed packages and resolved as
 * Node resolves it. Undefined when a module uses `require` other than with a string literal, or names
 * `__filename`/`__dirname` (it would not run the same in one script): such a validator is required as usual.
 */
function validatorGraph(entry: string): Map<string, GraphModule> | undefined {
  const graph = new Map<string, GraphModule>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (graph.has(file)) continue;
    const source = readFileSync(file, 'utf8');
    const literals = [...source.matchAll(LITERAL_REQUIRE)];
    if (literals.length !== (source.match(/\brequire\b/g) ?? []).length || /\b__(file|dir)name\b/.test(source)) return undefined;
    const requires: GraphModule['requires'] = {};
    const resolve = createRequire(file).resolve;
    for (const [, specifier] of literals) {
      const target = resolve(specifier!);
      if (GRAPH_FILE.test(target)) {
        requires[specifier!] = target;
        pending.push(target);
      } else {
        requires[specifier!] = { external: target };
      }
    }
    graph.set(file, { source, requires });
  }
  return graph;
}

/**
 * One script of a validator's module graph: each module's source in a function, as Node wraps a CommonJS module, and
 * a `require` that runs each once, in the order and with the cycles Node's would (a module's exports are
 * visible to a module it requires while it runs). External modules are loaded with the `require` it is given.
 */
function graphScript(entry: string, graph: Map<string, GraphModule>): string {
  const ids = new Map([...graph.keys()].map((file, index) => [file, index]));
  const modules = [...graph].map(([, m]) => {
    const requires = Object.fromEntries(Object.entries(m.requires).map(([specifier, target]) => [specifier, typeof target === 'string' ? ids.get(target)! : target]));
    return `[function (exports, require, module) {${m.source}\n}, ${JSON.stringify(requires)}]`;
  });
  return [
    `const modules = [\n${modules.join(',\n')}\n];`,
    'const loaded = [];',
    'function load(id) {',
    '  if (loaded[id]) return loaded[id].exports;',
    '  const [body, requires] = modules[id];',
    '  const module = (loaded[id] = { exports: {} });',
    "  body.call(module.exports, module.exports, (specifier) => { const target = requires[specifier]; if (target === undefined) throw new Error(`cannot require ${specifier}`); return typeof target === 'number' ? load(target) : require(target.external); }, module);",
    '  return module.exports;',
    '}',
    `module.exports = load(${ids.get(entry)});`,
  ].join('\n');
}

const coreSalt = new Map<string, string>();

/** The versions of the kubernetes-models packages installed at `modelsDir`, and the code that makes a graph's script. */
function coreCacheSalt(modelsDir: string): string {
  let salt = coreSalt.get(modelsDir);
  if (salt === undefined) {
    const version = (manifest: string) => (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
    const fromModels = createRequire(path.join(modelsDir, 'package.json'));
    const apimachinery = fromModels.resolve('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta');
    salt = ['core v1', modelsDir, version(path.join(modelsDir, 'package.json')), version(path.join(apimachinery, '../../package.json')), validatorGraph.toString(), graphScript.toString(), LITERAL_REQUIRE.source, GRAPH_FILE.source].join('\n');
    coreSalt.set(modelsDir, salt);
  }
  return salt;
}

/**
 * The exports of a kubernetes-models validator module (`<modelsDir>/<file>`), from the cache when this process uses
 * one for them (the CLI's `validate`: `useCrdValidatorCache(dir, { coreScripts: true })`; not `runSynth`, whose
 * process lives long enough to load many kinds, each script holding its own copy of the modules kinds share, such as
 * the pod template's): its whole module graph (~100 files for a Deployment, each resolved, read and compiled by Node's loader) is
 * cached as one script with its V8 code cache, keyed by the installed versions of kubernetes-models and its
 * apimachinery package, their folder and the code that makes the script. Without a cache, or for a validator whose
 * graph cannot be one script, Node's `require` loads it as before.
 */
export function requireCoreValidator(modelsDir: string, file: string): unknown {
  const entry = path.join(modelsDir, file);
  const dir = cacheDir;
  if (dir === undefined || !coreScripts) return createRequire(import.meta.url)(entry);
  try {
    const key = createHash('sha256').update(coreCacheSalt(modelsDir)).update('\n').update(file).digest('hex');
    const external = (target: string) => createRequire(entry)(target);
    const cached = loadCachedModule(dir, key, external);
    if (cached !== undefined) return cached;
    const graph = validatorGraph(entry);
    if (graph !== undefined) {
      storeValidator(dir, key, graphScript(entry, graph));
      const stored = loadCachedModule(dir, key, external);
      if (stored !== undefined) return stored;
    }
  } catch {
    // an unreadable package or cache folder: Node's require below
  }
  return createRequire(import.meta.url)(entry);
}
