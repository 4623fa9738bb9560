import { readFile } from 'node:fs/promises';
import type { Validation, ValidationContext, ValidationViolatingResource } from 'cdk8s-cli/plugins';
import YAML from 'yaml';
import { type Finding, renderValue } from '../validation/finding.js';
import { type Manifest, isRecord } from '../validation/manifest.js';
import type { PodSecurityLevel } from '../validation/pod-security-rules.js';
import { SchemaValidator } from '../validation/schema-validator.js';
import { VALIDATION_POLICIES, type ValidationPolicy, validateManifests } from '../validation/validate-manifests.js';
import { sourceOf } from './cdk8s-output.js';

/** `properties` of the plugin's entry in cdk8s.yaml `validations:`. */
export interface DeliveryValidationProperties {
  /**
   * Folder of extra CustomResourceDefinition YAML files, relative to the project, ADDED to the pinned CRDs that
   * ship with cdk8s-delivery (where both define an apiVersion/kind, this folder's schema is used).
   * @default - the pinned CRDs only
   */
  readonly crds?: string;
  /**
   * Which policy findings to report, as `cdk8s-delivery validate --policy`: `restricted` (Pod Security
   * "restricted", resources, no inline Secrets, our rollout policies), `baseline` (the same with Pod Security
   * "baseline"), or `none` (validity only: upstream schemas and the controllers' rules).
   * @default 'restricted'
   */
  readonly policy?: ValidationPolicy;
  /**
   * The Pod Security Standards profile pod templates must meet, where `policy` is `restricted`.
   * @default 'restricted'
   */
  readonly podSecurityLevel?: PodSecurityLevel;
}

/** The properties the plugin reads, with the values each accepts (undefined: any string, a path). */
const PROPERTIES: Readonly<Record<keyof DeliveryValidationProperties, readonly string[] | undefined>> = {
  crds: undefined,
  policy: VALIDATION_POLICIES,
  podSecurityLevel: ['restricted', 'baseline'],
};

/** Rule of the violation reported when the plugin itself cannot run (unreadable output, bad properties). */
const PLUGIN_ERROR = 'cdk8s-delivery/plugin-error';

/**
 * The cdk8s-delivery manifest validation as a cdk8s validation plugin, so `cdk8s synth` users (of this
 * library or any cdk8s app) get it the ecosystem's way: cdk8s-cli calls `validate(context)` after the
 * app wrote its manifests, and prints the report. Same engine as `cdk8s-delivery validate`: upstream
 * schemas, Argo Rollouts, KEDA and Argo CD rules, Pod Security "restricted", no inline Secrets.
 *
 * Registered in cdk8s.yaml; cdk8s-cli `require()`s it: in a project that installed cdk8s-delivery, the package's
 * CommonJS build (in this repository, lib/plugin/index.cjs loads this module through tsx):
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-delivery/build/cjs/plugin.cjs
 *     version: 0.1.0
 *     class: DeliveryValidation
 *     properties: { crds: ./crds, policy: restricted }   # optional: extra CRDs; restricted, baseline or none
 * ```
 * One violation per rule (warnings as `<rule> (warning)`), each occurrence with its object, field,
 * value and message; the report fails on errors only. Construct paths come from cdk8s-cli's construct
 * metadata: keyed by the `# Source:` path that runSynth writes above each document, else by
 * `metadata.name` as cdk8s itself keys them.
 */
export class DeliveryValidation implements Validation {
  constructor(private readonly properties: DeliveryValidationProperties = {}) {}

  async validate(context: ValidationContext): Promise<void> {
    try {
      await this.run(context);
    } catch (error) {
      // cdk8s-cli would print our stack trace; a failed report with one line says the same.
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
      context.report.addViolation({ ruleName: PLUGIN_ERROR, recommendation: message, fix: 'fix the input named in the message and synth again', violatingResources: [] });
      context.report.submit('failure');
    }
  }

