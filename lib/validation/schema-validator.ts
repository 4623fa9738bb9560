/**
 * Upstream-schema validation of Kubernetes manifests (plain objects as parsed from YAML), strict like
 * `kubectl apply --validate=strict`: wrong types, missing required fields, bad enum/format values and unknown fields
 * are all findings.
 *
 * - Core kinds (Kubernetes ≥ 1.28): kubernetes-models' generated ajv validators (types, required, enums, formats) plus
 *   a walk along @kubernetes/client-node's generated models (unknown fields). See ./schema/core.ts.
 * - Custom resources: the pinned upstream CRDs (generated into the package's schemas/ at build time, see
 *   ./schema/pinned.ts) plus any the user adds (`crdsDir`), compiled with ajv after translating the
 *   structural-schema extensions. CEL rules (`x-kubernetes-validations`) are not run. See ./schema/crd.ts.
 *   Their `metadata` is checked with the core ObjectMeta schema.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import YAML from 'yaml';
import type { Finding } from './finding.js';
import { type AjvLikeError, type FindingContext, ajvErrorsToFindings, isPlainObject, jsonType, withArticle } from './schema/ajv-findings.js';
import { type CoreKind, UnknownFieldWalker, catalogueModels, lazyCoreKinds } from './schema/core.js';
import { type CrdVersion, CrdPatternError, compileCrdVersion, createCrdAjv, crdAjvSchema, listYamlFiles, loadCrds, pruneNonNullableNulls } from './schema/crd.js';
import { cachedCrdValidator } from './schema/validator-cache.js';
import { kubernetesModelsDir, loadCoreCatalogue, loadPinnedCrds } from './schema/pinned.js';
import { withSchemaDefaults } from './schema/defaults.js';
import { celFindings } from './schema/cel.js';
import { quantityFindings } from './schema/quantity.js';
import { ResourceScopes } from './schema/scopes.js';

export interface SchemaValidatorOptions {
  /**
   * Folder of extra CustomResourceDefinition YAML files (searched recursively), ADDED to the pinned CRDs that ship
   * with the package: CRDs of other controllers, or newer versions of pinned ones. Where a CRD in this folder
   * defines an apiVersion/kind that is also pinned, this folder's schema is used.
   * @default - the pinned CRDs only
   */
  readonly crdsDir?: string;
}

/** How a user adds CRDs, named in the unknown-kind finding. */
const ADD_CRDS_HINT =
  '`--crds <dir>` (cdk8s-delivery validate), the `crds` option (runSynth, SchemaValidator.load({ crdsDir })) or the `crds` property (the cdk8s validation plugin)';

const key = (apiVersion: string, kind: string) => `${apiVersion}|${kind}`;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

export class SchemaValidator {
  /** apiVersions known for each kind, for `schema/api-version` hints. */
  private readonly apiVersionsByKind = new Map<string, string[]>();
  /** API groups with a known schema: a kind of any other group is not checked (a warning), not wrong. */
  private readonly knownGroups = new Set<string>();
  /** CRD validators are compiled on first use: compiling every CRD up front costs seconds. */
  private readonly compiled = new Map<string, ValidateFunction>();

  private constructor(
    private readonly core: ReadonlyMap<string, CoreKind>,
    private readonly crds: ReadonlyMap<string, CrdVersion>,
    /** The ajv instance CRD schemas compile with, created (and ajv loaded) for the first CRD. */
    private readonly ajv: { instance?: Ajv },
    private readonly walker: UnknownFieldWalker,
    private readonly crdsDir: string | undefined,
    /** Which kinds are namespaced: the core kinds, the pinned CRDs and those of `crdsDir`. */
    public readonly scopes: ResourceScopes,
  ) {
    for (const { apiVersion, kind } of [...core.values(), ...crds.values()]) {
      this.apiVersionsByKind.set(kind, [...(this.apiVersionsByKind.get(kind) ?? []), apiVersion]);
      this.knownGroups.add(groupOf(apiVersion));
    }
  }

