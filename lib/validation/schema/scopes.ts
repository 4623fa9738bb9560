/**
 * Which kinds are namespaced and which are cluster-scoped, as the API server serves them: from the same upstream
 * sources as the schemas (scripts/build-schemas.ts writes `schemas/scopes.json`):
 *
 * - core kinds: the request paths of the Kubernetes OpenAPI, as @kubernetes/client-node generated them into its
 *   API classes (`POST /api/v1/namespaces/{namespace}/configmaps` creates a namespaced ConfigMap,
 *   `POST /apis/rbac.authorization.k8s.io/v1/clusterroles` a cluster-scoped ClusterRole) — how kustomize's openapi
 *   package tells them apart too;
 * - custom resources: the CRD's `spec.scope` (the pinned CRDs, and the user's `crds` folder).
 *
 * Read synchronously (a few KB, once per process): a synth needs it while it renders (the namespace of a plain
 * cdk8s object, the cluster-scoped kinds an AppProject allows), before any schema is loaded.
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { packageRoot, SCHEMAS_FOLDER } from './pinned.js';

/** `namespaced` or `cluster`, by `group/kind` (`/ConfigMap` for the core group). */
export interface ScopeTable {
  readonly namespaced: readonly string[];
  readonly cluster: readonly string[];
  /** The kinds a CRD defines (the others are built into the API server). @default none */
  readonly custom?: readonly string[];
}

/** The file below schemas/ holding the {@link ScopeTable} of the core kinds and the pinned CRDs. */
export const SCOPES_FILE = 'scopes.json';

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/** Which kinds are namespaced. Built from the pinned table ({@link ResourceScopes.pinned}) plus any CRDs added. */
export class ResourceScopes {
  private static pinnedScopes: ResourceScopes | undefined;

  /** The core kinds and the pinned CRDs, read once per process from the package's schemas/. */
  public static pinned(): ResourceScopes {
    if (ResourceScopes.pinnedScopes) return ResourceScopes.pinnedScopes;
    const file = path.join(packageRoot(), SCHEMAS_FOLDER, SCOPES_FILE);
    let table: ScopeTable;
    try {
      table = JSON.parse(readFileSync(file, 'utf8')) as ScopeTable;
    } catch {
      throw new Error(`the pinned schemas are missing (${file}): in the cdk8s-delivery repository run \`npm run schemas\` (npm run build, synth and test do); an installed package always ships them, so reinstall it`);
    }
    return (ResourceScopes.pinnedScopes = new ResourceScopes(table));
  }

  private readonly scopes = new Map<string, boolean>();
  private readonly custom = new Set<string>();

  constructor(table: ScopeTable) {
    for (const key of table.namespaced) this.scopes.set(key, true);
    for (const key of table.cluster) this.scopes.set(key, false);
    for (const key of table.custom ?? []) this.custom.add(key);
  }

  /** These scopes, with the kinds of `crds` added (a CRD given here wins over a pinned one of the same kind). */
  public with(crds: readonly { readonly group: string; readonly kind: string; readonly namespaced: boolean }[]): ResourceScopes {
    if (crds.length === 0) return this;
    const out = new ResourceScopes({ namespaced: [], cluster: [], custom: [...this.custom] });
    for (const [key, value] of this.scopes) out.scopes.set(key, value);
    for (const c of crds) {
      out.scopes.set(`${c.group}/${c.kind}`, c.namespaced);
      out.custom.add(`${c.group}/${c.kind}`);
    }
    return out;
  }

  /**
   * True for a kind a CRD defines, or one no schema knows (which only a CRD can add): its CRD may arrive with its
   * controller in the same sync. False for the API server's built-in kinds.
   */
  public isCustomResource(apiVersion: unknown, kind: unknown): boolean {
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return false;
    const key = `${groupOf(apiVersion)}/${kind}`;
    return this.custom.has(key) || !this.scopes.has(key);
  }

  /** True for a namespaced kind, false for a cluster-scoped one, undefined when no schema says. */
  public isNamespaced(apiVersion: unknown, kind: unknown): boolean | undefined {
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
    return this.scopes.get(`${groupOf(apiVersion)}/${kind}`);
  }
}

/**
 * Build time (scripts/build-schemas.ts): the scope of every core kind whose model class client-node's generated API
 * classes create, from the request path of each `create…` method (`/namespaces/{namespace}/` or not) and the model
 * its body is serialized as. Subresources (paths with `{name}`: bindings, evictions, tokens) are skipped.
 */
export async function scanCoreScopes(clientNodeDir: string): Promise<Map<string, boolean>> {
  const dir = path.join(clientNodeDir, 'dist/gen/apis');
  const byClass = new Map<string, boolean>();
  const method = /async create\w*\([^)]*\) \{([\s\S]*?)\n {4}\}/g;
  for (const file of (await fs.readdir(dir)).filter((f) => f.endsWith('Api.js')).sort()) {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(method)) {
      const requestPath = /localVarPath = '([^']+)'/.exec(m[1]!)?.[1];
      const model = /ObjectSerializer\.serialize\(body, "(\w+)"/.exec(m[1]!)?.[1];
      if (!requestPath || !model || model === 'any' || requestPath.includes('{name}')) continue;
      byClass.set(model, requestPath.includes('/namespaces/{namespace}/'));
    }
  }
  if (byClass.get('V1ConfigMap') !== true || byClass.get('V1ClusterRole') !== false) {
    // Read from the library's generated files: fail loudly if their layout changes.
    throw new Error(`cannot read the resource scopes from ${dir}: @kubernetes/client-node changed layout`);
  }
  return byClass;
}

/** Build time: the scope table of core kinds (by client-node class) and CRDs. */
export function scopeTable(core: readonly { readonly apiVersion: string; readonly kind: string; readonly className: string }[], coreScopes: ReadonlyMap<string, boolean>, crds: readonly { readonly group: string; readonly kind: string; readonly namespaced: boolean }[]): ScopeTable {
  const scopes = new Map<string, boolean>();
  for (const k of core) {
    const namespaced = coreScopes.get(k.className);
    if (namespaced !== undefined) scopes.set(`${groupOf(k.apiVersion)}/${k.kind}`, namespaced);
  }
  for (const c of crds) scopes.set(`${c.group}/${c.kind}`, c.namespaced);
  const sorted = (value: boolean) => [...scopes].filter(([, v]) => v === value).map(([k]) => k).sort();
  return { namespaced: sorted(true), cluster: sorted(false), custom: [...new Set(crds.map((c) => `${c.group}/${c.kind}`))].sort() };
}