  private async run(context: ValidationContext): Promise<void> {
    checkProperties(this.properties);
    const schema = await SchemaValidator.load({ crdsDir: this.properties.crds });
    const manifests: Manifest[] = [];
    const resources = new Map<string, { readonly resourceName: string; readonly manifestPath: string }>();
    for (const file of context.manifests) {
      YAML.parseAllDocuments(await readFile(file, 'utf8')).forEach((doc, index) => {
        if (doc.errors.length > 0) throw new Error(`${file}: document ${index + 1} does not parse: ${doc.errors[0]!.message}`);
        const object = doc.toJS();
        if (object === null || object === undefined) return;
        const meta = isRecord(object) && isRecord(object.metadata) ? object.metadata : {};
        const name = typeof meta.name === 'string' ? meta.name : '?';
        const id = `${isRecord(object) ? object.kind ?? '?' : '?'}/${typeof meta.namespace === 'string' ? meta.namespace : '-'}/${name}`;
        const location = resources.has(id) ? `${id} (${file} #${index + 1})` : id;
        const source = sourceOf(doc);
        // The GitOps tree reads folders from file paths: the `# Source:` path below dist/ where runSynth wrote one.
        manifests.push({ object, location, file: source ?? file });
        resources.set(location, { resourceName: source !== undefined && context.metadata[source] ? source : name, manifestPath: file });
      });
    }
    const { errors, warnings } = validateManifests(manifests, { schema, policy: this.properties.policy, podSecurityLevel: this.properties.podSecurityLevel });
    report(context, errors, '', resources);
    report(context, warnings, ' (warning)', resources);
    context.report.submit(errors.length > 0 ? 'failure' : 'success', { objects: String(manifests.length), errors: String(errors.length), warnings: String(warnings.length) });
  }
}

/** Every problem of the cdk8s.yaml `properties` at once, in one line. */
function checkProperties(properties: DeliveryValidationProperties): void {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(properties as Readonly<Record<string, unknown>>)) {
    if (!Object.hasOwn(PROPERTIES, key)) {
      problems.push(`unknown property ${key} (known: ${Object.keys(PROPERTIES).join(', ')})`);
      continue;
    }
    const allowed = PROPERTIES[key as keyof DeliveryValidationProperties];
    if (typeof value !== 'string') problems.push(`${key} must be a string, not ${JSON.stringify(value)}`);
    else if (allowed && !allowed.includes(value)) problems.push(`${key} must be one of ${allowed.join(', ')}, not "${value}"`);
  }
  // validateManifests reads podSecurityLevel only under policy restricted: anything else would be ignored silently.
  if (properties.podSecurityLevel !== undefined && (properties.policy === 'baseline' || properties.policy === 'none')) {
    problems.push(`podSecurityLevel applies only with policy restricted, not with policy "${properties.policy}" (remove podSecurityLevel; policy baseline is Pod Security "baseline")`);
  }
  if (problems.length > 0) throw new Error(`cdk8s.yaml validations properties: ${problems.join('; ')}`);
}

/** One violation per rule and fix, with one violating resource per object and one location per finding. */
function report(context: ValidationContext, findings: readonly Finding[], suffix: string, resources: ReadonlyMap<string, { resourceName: string; manifestPath: string }>): void {
  const byRule = new Map<string, Finding[]>();
  for (const f of findings) byRule.set(`${f.rule}\u0000${f.fix}`, [...(byRule.get(`${f.rule}\u0000${f.fix}`) ?? []), f]);
  for (const group of byRule.values()) {
    const byObject = new Map<string, ValidationViolatingResource>();
    for (const f of group) {
      const resource = resources.get(f.location) ?? { resourceName: f.location, manifestPath: '?' };
      const entry = byObject.get(f.location) ?? { ...resource, locations: [] };
      byObject.set(f.location, { ...entry, locations: [...entry.locations, `${f.location}: ${f.field} = ${renderValue(f.value)}: ${f.message}`] });
    }
    const messages = new Set(group.map((f) => f.message));
    context.report.addViolation({
      ruleName: `${group[0]!.rule}${suffix}`,
      recommendation: messages.size === 1 ? group[0]!.message : `${group.length} findings; each location says what is wrong`,
      fix: group[0]!.fix,
      violatingResources: [...byObject.values()],
    });
  }
}
