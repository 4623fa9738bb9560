import type { Finding } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, nameOf, namespaceOf, sameNamespace } from './manifest.js';

/**
 * Argo Rollouts' rules for Experiments (v1.9.1 utils/conditions/experiments.go VerifyExperimentSpec, which sets
 * InvalidSpec; experiments/experiment.go, which creates one ReplicaSet per template and one AnalysisRun per
 * analysis):
 * - every template has a name, unique within the Experiment, and a non-empty selector;
 * - a template's minReadySeconds is not longer than progressDeadlineSeconds (default 600);
 * - a template's pod spec has containers (otherwise the ReplicaSet is rejected and the Experiment errors);
 * - every analysis names an AnalysisTemplate (or, with clusterScope, a ClusterAnalysisTemplate) that exists.
 */
export function checkExperiments(manifests: readonly Manifest[]): Finding[] {
  const templates = manifests.filter((m) => isKind(m.object, 'argoproj.io', 'AnalysisTemplate'));
  const clusterTemplates = new Set(manifests.filter((m) => isKind(m.object, 'argoproj.io', 'ClusterAnalysisTemplate')).map((m) => nameOf(m.object)));
  const out: Finding[] = [];
  for (const m of manifests) {
    if (!isKind(m.object, 'argoproj.io', 'Experiment')) continue;
    const sink = new FindingSink(m.location);
    const spec = isRecord(m.object.spec) ? m.object.spec : {};
    const deadline = typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600;
    const names = new Set<string>();
    (Array.isArray(spec.templates) ? spec.templates : []).forEach((t: any, i: number) => {
      const path = `spec.templates[${i}]`;
      if (!isRecord(t)) return;
      if (!isRecord(t.selector)) sink.add(`${path}.selector`, t.selector, 'experiment/selector', `template ${i} has no selector; the controller marks the Experiment InvalidSpec.`, 'Set the selector to the template\'s labels.');
      else if (Object.keys(t.selector.matchLabels ?? {}).length + (t.selector.matchExpressions ?? []).length === 0) sink.add(`${path}.selector`, t.selector, 'experiment/selector', `template ${i} selects all pods; a non-empty selector is required.`, 'Set selector.matchLabels to the template\'s labels.');
      if (typeof t.minReadySeconds === 'number' && t.minReadySeconds > deadline) sink.add(`${path}.minReadySeconds`, t.minReadySeconds, 'experiment/min-ready', `minReadySeconds is longer than progressDeadlineSeconds (${deadline}).`, 'Lower minReadySeconds or raise spec.progressDeadlineSeconds.');
      if (typeof t.name !== 'string' || t.name === '') sink.add(`${path}.name`, t.name, 'experiment/template-name', `template ${i} has no name.`, 'Give every template a name.');
      else if (names.has(t.name)) sink.add(`${path}.name`, t.name, 'experiment/template-name', `template name "${t.name}" is repeated.`, 'Give every template a unique name.');
      else names.add(t.name);
      const containers = t.template?.spec?.containers;
      if (!Array.isArray(containers) || containers.length === 0) sink.add(`${path}.template.spec.containers`, containers, 'experiment/template-containers', `template ${i} has no containers: the ReplicaSet the Experiment creates for it is rejected.`, 'Give the template a pod spec with at least one container.');
    });
    (Array.isArray(spec.analyses) ? spec.analyses : []).forEach((a: any, i: number) => {
      if (!isRecord(a) || typeof a.templateName !== 'string') return;
      const found = a.clusterScope === true
        ? clusterTemplates.has(a.templateName)
        : templates.some((t) => nameOf(t.object) === a.templateName && sameNamespace(namespaceOf(t.object), namespaceOf(m.object)));
      if (!found) sink.add(`spec.analyses[${i}].templateName`, a.templateName, 'experiment/analysis-template-not-found', `${a.clusterScope === true ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate'} "${a.templateName}" is not in the manifest set: the Experiment's AnalysisRun cannot start and the Experiment errors.`, 'Add the AnalysisTemplate, or fix the name.');
    });
    out.push(...sink.findings);
  }
  return out;
}
