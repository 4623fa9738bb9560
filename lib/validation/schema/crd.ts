/**
 * Custom resources: loads pinned upstream CustomResourceDefinitions and turns each served version's
 * `openAPIV3Schema` (a Kubernetes *structural schema*) into a plain JSON schema that ajv can compile,
 * reproducing what the API server does with it:
 *
 * - `x-kubernetes-int-or-string: true`       → `type: [integer, string]` (its `anyOf` integer|string pair is dropped);
 * - `x-kubernetes-preserve-unknown-fields`   → unknown fields allowed at that level;
 * - `nullable: true`                         → `null` allowed;
 * - `x-kubernetes-embedded-resource: true`   → `apiVersion`, `kind`, `metadata` allowed;
 * - every other object schema                → `additionalProperties: false`: the API server prunes fields that the
 *   schema does not list (an object with no `properties` keeps none), and strict field validation
 *   (`kubectl --validate=strict`) turns each pruned field into an error;
 * - `x-kubernetes-list-type: set`            → items must be unique;
 * - `x-kubernetes-list-type: map`            → items must be unique by their `x-kubernetes-list-map-keys`;
 * - the root `metadata` stays a bare object: callers check it against the core ObjectMeta schema instead.
 *
 * `x-kubernetes-validations` (CEL rules) are NOT evaluated: there is no CEL interpreter here, so rules such as
 * "only one of a/b" enforced by CEL are silently skipped. Admission webhooks of the controllers are not run either.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isIPv4, isIPv6 } from 'node:net';
import { createRequire } from 'node:module';
import type { Ajv, AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import YAML from 'yaml';
import type { RE2JS } from '@bufbuild/re2';

type JsonSchema = Record<string, unknown>;

/** One served version of one CRD. */
export interface CrdVersion {
  readonly group: string;
  readonly version: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** File the CRD came from, relative to the CRD folder. */
  readonly source: string;
  /** `spec.scope` of the CRD: true for `Namespaced`, false for `Cluster`. */
  readonly namespaced: boolean;
  /** The raw `openAPIV3Schema` (parsed on first call); undefined when the CRD declares none (anything goes then). */
  readonly schema: () => unknown;
}

/**
 * Reads every CRD under `dir` (recursively, skipping `examples/` folders).
 *
 * Parsing all pinned CRDs with the `yaml` package takes most of a second (ApplicationSet alone is 1.4 MB), so the
 * index (group, kind, served versions) is read from a copy of each file with its `openAPIV3Schema` blocks cut out,
 * and the full file is parsed only when one of its schemas is first needed.
 */
export async function loadCrds(dir: string): Promise<CrdVersion[]> {
  const files = (await listYamlFiles(dir, (name) => name !== 'examples')).sort();
  const texts = await Promise.all(files.map((file) => fs.readFile(file, 'utf8')));
  const versions: CrdVersion[] = [];
  files.forEach((file, i) => {
    const text = texts[i]!;
    let fullDocs: CrdDocument[] | undefined;
    const full = () => (fullDocs ??= parseCrdDocuments(text, file));
    parseCrdDocuments(withoutSchemas(text), file).forEach((crd, docIndex) => {
      for (const v of crd.spec.versions) {
        if (v.served === false) continue;
        versions.push({
          group: crd.spec.group,
          version: v.name,
          apiVersion: `${crd.spec.group}/${v.name}`,
          kind: crd.spec.names.kind,
          source: path.relative(dir, file),
          namespaced: crd.spec.scope !== 'Cluster',
          schema: () => full()[docIndex]?.spec.versions.find((fv) => fv.name === v.name)?.schema?.openAPIV3Schema,
        });
      }
    });
  });
  return versions;
}

/** Every `apiextensions.k8s.io/v1` CustomResourceDefinition document in `text`, in order (other documents dropped). */
function parseCrdDocuments(text: string, file: string): CrdDocument[] {
  const crds: CrdDocument[] = [];
  // uniqueKeys:false roughly halves parse time on these multi-100 KB files; the CRDs are generated, not hand-written.
  for (const doc of YAML.parseAllDocuments(text, { uniqueKeys: false })) {
    if (doc.errors.length > 0) throw new Error(`${file}: cannot parse YAML: ${doc.errors[0]!.message}`);
    const crd = doc.toJS() as CrdDocument | null;
    if (crd?.kind === 'CustomResourceDefinition' && crd.apiVersion === 'apiextensions.k8s.io/v1') crds.push(crd);
  }
  return crds;
}

