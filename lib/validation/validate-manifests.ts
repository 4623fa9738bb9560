import path from 'node:path';
import { ANALYSIS_WARNING_RULES, checkAnalysisTemplate } from './analysis-rules.js';
import { ARGOCD_WARNING_RULES, checkArgoCdAnnotations } from './argocd-rules.js';
import type { Finding } from './finding.js';
import { checkKeda, KEDA_WARNING_RULES } from './keda-rules.js';
import { type Manifest, isKind, isRecord } from './manifest.js';
import { type ManifestSource, readManifestFiles } from './manifest-files.js';
import { checkApiServerLimits } from './api-limits.js';
import { checkPodSecurityStandards, type PodSecurityLevel } from './pod-security-rules.js';
import { checkRollouts, WARNING_RULES as ROLLOUT_WARNING_RULES } from './rollout-rules.js';
import type { SchemaValidator } from './schema-validator.js';
import { checkInlineSecrets } from './secret-rules.js';
import { categoryOf } from './categories.js';
import { checkExperiments } from './experiment-rules.js';
import { checkApplicationProjects, checkDuplicateObjects, OBJECT_SET_WARNING_RULES } from './object-set-rules.js';
import { readGitOpsTree } from './gitops-tree.js';

export type { ManifestSource };

/** Rule ids whose findings are warnings; every other finding is an error. */
export const WARNING_RULE_IDS: ReadonlySet<string> = new Set([...ROLLOUT_WARNING_RULES, ...ANALYSIS_WARNING_RULES, ...KEDA_WARNING_RULES, ...ARGOCD_WARNING_RULES, ...OBJECT_SET_WARNING_RULES, 'schema/unpinned-kind']);

/** Options of {@link validateManifests}. */
export interface ValidateManifestsOptions {
  /** Validates every object against its upstream schema. @default none: schemas are not checked */
  readonly schema?: SchemaValidator;
  /** The Pod Security Standards profile every pod template must meet. @default 'restricted' */
  readonly podSecurityLevel?: PodSecurityLevel;
  /**
   * Which policy findings to report (see ./categories.ts): `restricted` or `baseline` (the Pod Security profile
   * they apply, overriding `podSecurityLevel`), or `none`: validity only (schema and controller rules).
   * @default 'restricted'
   */
  readonly policy?: ValidationPolicy;
  /**
   * Check every Argo CD Application against the AppProjects in the set (synth checks a whole tree with
   * lib/gitops/argocd/tree-checks.ts instead).
   * @default true
   */
  readonly projects?: boolean;
  /** Every object must carry an Argo CD sync wave. @default false */
  readonly requireExplicitWave?: boolean;
  /**
   * Check the set as a whole: no object twice in one cluster, Applications allowed by their AppProjects (the synth
   * runs these on the whole tree of a platform instead, lib/synth/synthesizer.ts).
   * @default true
   */
  readonly objectSet?: boolean;
}

/** How much of our policy `validateManifests` applies on top of validity. */
export type ValidationPolicy = 'restricted' | 'baseline' | 'none';

/** Every {@link ValidationPolicy}, strictest first. */
export const VALIDATION_POLICIES: readonly ValidationPolicy[] = ['restricted', 'baseline', 'none'];

/** Findings split by severity. */
export interface ValidationResult {
  /** Findings that make the manifests wrong: a validation fails on any. */
  readonly errors: readonly Finding[];
  /** Findings about accepted but risky settings. */
  readonly warnings: readonly Finding[];
}

/**
 * Validates a set of manifests the way the cluster and its controllers would see them: the upstream
 * schema of each object (when a schema validator is given), the Argo Rollouts controller's rules for
 * Rollouts and AnalysisTemplates, KEDA's admission rules, Argo CD annotation values, the Pod Security
 * Standards profile of every pod template, and no inline Secret data.
 *
 * Cross-object references (a Rollout's Services and templates, a ScaledObject's target) are resolved
 * across the whole set within a namespace; an object without `metadata.namespace` is applied to the
 * GitOps destination's namespace and so matches any. Pass one cluster's manifests at a time.
 * Findings come out in the order of `manifests`.
 */
