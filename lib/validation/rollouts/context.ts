import type { Finding } from '../finding.js';
import { FindingSink, type Manifest, nameOf, namespaceOf, sameNamespace } from '../manifest.js';

/** Shared pieces of the Rollout rules: constants, the index of referenced objects, the context of one Rollout. */

/** The only plugin key under which the Gateway API traffic router is found (plugin `PluginName`). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** Traffic router plugins this platform registers in `argo-rollouts-config` (`trafficRouterPlugins`). */
export const KNOWN_TRAFFIC_ROUTER_PLUGINS: ReadonlySet<string> = new Set([GATEWAY_API_PLUGIN]);

/** Step kinds of the v1.9.1 CanaryStep type; a step must set exactly one. */
export const STEP_ACTIONS = [
  'setWeight',
  'pause',
  'analysis',
  'experiment',
  'setCanaryScale',
  'setHeaderRoute',
  'setMirrorRoute',
  'plugin',
] as const;

/** Label every Rollout adds to its pods and Service selectors; exempt from selector checks. */
export const POD_TEMPLATE_HASH = 'rollouts-pod-template-hash';

/** Annotation the controller writes on Services it manages (serviceutil.HasManagedByAnnotation). */
export const MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by';

export const CANARY = 'spec.strategy.canary';
export const BLUE_GREEN = 'spec.strategy.blueGreen';
export const TRAFFIC_ROUTING = `${CANARY}.trafficRouting`;

/** The objects of the set that Rollouts refer to, by metadata.name (in set order), so a lookup is not a scan. */
export interface ManifestIndex {
  readonly services: ByName;
  readonly analysisTemplates: ByName;
  readonly clusterAnalysisTemplates: ByName;
  readonly httpRoutes: ByName;
  readonly ingresses: ByName;
  /** The Rollouts referencing each Service name (each Rollout once, in set order). */
  readonly rolloutsByService: ByName;
  /** The findings of `checkAnalysisTemplate` for a template of the set (computed once per template). */
  readonly templateFindings: (template: Manifest) => readonly Finding[];
}

export type ByName = ReadonlyMap<unknown, readonly Manifest[]>;

export function byName(manifests: readonly Manifest[]): Map<unknown, Manifest[]> {
  const map = new Map<unknown, Manifest[]>();
  for (const m of manifests) {
    const name = nameOf(m.object);
    const list = map.get(name);
    if (list) list.push(m);
    else map.set(name, [m]);
  }
  return map;
}

/** The first object named `name` whose namespace matches (the semantics of the scans this replaces). */
export function lookup(index: ByName, name: unknown, namespace: string | undefined): Manifest | undefined {
  return index.get(name)?.find((m) => sameNamespace(namespaceOf(m.object), namespace));
}

/** Everything one rule needs about the Rollout under check. */
export interface RolloutContext {
  readonly manifest: Manifest;
  readonly name: string;
  readonly namespace: string | undefined;
  readonly spec: Record<string, any>;
  readonly index: ManifestIndex;
  readonly sink: FindingSink;
}

/** True for a non-empty string (a name that can be looked up). */
export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