/** Drops the (block-style) content under every `openAPIV3Schema:` key, keeping the YAML valid and tiny. */
function withoutSchemas(text: string): string {
  const kept: string[] = [];
  let cutIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.search(/\S/);
    if (cutIndent >= 0) {
      if (indent < 0 || indent > cutIndent) continue;
      cutIndent = -1;
    }
    const match = /^(\s*)openAPIV3Schema:\s*$/.exec(line);
    if (match) cutIndent = match[1]!.length;
    kept.push(line);
  }
  return kept.join('\n');
}

interface CrdDocument {
  apiVersion: string;
  kind: string;
  spec: {
    group: string;
    scope?: string;
    names: { kind: string };
    versions: { name: string; served?: boolean; schema?: { openAPIV3Schema?: unknown } }[];
  };
}

/** Recursively lists .yaml/.yml files; `enter` decides which sub-folders to descend into. */
export async function listYamlFiles(dir: string, enter: (folderName: string) => boolean = () => true): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (enter(entry.name)) out.push(...(await listYamlFiles(full, enter)));
    } else if (/\.ya?ml$/i.test(entry.name)) {
      out.push(full);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// ajv set-up
// ---------------------------------------------------------------------------------------------------------------

/** Custom keyword carrying `x-kubernetes-list-map-keys` of a `x-kubernetes-list-type: map` list. */
const LIST_MAP_KEYWORD = 'k8sListMapKeys';

/** The names under which a generated validator's source requires this module's formats, patterns and keyword. */
export const RUNTIME_RE2 = 'cdk8s-delivery:re2';
export const RUNTIME_FORMATS = 'cdk8s-delivery:formats';
export const RUNTIME_LIST_MAP = 'cdk8s-delivery:list-map';

/**
 * CRD `pattern`s are Go regular expressions: the API server compiles them with RE2 (k8s.io/kube-openapi's
 * validate.MatchString → regexp.MatchString) and matches them unanchored. JavaScript's RegExp disagrees on real
 * CRDs (prometheus-operator's `^(?i)(abort|warn)?$` is an invalid group to it), so patterns are compiled by an
 * RE2 engine, the one CEL's `matches()` uses here too (@bufbuild/re2). A pattern RE2 rejects makes the CRD
 * itself invalid: the API server refuses to create it.
 */
export const crdRegExp = Object.assign(
  (pattern: string) => {
    const engine = re2();
    let compiled: RE2JS;
    try {
      compiled = engine.compile(pattern);
    } catch (error) {
      throw new CrdPatternError(pattern, error instanceof Error ? error.message : String(error));
    }
    // ajv caches compiled patterns by `toString()`: it must name the pattern.
    return { test: (value: string) => compiled.test(value), toString: () => `/${pattern}/` } as unknown as RegExp;
  },
  // What a generated validator's source calls to compile a pattern (./validator-cache.ts provides it when it loads one).
  { code: `require(${JSON.stringify(RUNTIME_RE2)})` },
);

/**
 * ajv and RE2 are loaded when the first CRD is compiled, not with this module: `validate` of core kinds needs neither
 * (issue 25: CLI start). Synchronously (compilation is), from their CommonJS builds.
 */
const requireLazily = createRequire(import.meta.url);
let re2Class: typeof RE2JS | undefined;
const re2 = (): typeof RE2JS => (re2Class ??= (requireLazily('@bufbuild/re2') as typeof import('@bufbuild/re2')).RE2JS);

/**
 * {@link crdRegExp} for a validator loaded from the cache (./validator-cache.ts): its patterns all compiled when it
 * was generated, so each compiles on its first test instead of when the validator loads (a schema has hundreds of
 * patterns, an object meets a few: RE2 parsing them all cost ~60 ms of a `validate` start).
 */
export function crdRegExpOnFirstTest(pattern: string): RegExp {
  let compiled: RE2JS | undefined;
  return { test: (value: string) => (compiled ??= re2().compile(pattern)).test(value), toString: () => `/${pattern}/` } as unknown as RegExp;
}

/** A CRD's `pattern` that RE2 cannot compile: the API server rejects such a CRD. */
export class CrdPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`the pattern ${JSON.stringify(pattern)} is not a valid RE2 (Go) regular expression: ${reason}`);
    this.name = 'CrdPatternError';
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

type CrdFormat = RegExp | ((value: string) => boolean) | { type: 'number'; validate: (n: number) => boolean };

/**
 * Formats used by Kubernetes (ajv-formats is not a dependency). Number formats only check what the Go types of the
 * controllers can hold; unknown formats are registered as permissive in `compileCrdVersion`, like the API server does.
 */