export function validateManifests(manifests: readonly Manifest[], options: ValidateManifestsOptions = {}): ValidationResult {
  const policy = options.policy ?? 'restricted';
  const findings: Finding[] = [];
  // Each template's findings, for the Rollouts that reference it (checkRollouts reports them there too).
  const templateFindings = new Map<Manifest, Finding[]>();
  for (const m of manifests) {
    if (options.schema) findings.push(...options.schema.validate(m.object, m.location));
    if (!isRecord(m.object)) continue;
    findings.push(...checkApiServerLimits(m));
    findings.push(...checkArgoCdAnnotations(m, { requireExplicitWave: options.requireExplicitWave }));
    if (policy !== 'none') findings.push(...checkPodSecurityStandards(m, policy === 'baseline' ? 'baseline' : options.podSecurityLevel ?? 'restricted'));
    if (isKind(m.object, 'argoproj.io', 'AnalysisTemplate') || isKind(m.object, 'argoproj.io', 'ClusterAnalysisTemplate')) {
      const found = checkAnalysisTemplate(m);
      templateFindings.set(m, found);
      findings.push(...found);
    }
  }
  const objects = manifests.filter((m) => isRecord(m.object));
  const tree = readGitOpsTree(objects);
  findings.push(...checkExperiments(objects), ...checkRollouts(objects, { templateFindings: (t) => templateFindings.get(t) ?? checkAnalysisTemplate(t) }), ...checkKeda(objects), ...checkInlineSecrets(objects));
  if (options.objectSet ?? true) findings.push(...checkDuplicateObjects(objects, { tree, scopes: options.schema?.scopes }), ...(options.projects ?? true ? checkApplicationProjects(objects, { tree }) : []));
  if (policy === 'none') {
    const kept = findings.filter((f) => categoryOf(f.rule) !== 'policy');
    findings.length = 0;
    findings.push(...kept);
  }

  const order = new Map<string, number>();
  manifests.forEach((m, i) => { if (!order.has(m.location)) order.set(m.location, i); });
  const sorted = findings.map((f, i) => ({ f, i })).sort((a, b) => (order.get(a.f.location) ?? 0) - (order.get(b.f.location) ?? 0) || a.i - b.i).map((x) => x.f);
  return { errors: sorted.filter((f) => !WARNING_RULE_IDS.has(f.rule)), warnings: sorted.filter((f) => WARNING_RULE_IDS.has(f.rule)) };
}

/** Manifests read from files. */
export interface LoadedManifests {
  /** Every object, in file order then document order; `location` is `<file>: <Kind>/<namespace>/<name>`. */
  readonly manifests: readonly Manifest[];
  /** The source of each manifest, by location. */
  readonly sources: ReadonlyMap<string, ManifestSource>;
  /** The files read. */
  readonly files: readonly string[];
  /** Files (or documents) that could not be read or parsed; the others were loaded. @default none */
  readonly unreadable?: readonly { readonly location: string; readonly message: string }[];
}

/** Input that cannot be checked at all: a missing path, an unreadable file, YAML that does not parse. */
export class ManifestInputError extends Error {
  constructor(public readonly problems: readonly { readonly location: string; readonly message: string }[]) {
    super(problems.map((p) => `${p.location}: ${p.message}`).join('\n'));
    this.name = 'ManifestInputError';
  }
}

/**
 * Reads every manifest file under `target` (a directory, recursively and following symbolic links, or
 * one file): `.yaml`, `.yml` and `.json`, as Argo CD does; every YAML document of each, `kind: List`
 * unpacked (see manifest-files.ts). Empty documents are skipped. Throws a {@link ManifestInputError}
 * only when nothing could be read or there is nothing to check; otherwise unreadable files and parse errors (with
 * line and column) are listed in `unreadable`, and the other files are still checked.
 */
export async function loadManifests(target: string): Promise<LoadedManifests> {
  const { manifests, sources, files, problems } = await readManifestFiles(target);
  // One unparsable file does not hide the findings of the others: it is reported with them.
  if (problems.length > 0 && manifests.length === 0) throw new ManifestInputError(problems);
  if (manifests.length === 0) throw new ManifestInputError([{ location: target.split(path.sep).join('/'), message: files.length === 0 ? 'has no .yaml, .yml or .json files' : 'holds no Kubernetes objects (every document is empty)' }]);
  return { manifests, sources, files, ...(problems.length > 0 ? { unreadable: problems } : {}) };
}