  /**
   * Loads the core catalogue and the pinned CRDs shipped with the package, plus the CRDs in `crdsDir` if given;
   * CRD schemas are compiled lazily, once per apiVersion/kind.
   */
  static async load(options: SchemaValidatorOptions = {}): Promise<SchemaValidator> {
    const crdsDir = options.crdsDir === undefined ? undefined : path.resolve(options.crdsDir);
    const [catalogue, pinned, extra] = await Promise.all([loadCoreCatalogue(), loadPinnedCrds(), crdsDir === undefined ? [] : loadCrds(crdsDir)]);
    const models = catalogueModels(catalogue);
    const coreKinds = lazyCoreKinds(catalogue, kubernetesModelsDir());
    const crds = new Map(pinned.map((c) => [key(c.apiVersion, c.kind), c]));
    for (const c of extra) crds.set(key(c.apiVersion, c.kind), c); // the user's (newer) CRD wins
    return new SchemaValidator(
      new Map(coreKinds.map((k) => [key(k.apiVersion, k.kind), k])),
      crds,
      {},
      new UnknownFieldWalker(models),
      crdsDir,
      ResourceScopes.pinned().with(extra),
    );
  }

  /** True when a schema for this apiVersion/kind is known (core or CRD). */
  knows(apiVersion: string, kind: string): boolean {
    return this.core.has(key(apiVersion, kind)) || this.crds.has(key(apiVersion, kind));
  }

  /** Validates one manifest. `location` is copied into every Finding. Returns [] when valid. */
  validate(manifest: unknown, location: string): Finding[] {
    if (!isPlainObject(manifest)) {
      return [
        {
          location,
          field: '(root)',
          value: manifest,
          rule: 'schema/type',
          message: `a manifest must be an object but is ${withArticle(jsonType(manifest))}.`,
          fix: 'Write the manifest as a YAML mapping with apiVersion, kind and metadata.',
        },
      ];
    }
    const typeMeta = this.checkTypeMeta(manifest, location);
    if (typeMeta.length > 0) return typeMeta;
    const apiVersion = manifest.apiVersion as string;
    const kind = manifest.kind as string;
    const ctx: FindingContext = { location, schemaLabel: `${kind} (${apiVersion})` };

    const core = this.core.get(key(apiVersion, kind));
    if (core) {
      const findings = core.validate(manifest) ? [] : ajvErrorsToFindings(core.validate.errors ?? [], manifest, ctx);
      this.walker.walk(manifest, core.className, [], ctx, findings);
      findings.push(...checkObjectName(manifest, kind, location));
      return sortByField(findings);
    }

    const crd = this.crds.get(key(apiVersion, kind));
    if (crd) {
      let validateCrd: ValidateFunction;
      try {
        validateCrd = this.compiledFor(crd);
      } catch (error) {
        if (!(error instanceof CrdPatternError)) throw error;
        return [
          {
            location,
            field: '(root)',
            value: error.pattern,
            rule: 'schema/crd-invalid',
            message: `the CRD that defines ${kind} (${apiVersion}), from ${crd.source}, cannot be used: ${error.message}; the API server rejects such a CRD, so no ${kind} can exist.`,
            fix: 'Fix the pattern in the CRD (RE2 syntax: no lookaround, no backreferences, repeat counts up to 1000), or use the CRD as its controller ships it.',
          },
        ];
      }
      const crdCtx: FindingContext = { ...ctx, rootSchema: validateCrd.schema };
      // The API server applies the schema's defaults before it validates (structural schema defaulting).
      const raw = crd.schema();
      const defaulted = raw ? withSchemaDefaults(manifest, raw) : manifest;
      const data = pruneNonNullableNulls(defaulted, validateCrd.schema);
      const findings = validateCrd(data) ? [] : ajvErrorsToFindings((validateCrd.errors ?? []) as AjvLikeError[], data, crdCtx);
      if (isPlainObject(manifest.metadata)) findings.push(...this.checkObjectMeta(manifest.metadata, ctx));
      findings.push(...checkObjectName(manifest, kind, location));
      if (raw) findings.push(...celFindings(defaulted, raw, location));
      findings.push(...quantityFindings(manifest.spec, location, 'spec'));
      return sortByField(findings);
    }

    return [this.unknownKind(apiVersion, kind, location)];
  }