export const CRD_FORMATS: Readonly<Record<string, CrdFormat>> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  float: { type: 'number', validate: () => true },
  double: { type: 'number', validate: () => true },
  'date-time': DATE_TIME,
  date: /^\d{4}-\d{2}-\d{2}$/,
  duration: GO_DURATION,
  byte: BASE64,
  ipv4: (s: string) => isIPv4(s),
  ipv6: (s: string) => isIPv6(s),
  cidr: (s: string) => {
    const [ip, bits, ...rest] = s.split('/');
    return rest.length === 0 && bits !== undefined && /^\d+$/.test(bits) && (isIPv4(ip!) ? +bits <= 32 : isIPv6(ip!) && +bits <= 128);
  },
  uuid: /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i,
};

/** Formats accepted whatever the value (documentation only for the API server). */
const PERMISSIVE_FORMATS = ['int-or-string', 'password', 'uri', 'email', 'hostname', 'string'];

/** The check of `x-kubernetes-list-type: map` items (the {@link LIST_MAP_KEYWORD} keyword), for one list's keys. */
export function compileListMapCheck(keys: string[]) {
  const check = (data: unknown[], cxt?: { instancePath: string }): boolean => {
    const seen = new Set<string>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, j) => {
      if (typeof item !== 'object' || item === null) return;
      const id = JSON.stringify(keys.map((k) => (item as Record<string, unknown>)[k]));
      if (seen.has(id)) {
        errors.push({ instancePath: cxt?.instancePath ?? '', keyword: 'duplicate', params: { j, keys: keys.join('+') } });
      }
      seen.add(id);
    });
    check.errors = errors.length > 0 ? errors : undefined;
    return errors.length === 0;
  };
  check.errors = undefined as Partial<ErrorObject>[] | undefined;
  // The keys the check was compiled for: ./validator-cache.ts writes them into a generated validator's source.
  return Object.assign(check, { listMapKeys: keys });
}

/**
 * The ajv instance CRD schemas compile with. `source`: keep each validator's generated source (ajv's `code.source`),
 * for ./validator-cache.ts to store it; the validation code is the same either way.
 */
export function createCrdAjv(options: { readonly source?: boolean } = {}): Ajv {
  const ajvModule = requireLazily('ajv') as typeof import('ajv');
  const Ajv = ajvModule.default;
  // messages/verbose off and optimize:false: the generated CRD validators are large (Rollout embeds a whole PodSpec),
  // and these options cut compile time by about a third; findings are worded by ajv-findings.ts, not by ajv.
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    messages: false,
    validateSchema: false,
    code: { regExp: crdRegExp, optimize: false, source: options.source === true, formats: ajvModule._`require(${RUNTIME_FORMATS})` },
  });
  for (const [name, format] of Object.entries(CRD_FORMATS)) ajv.addFormat(name, format as Parameters<Ajv['addFormat']>[1]);
  for (const permissive of PERMISSIVE_FORMATS) ajv.addFormat(permissive, true);

  ajv.addKeyword({
    keyword: LIST_MAP_KEYWORD,
    type: 'array',
    schemaType: 'array',
    errors: true,
    compile: compileListMapCheck,
  });
  return ajv;
}

/** What ajv compiles for one CRD version: its schema in ajv's dialect and the formats it names. */
export interface CrdAjvSchema {
  readonly schema: AnySchemaObject;
  readonly formats: ReadonlySet<string>;
}

