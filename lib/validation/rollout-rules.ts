import { ANALYSIS_WARNING_RULES, checkAnalysisTemplate } from './analysis-rules.js';
import { type Finding } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, nameOf, namespaceOf } from './manifest.js';
import { type ManifestIndex, type RolloutContext, byName } from './rollouts/context.js';
import { checkSpec } from './rollouts/spec-rules.js';
import { checkStrategy } from './rollouts/strategy-rules.js';
import { checkIngresses, checkServices, referencedServices } from './rollouts/service-rules.js';
import { checkAnalyses } from './rollouts/analysis-reference-rules.js';

/**
 * Offline equivalents of the checks the Argo Rollouts v1.9.1 controller runs at reconcile time.
 *
 * There is no admission webhook: a Rollout that passes the CRD schema is stored, then the controller
 * marks it InvalidSpec and reports only the first error (rollout/controller.go getRolloutValidationErrors).
 * These rules report every problem at once. Each rule cites the upstream function it mirrors:
 * `pkg/apis/rollouts/validation/validation.go` (spec), `validation_references.go` (referenced objects),
 * `rollout/controller.go` (how referenced objects are looked up) and `utils/analysis` (AnalysisRuns).
 * Rules marked "policy" go beyond upstream because the upstream behaviour is a known trap.
 *
 * Field paths are the real ones (`spec.strategy.canary.steps[1]`); upstream's own messages omit
 * `canary.` because it passes `spec.strategy` as the parent path.
 */

/** Rule ids whose findings are warnings: the object is accepted but behaves in a way to avoid. */
export const WARNING_RULES: ReadonlySet<string> = new Set(['rollout/indefinite-pause', ...ANALYSIS_WARNING_RULES]);


/** Options of {@link checkRollouts}. */
export interface RolloutCheckOptions {
  /**
   * The findings of `checkAnalysisTemplate` for a template of the set, when the caller has them already
   * (`validateManifests` checks every template on its own first).
   * @default computed here, once per template
   */
  readonly templateFindings?: (template: Manifest) => readonly Finding[];
}

/** `check` computed once per template of one call. */
function memoized(check: (template: Manifest) => Finding[]): (template: Manifest) => readonly Finding[] {
  const done = new Map<Manifest, Finding[]>();
  return (template) => {
    let findings = done.get(template);
    if (findings === undefined) done.set(template, (findings = check(template)));
    return findings;
  };
}

/**
 * Checks every `argoproj.io` Rollout in `manifests`, using the other objects of the set (Services,
 * AnalysisTemplates, ClusterAnalysisTemplates, HTTPRoutes, Ingresses) for reference checks.
 * Findings whose rule is in {@link WARNING_RULES} are warnings.
 */
export function checkRollouts(manifests: readonly Manifest[], options: RolloutCheckOptions = {}): Finding[] {
  const of = (group: string, kind: string) => manifests.filter((m) => isKind(m.object, group, kind));
  const rollouts = of('argoproj.io', 'Rollout');
  const rolloutsByService = new Map<unknown, Manifest[]>();
  for (const r of rollouts) {
    for (const ref of referencedServices(isRecord(r.object.spec) ? r.object.spec : {})) {
      const list = rolloutsByService.get(ref.name);
      if (!list) rolloutsByService.set(ref.name, [r]);
      else if (list[list.length - 1] !== r) list.push(r);
    }
  }
  const index: ManifestIndex = {
    services: byName(of('', 'Service')),
    analysisTemplates: byName(of('argoproj.io', 'AnalysisTemplate')),
    clusterAnalysisTemplates: byName(of('argoproj.io', 'ClusterAnalysisTemplate')),
    httpRoutes: byName(of('gateway.networking.k8s.io', 'HTTPRoute')),
    ingresses: byName([...of('networking.k8s.io', 'Ingress'), ...of('extensions', 'Ingress')]),
    rolloutsByService,
    templateFindings: options.templateFindings ?? memoized(checkAnalysisTemplate),
  };
  return rollouts.flatMap((manifest) => {
    const ctx: RolloutContext = {
      manifest,
      name: nameOf(manifest.object),
      namespace: namespaceOf(manifest.object),
      spec: isRecord(manifest.object.spec) ? manifest.object.spec : {},
      index,
      sink: new FindingSink(manifest.location),
    };
    checkSpec(ctx);
    checkStrategy(ctx);
    checkServices(ctx);
    checkIngresses(ctx);
    checkAnalyses(ctx);
    return ctx.sink.findings;
  });
}