  private checkTypeMeta(manifest: Record<string, unknown>, location: string): Finding[] {
    const findings: Finding[] = [];
    for (const field of ['apiVersion', 'kind'] as const) {
      const value = manifest[field];
      if (typeof value === 'string' && value !== '') continue;
      findings.push({
        location,
        field,
        value,
        rule: value === undefined ? 'schema/required' : 'schema/type',
        message: value === undefined ? `required field "${field}" is missing.` : `${field} must be a non-empty string but is ${value === '' ? 'empty' : withArticle(jsonType(value))}.`,
        fix: `Set ${field} (e.g. ${field === 'kind' ? '"Deployment"' : '"apps/v1"'}) so the object's schema can be found.`,
      });
    }
    return findings;
  }

  private compiledFor(crd: CrdVersion): ValidateFunction {
    const cacheKey = key(crd.apiVersion, crd.kind);
    let validateFn = this.compiled.get(cacheKey);
    if (!validateFn) {
      const ajv = (options: { source: boolean }) => (this.ajv.instance ??= createCrdAjv(options));
      const converted = crdAjvSchema(crd);
      // From the user's cache of compiled validators when the CLI turned it on (./schema/validator-cache.ts).
      validateFn = converted === undefined ? compileCrdVersion(ajv({ source: false }), crd) : cachedCrdValidator(ajv, converted);
      this.compiled.set(cacheKey, validateFn);
    }
    return validateFn;
  }

  /**
   * Custom resources' `metadata` is a bare `type: object` in every CRD; the API server decodes it as ObjectMeta.
   * kubernetes-models does not re-export its ObjectMeta validator (it lives in a transitive package), so it is reached
   * through the core ConfigMap validator, whose other fields are all optional; only `/metadata` errors are kept.
   */
  private checkObjectMeta(metadata: Record<string, unknown>, ctx: FindingContext): Finding[] {
    const configMap = this.core.get(key('v1', 'ConfigMap'));
    if (!configMap) return [];
    const wrapper = { apiVersion: 'v1', kind: 'ConfigMap', metadata };
    const findings = configMap.validate(wrapper)
      ? []
      : ajvErrorsToFindings((configMap.validate.errors ?? []).filter((e) => e.instancePath.startsWith('/metadata')), wrapper, ctx);
    this.walker.walk(metadata, 'V1ObjectMeta', ['metadata'], ctx, findings);
    return findings;
  }

  private unknownKind(apiVersion: string, kind: string, location: string): Finding {
    const known = this.apiVersionsByKind.get(kind);
    const group = groupOf(apiVersion);
    // Kubernetes' own groups ('', apps, extensions, *.k8s.io) are all known: an unknown kind there is a mistake.
    const builtIn = !group.includes('.') || group.endsWith('.k8s.io');
    if (!builtIn && !this.knownGroups.has(group)) {
      return {
        location,
        field: 'kind',
        value: kind,
        rule: 'schema/unpinned-kind',
        message: `is not checked: no schema of API group ${groupOf(apiVersion)} is pinned (neither Kubernetes built-in nor a pinned CRD${this.crdsDir === undefined ? '' : ` nor a CRD in ${this.crdsDir}`}).`,
        fix: `Add the upstream CRD that defines ${apiVersion} ${kind} with ${ADD_CRDS_HINT} to check it.`,
      };
    }
    if (known) {
      const sameGroup = known.filter((v) => groupOf(v) === groupOf(apiVersion));
      const suggestion = (sameGroup.length > 0 ? sameGroup : known)[0]!;
      return {
        location,
        field: 'apiVersion',
        value: apiVersion,
        rule: 'schema/api-version',
        message: `${kind} is not served as ${apiVersion} (known: ${known.join(', ')}).`,
        fix: `Set apiVersion to ${suggestion} and check the spec against that version's schema.`,
      };
    }
    return {
      location,
      field: 'kind',
      value: kind,
      rule: 'schema/unknown-kind',
      message: `no schema is known for ${apiVersion} ${kind}: it is neither a Kubernetes built-in kind nor defined by a pinned CRD${this.crdsDir === undefined ? '' : ` or a CRD in ${this.crdsDir}`}.`,
      fix: `Check the spelling of apiVersion and kind, or add the CRD that defines ${kind} with ${ADD_CRDS_HINT}.`,
    };
  }
}