/** The ajv schema of one CRD version (undefined when the CRD declares no schema: anything goes). */
export function crdAjvSchema(crd: CrdVersion): CrdAjvSchema | undefined {
  const full = crd.schema() as JsonSchema | undefined;
  if (full === undefined) return undefined;
  // `status` belongs to the controller: the API server ignores it on create and update of the main
  // resource (status subresource). Its schema is often the largest part of a CRD (Argo CD Application,
  // Rollout, CNPG Cluster) and compiling it cost seconds per synth, so it is accepted as any object.
  const properties = full.properties as Record<string, JsonSchema> | undefined;
  const source: JsonSchema = properties?.status ? { ...full, properties: { ...properties, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } : full;
  const formats = new Set<string>();
  const schema = toAjvSchema(source as JsonSchema, { structural: true, root: true, formats });
  return { schema, formats };
}

/** Compiles `schema` (of {@link crdAjvSchema}) with `ajv`; formats no one defined are accepted, as the API server does. */
export function compileCrdAjvSchema(ajv: Ajv, { schema, formats }: CrdAjvSchema): ValidateFunction {
  for (const format of formats) if (!ajv.formats[format]) ajv.addFormat(format, true);
  return ajv.compile(schema);
}

/** Compiles the ajv validator for one CRD version. */
export function compileCrdVersion(ajv: Ajv, crd: CrdVersion): ValidateFunction {
  const converted = crdAjvSchema(crd);
  return converted === undefined ? ajv.compile({}) : compileCrdAjvSchema(ajv, converted);
}

interface ConvertOptions {
  /** False inside anyOf/allOf/oneOf/not: junctors only add value validations, they never prune. */
  readonly structural: boolean;
  readonly root: boolean;
  readonly formats: Set<string>;
}

function isIntOrStringPair(value: unknown): boolean {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const types = value.map((branch: JsonSchema) => (Object.keys(branch).length === 1 ? branch.type : undefined)).sort();
  return types[0] === 'integer' && types[1] === 'string';
}

/** Structural schema (Kubernetes dialect) → plain JSON schema for ajv. Exported for tests. */
export function toAjvSchema(source: JsonSchema, options: ConvertOptions): AnySchemaObject {
  const out: Record<string, unknown> = {};
  const child = (schema: unknown, structural = options.structural) =>
    toAjvSchema(schema as JsonSchema, { structural, root: false, formats: options.formats });

  for (const [key, value] of Object.entries(source)) {
    switch (key) {
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(value as Record<string, unknown>).map(([name, schema]) =>
            options.root && name === 'metadata' ? [name, { type: 'object' }] : [name, child(schema)],
          ),
        );
        break;
      case 'items':
        out.items = Array.isArray(value) ? value.map((s) => child(s)) : child(value);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof value === 'object' && value !== null ? child(value) : value;
        break;
      case 'anyOf':
      case 'allOf':
      case 'oneOf':
        if (key === 'anyOf' && source['x-kubernetes-int-or-string'] === true && isIntOrStringPair(value)) break;
        out[key] = (value as unknown[]).map((s) => child(s, false));
        break;
      case 'not':
        out.not = child(value, false);
        break;
      case 'format':
        options.formats.add(String(value));
        out.format = value;
        break;
      case 'type':
      case 'enum':
      case 'required':
      case 'pattern':
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'multipleOf':
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'uniqueItems':
      case 'minProperties':
      case 'maxProperties':
        out[key] = value;
        break;
      default:
        // description, default, example, x-kubernetes-validations (CEL: not run), x-kubernetes-map-type, ... are
        // documentation or server-side behaviour without a JSON-schema equivalent here.
        break;
    }
  }

  if (source['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'];

  if (source['x-kubernetes-list-type'] === 'set') out.uniqueItems = true;
  const mapKeys = source['x-kubernetes-list-map-keys'];
  if (source['x-kubernetes-list-type'] === 'map' && Array.isArray(mapKeys) && mapKeys.length > 0) out[LIST_MAP_KEYWORD] = mapKeys;

  const isObject = out.type === 'object' || (out.type === undefined && out.properties !== undefined);
  if (isObject && (source['x-kubernetes-embedded-resource'] === true || options.root)) {
    const props = (out.properties ?? {}) as Record<string, unknown>;
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...props };
  }
  if (
    options.structural &&
    isObject &&
    source['x-kubernetes-preserve-unknown-fields'] !== true &&
    out.additionalProperties === undefined
  ) {
    out.additionalProperties = false;
  }

  if (source.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type)) out.type = [...out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

/**
 * Since Kubernetes 1.20 the API server drops `null` values of fields that are not `nullable` before validating a
 * custom resource (defaulting's PruneNonNullableNullsWithoutDefaults, or the field's default replaces the null), so
 * `field: null` means "unset" rather than a type error. This returns `data` with those nulls removed (copy-on-write;
 * the input is never mutated). Nulls inside lists are kept: the server rejects those.
 */
export function pruneNonNullableNulls(data: unknown, schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return data;
  const s = schema as { properties?: Record<string, unknown>; additionalProperties?: unknown; items?: unknown };
  if (Array.isArray(data)) {
    let changed = false;
    const out = data.map((item) => {
      const pruned = pruneNonNullableNulls(item, s.items);
      changed ||= pruned !== item;
      return pruned;
    });
    return changed ? out : data;
  }
  if (typeof data !== 'object' || data === null) return data;
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(data)) {
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (child === undefined) continue; // unknown field: reported as such, whatever its value
    if (value === null) {
      const type = (child as { type?: unknown }).type;
      if (Array.isArray(type) && type.includes('null')) continue;
      out ??= { ...(data as Record<string, unknown>) };
      delete out[key];
      continue;
    }
    const pruned = pruneNonNullableNulls(value, child);
    if (pruned !== value) {
      out ??= { ...(data as Record<string, unknown>) };
      out[key] = pruned;
    }
  }
  return out ?? data;
}
