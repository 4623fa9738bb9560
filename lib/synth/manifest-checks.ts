import { checkGatewayRoutes } from '../traffic/gateway-routes.js';
import { Finding } from '../validation/finding.js';
import type { SchemaValidator } from '../validation/schema-validator.js';
import { validateManifests } from '../validation/validate-manifests.js';

/** A manifest with its location (construct path at synth) and output path. */
export interface LocatedManifest {
  readonly object: Record<string, any>;
  readonly location: string;
  readonly path: string;
}

/** Options of {@link checkManifests}. */
export interface ManifestCheckOptions {
  /**
   * Validates every object against its upstream schema (core kinds and the pinned CRDs). Loading it takes
   * about a second, so `runSynth` loads it once and passes it in.
   * @default none: schemas are not checked
   */
  readonly validator?: SchemaValidator;
  /**
   * Whether the objects of a platform must carry an explicit Argo CD sync wave: not under Flux, which orders the
   * units by `dependsOn` and is given no Argo CD annotation.
   * @default every platform
   */
  readonly syncWaves?: (platform: string) => boolean;
}

/**
 * Rules checked on the synthesized manifests, the way the cluster and the controllers will see them, per
 * platform and environment (the set one Argo CD sync applies) — the same engine as
 * `cdk8s-delivery validate` (lib/validation/validate-manifests.ts), reporting construct paths:
 * - the upstream schema of every object, when a validator is given;
 * - every object has an explicit integer Argo CD sync wave (argoproj/argo-cd#5086), unless its platform is
 *   delivered by Flux, and hook, delete policy and sync-option values are ones Argo CD knows;
 * - Argo Rollouts' own validation of Rollouts and AnalysisTemplates, including the cross-object
 *   references, which the controller only reports at reconcile time, one error at a time;
 * - KEDA's admission rules for ScaledObjects;
 * - the Pod Security Standards "restricted" profile for every pod template;
 * - no Secret carries inline values.
 * - every HTTPRoute parentRef to a Gateway of the same output attaches to it (name, namespace, listener,
 *   allowed namespaces, hostnames).
 * Warnings (the same rules `validate` calls warnings) are returned apart: a synth prints them and fails on errors only.
 */
export function checkManifests(manifests: readonly LocatedManifest[], options: ManifestCheckOptions = {}): { readonly errors: Finding[]; readonly warnings: Finding[] } {
  const findings: Finding[] = [];
  const warnings: Finding[] = [];
  const groups = new Map<string, LocatedManifest[]>();
  for (const m of manifests) {
    const key = environmentKey(m.path);
    const group = groups.get(key);
    if (group) group.push(m);
    else groups.set(key, [m]);
  }
  for (const group of groups.values()) {
    const set = group.map((m) => ({ object: m.object, location: m.location }));
    const result = validateManifests(set, { schema: options.validator, requireExplicitWave: options.syncWaves?.(group[0]!.path.split('/')[0]!) ?? true, objectSet: false });
    findings.push(...result.errors);
    warnings.push(...result.warnings);
    findings.push(...checkGatewayRoutes(set));
  }
  return { errors: findings, warnings };
}

/** `<platform>/<environment>` of an output path (the whole path when it has fewer parts). */
function environmentKey(path: string): string {
  const first = path.indexOf('/');
  const second = first < 0 ? -1 : path.indexOf('/', first + 1);
  return second < 0 ? path : path.slice(0, second);
}
