/**
 * Core (built-in) Kubernetes kinds, from two generated sources combined:
 *
 * 1. kubernetes-models: precompiled ajv validators (`kubernetes-models/_schemas/<Name>`) that check types, required
 *    fields, enums and formats, but accept any unknown field;
 * 2. @kubernetes/client-node (a build-time dependency; OpenAPI spec release-1.36): each model class lists its fields in `attributeTypeMap`;
 *    walking a manifest along those maps finds every field the API server does not know.
 *
 * The kind catalogue is derived from the libraries at build time (scripts/build-schemas.ts → schemas/core.json.gz), not
 * hand-written: every kubernetes-models model file with a static
 * `apiVersion`/`kind` names its schema (e.g. apps/v1 Deployment → IoK8sApiAppsV1Deployment), and the matching
 * client-node class is `<Group><Version><Kind>` (CoreV1Event, EventsV1Event) or `<Version><Kind>` (V1Deployment).
 * Kinds that client-node 1.36 no longer has (extensions/v1beta1 Deployment, policy/v1beta1 PodSecurityPolicy, ...)
 * were removed from Kubernetes and are left out, so they are reported as `schema/api-version`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../finding.js';
import { type AjvLikeError, type FindingContext, type PathSegment, isPlainObject, unknownFieldFinding } from './ajv-findings.js';
import { requireCoreValidator } from './validator-cache.js';

/** A kubernetes-models precompiled validator. */
export interface PrecompiledValidator {
  (data: unknown): boolean;
  errors?: AjvLikeError[] | null;
}

export interface CoreKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** kubernetes-models schema module name, e.g. IoK8sApiAppsV1Deployment. */
  readonly schemaName: string;
  /** client-node model class name, e.g. V1Deployment. */
  readonly className: string;
  readonly validate: PrecompiledValidator;
}

interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}
type ModelClass = { readonly attributeTypeMap?: readonly AttributeType[] };
export type ClientNodeModels = Readonly<Record<string, unknown>>;

/** One core kind of the catalogue generated at build time (schemas/core.json.gz). */
export interface CoreKindEntry {
  readonly apiVersion: string;
  readonly kind: string;
  readonly schemaName: string;
  readonly className: string;
  /** The precompiled validator module, relative to the kubernetes-models package folder. */
  readonly file: string;
}

/** The generated core catalogue: every kind, and the fields of every client-node model (for the unknown-field walk). */
export interface CoreCatalogue {
  readonly kinds: readonly CoreKindEntry[];
  /** `attributeTypeMap`s of client-node's models as `[baseName, type]` pairs, by class name. */
  readonly fields: Readonly<Record<string, readonly (readonly [string, string])[]>>;
}