/** Kinds whose names are DNS-1123 labels (ValidateNamespaceName), DNS-1035 labels (ValidateServiceName) or path segments (RBAC). */
const LABEL_NAMED = new Set(['Namespace']);
const DNS1035_NAMED = new Set(['Service']);
const PATH_SEGMENT_NAMED = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * `metadata.name` as the API server validates it (apimachinery ValidateObjectMeta with the kind's name
 * function): a DNS-1123 subdomain of at most 253 characters for most kinds and every custom resource.
 */
export function checkObjectName(manifest: Record<string, unknown>, kind: string, location: string): Finding[] {
  const meta = isPlainObject(manifest.metadata) ? manifest.metadata : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') return [];
  let problem: string | undefined;
  if (PATH_SEGMENT_NAMED.has(kind)) {
    if (name === '.' || name === '..' || /[/%]/.test(name)) problem = 'may not be "." or ".." and may not contain "/" or "%"';
  } else if (LABEL_NAMED.has(kind)) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) problem = 'must be a DNS-1123 label: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit';
  } else if (DNS1035_NAMED.has(kind)) {
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) problem = 'must be a DNS-1035 label: at most 63 lower-case letters, digits and "-", starting with a letter';
  } else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253) {
    problem = 'must be a DNS-1123 subdomain: lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters';
  }
  if (!problem) return [];
  return [{ location, field: 'metadata.name', value: name, rule: 'schema/name', message: `${problem}; the API server rejects it.`, fix: 'use a lower-case name such as "my-app"' }];
}

function sortByField(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.field.localeCompare(b.field, 'en', { numeric: true }));
}

/**
 * Parses every .yaml/.yml file under dir (recursively, multi-document aware, using the `yaml` package) and validates
 * each document; location = `<relative file path>: <Kind>/<namespace or '-'>/<name>`.
 */
export async function validateDirectory(dir: string, validator?: SchemaValidator): Promise<Finding[]> {
  const schemaValidator = validator ?? (await SchemaValidator.load());
  const files = (await listYamlFiles(dir)).sort();
  const findings: Finding[] = [];
  for (const file of files) {
    const relative = path.relative(dir, file).split(path.sep).join('/');
    const docs = YAML.parseAllDocuments(await fs.readFile(file, 'utf8'));
    for (const [index, doc] of [...docs].entries()) {
      if (doc.errors.length > 0) {
        findings.push({
          location: `${relative}: document ${index + 1}`,
          field: '(root)',
          value: undefined,
          rule: 'schema/yaml',
          message: `cannot parse YAML: ${doc.errors[0]!.message}`,
          fix: 'Fix the YAML syntax at the reported line and column.',
        });
        continue;
      }
      const manifest: unknown = doc.toJS();
      if (manifest === null || manifest === undefined) continue; // empty document, e.g. after a trailing `---`
      const meta = isPlainObject(manifest) && isPlainObject(manifest.metadata) ? manifest.metadata : {};
      const kind = isPlainObject(manifest) && typeof manifest.kind === 'string' ? manifest.kind : '?';
      const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : '-';
      const name = typeof meta.name === 'string' ? meta.name : '?';
      findings.push(...schemaValidator.validate(manifest, `${relative}: ${kind}/${namespace}/${name}`));
    }
  }
  return findings;
}