// Both kubernetes-models layouts: `this.apiVersion="apps/v1"` (5.x) and `Deployment.apiVersion="apps/v1"` (4.x).
const MODEL_FILE = /\.apiVersion="([^"]+)"[\s\S]*?\.kind="([^"]+)"/;
const SCHEMA_IMPORT = /_schemas\/(\w+)\.m?js/;

/** Reads every kind model of kubernetes-models: `{ apiVersion, kind, schemaName }`. Build time only (scripts/build-schemas.ts). */
async function kubernetesModelsKinds(packageDir: string): Promise<{ apiVersion: string; kind: string; schemaName: string }[]> {
  const versionDirs: string[] = [];
  for (const group of await fs.readdir(packageDir, { withFileTypes: true })) {
    if (!group.isDirectory() || group.name.startsWith('_') || group.name === 'node_modules') continue;
    const groupDir = path.join(packageDir, group.name);
    if (/^v\d/.test(group.name)) {
      versionDirs.push(groupDir); // the core group lives in ./v1
      continue;
    }
    for (const version of await fs.readdir(groupDir, { withFileTypes: true })) {
      if (version.isDirectory()) versionDirs.push(path.join(groupDir, version.name));
    }
  }
  const files = (
    await Promise.all(
      versionDirs.map(async (dir) =>
        (await fs.readdir(dir)).filter((f) => f.endsWith('.js') && f !== 'index.js').map((f) => path.join(dir, f)),
      ),
    )
  ).flat();
  const kinds = await Promise.all(
    files.map(async (file) => {
      const text = await fs.readFile(file, 'utf8');
      const meta = MODEL_FILE.exec(text);
      const schema = SCHEMA_IMPORT.exec(text);
      return meta && schema ? { apiVersion: meta[1]!, kind: meta[2]!, schemaName: schema[1]! } : undefined;
    }),
  );
  return kinds.filter((k) => k !== undefined);
}

/** client-node class name for a kubernetes-models kind, or undefined when client-node has none. */
function clientNodeClassName(models: ClientNodeModels, apiVersion: string, kind: string, schemaName: string): string | undefined {
  const version = apiVersion.split('/').pop()!;
  const suffix = `${version[0]!.toUpperCase()}${version.slice(1)}${kind}`; // V1Deployment, V2HorizontalPodAutoscaler
  if (!schemaName.endsWith(suffix)) return undefined;
  const groupWord = /[A-Z][a-z0-9]*$/.exec(schemaName.slice(0, -suffix.length))?.[0] ?? '';
  for (const candidate of [`${groupWord}${suffix}`, suffix]) {
    const cls = models[candidate] as ModelClass | undefined;
    const fields = cls?.attributeTypeMap?.map((a) => a.baseName) ?? [];
    if (fields.includes('apiVersion') && fields.includes('kind')) return candidate;
  }
  return undefined;
}

/**
 * Builds the core catalogue from the installed kubernetes-models folder and client-node's models. Build time only:
 * the package ships the result (schemas/core.json), so nothing scans node_modules at run time.
 */
export async function scanCoreCatalogue(packageDir: string, models: ClientNodeModels): Promise<CoreCatalogue> {
  const kinds: CoreKindEntry[] = [];
  for (const k of await kubernetesModelsKinds(packageDir)) {
    const className = clientNodeClassName(models, k.apiVersion, k.kind, k.schemaName);
    if (className === undefined) continue;
    const esm = `_schemas/${k.schemaName}.mjs`;
    let file = `_schemas/${k.schemaName}.js`;
    try {
      await fs.access(path.join(packageDir, esm));
      file = esm;
    } catch {
      // 5.x ships ES modules as .js only
    }
    kinds.push({ ...k, className, file });
  }
  if (!kinds.some((k) => k.apiVersion === 'apps/v1' && k.kind === 'Deployment')) {
    // The catalogue is read from the libraries' generated files; fail loudly if their layout changes.
    throw new Error(`no core kinds found in ${packageDir}: kubernetes-models or @kubernetes/client-node changed layout`);
  }
  kinds.sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`, 'en'));
  const fields: Record<string, (readonly [string, string])[]> = {};
  for (const name of Object.keys(models).sort()) {
    const map = (models[name] as ModelClass | undefined)?.attributeTypeMap;
    if (Array.isArray(map)) fields[name] = map.map((a) => [a.baseName, a.type] as const);
  }
  return { kinds, fields };
}

/** The client-node-shaped models (`attributeTypeMap` per class) the unknown-field walk reads, from the catalogue. */
export function catalogueModels(catalogue: CoreCatalogue): ClientNodeModels {
  return Object.fromEntries(
    Object.entries(catalogue.fields).map(([name, pairs]) => [name, { attributeTypeMap: pairs.map(([baseName, type]) => ({ baseName, type })) }]),
  );
}

/**
 * Every catalogued kind, its precompiled validator loaded from the installed kubernetes-models (`modelsDir`) the
 * first time it is used: loading all of them costs more than a small `validate` run (issue 25: CLI start), and a
 * platform uses a few kinds. Loaded synchronously (validation is synchronous) from the package's CommonJS build,
 * `_schemas/<Name>.js`, the same generated validator as its ES module `_schemas/<Name>.mjs`; in the CLI's `validate`
 * from the validator cache as one script with its module graph (./validator-cache.ts `requireCoreValidator`).
 */
export function lazyCoreKinds(catalogue: CoreCatalogue, modelsDir: string): CoreKind[] {
  return catalogue.kinds.map((k) => {
    let validate: PrecompiledValidator | undefined;
    return {
      apiVersion: k.apiVersion,
      kind: k.kind,
      schemaName: k.schemaName,
      className: k.className,
      get validate(): PrecompiledValidator {
        if (validate) return validate;
        const file = k.file.replace(/\.mjs$/, '.js');
        const mod = requireCoreValidator(modelsDir, file) as { validate?: PrecompiledValidator; default?: { validate?: PrecompiledValidator } };
        const found = mod.validate ?? mod.default?.validate;
        if (typeof found !== 'function') throw new Error(`kubernetes-models: ${file} has no validate function (reinstall cdk8s-delivery's dependencies)`);
        return (validate = found);
      },
    };
  });
}

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** A client-node type, parsed: a list of, a map of, or a model class (whose fields are looked up by name). */
type Shape = { readonly kind: 'array' | 'map'; readonly item: Shape } | { readonly kind: 'model'; readonly className: string };

/**
 * Walks `value` along client-node's `attributeTypeMap`s and reports every key that is not a field of the model at
 * that level. Values of the wrong shape are skipped (the ajv validator reports those); `any`, `IntOrString`, dates
 * and primitives end the walk.
 */
export class UnknownFieldWalker {
  private readonly fieldCache = new Map<string, Map<string, string> | undefined>();
  private readonly shapes = new Map<string, Shape>();

  constructor(private readonly models: ClientNodeModels) {}

  walk(value: unknown, type: string, segments: PathSegment[], ctx: FindingContext, out: Finding[]): void {
    // One path, extended and shortened along the walk (a copy of it only for a finding); each type text parsed once.
    this.walkAt(value, this.shape(type), [...segments], ctx, out);
  }

  private walkAt(value: unknown, shape: Shape, segments: PathSegment[], ctx: FindingContext, out: Finding[]): void {
    if (value === null || value === undefined) return;
    switch (shape.kind) {
      case 'array':
        if (Array.isArray(value)) {
          for (let i = 0; i < value.length; i++) {
            segments.push(i);
            this.walkAt(value[i], shape.item, segments, ctx, out);
            segments.pop();
          }
        }
        return;
      case 'map':
        if (isPlainObject(value)) {
          for (const [k, v] of Object.entries(value)) {
            segments.push(k);
            this.walkAt(v, shape.item, segments, ctx, out);
            segments.pop();
          }
        }
        return;
      case 'model': {
        const fields = this.fields(shape.className);
        if (!fields || !isPlainObject(value)) return;
        for (const [key, child] of Object.entries(value)) {
          const childType = fields.get(key);
          segments.push(key);
          if (childType === undefined) out.push(unknownFieldFinding(ctx, [...segments], child, fields.keys()));
          else this.walkAt(child, this.shape(childType), segments, ctx, out);
          segments.pop();
        }
      }
    }
  }

  /** What a client-node type text (`Array<V1Container>`, `{ [key: string]: string; }`, `V1PodSpec | undefined`) is. */
  private shape(type: string): Shape {
    let shape = this.shapes.get(type);
    if (shape === undefined) {
      const bare = type.replace(/ \| (null|undefined)$/, '');
      const array = ARRAY.exec(bare);
      const map = array ? null : MAP.exec(bare);
      shape = array ? { kind: 'array', item: this.shape(array[1]!) } : map ? { kind: 'map', item: this.shape(map[1]!) } : { kind: 'model', className: bare };
      this.shapes.set(type, shape);
    }
    return shape;
  }

  private fields(className: string): Map<string, string> | undefined {
    if (!this.fieldCache.has(className)) {
      const cls = this.models[className] as ModelClass | undefined;
      const map = cls?.attributeTypeMap ? new Map(cls.attributeTypeMap.map((a) => [a.baseName, a.type])) : undefined;
      this.fieldCache.set(className, map);
    }
    return this.fieldCache.get(className);
  }
}
