import { renderValue } from '../finding.js';
import { isRecord, isSet } from '../manifest.js';
import { type RolloutContext } from './context.js';

/** Rollout spec rules: template, selector, replicas and deadlines (validation.go ValidateRolloutSpec). */

// Spec (validation.go ValidateRolloutSpec)

export function checkSpec(ctx: RolloutContext): void {
  const { spec, sink } = ctx;
  // ValidateRolloutSpec: apivalidation.ValidateNonnegativeField (the CRD sets no minimum)
  for (const key of ['replicas', 'minReadySeconds', 'revisionHistoryLimit', 'progressDeadlineSeconds']) {
    if (typeof spec[key] === 'number' && spec[key] < 0) {
      sink.add(
        `spec.${key}`,
        spec[key],
        'rollout/negative-value',
        `spec.${key} is ${renderValue(spec[key])}; it must be 0 or more.`,
        `Set spec.${key} to a non-negative number, or remove it to use the default.`,
      );
    }
  }

  // Policy (argo-rollouts #3825, #4110, #4935: workloadRef breaks with HPA/KEDA). Upstream
  // ValidateRolloutSpec also rejects workloadRef together with a template.
  if (isSet(spec.workloadRef)) {
    sink.add(
      'spec.workloadRef',
      spec.workloadRef,
      'rollout/workload-ref',
      `spec.workloadRef ${renderValue(spec.workloadRef)} is used; workload references break with HPA and KEDA scaling.`,
      'Remove spec.workloadRef and put the pod template inline under spec.template.',
    );
  }

  // ValidateRolloutSpec: "template must be empty for workload reference rollout"; with a workloadRef the
  // template comes from the referenced workload and is not validated here.
  const template = spec.template;
  const containers = isRecord(template) && isRecord(template.spec) ? template.spec.containers : undefined;
  if (isSet(spec.workloadRef)) {
    if (isRecord(template) && Object.keys(template).some((k) => isRecord(template[k]) ? Object.keys(template[k]).length > 0 : isSet(template[k]))) {
      sink.add('spec.template', template, 'rollout/workload-ref-template', `spec.template ${renderValue(template)} is set together with spec.workloadRef; the template must be empty for a workload reference rollout.`, 'Remove spec.template, or remove spec.workloadRef.');
    }
    return checkDeadlines(ctx);
  }
  // ValidateRolloutSpec -> ValidatePodTemplateSpecForReplicaSet: a template with at least one container.
  if (!Array.isArray(containers) || containers.length === 0) {
    sink.add(
      'spec.template',
      template,
      'rollout/missing-template',
      `spec.template ${renderValue(template)} has no containers, so no ReplicaSet can be created.`,
      'Define spec.template with metadata.labels and at least one container under spec.template.spec.containers.',
    );
  }

  // ValidateRolloutSpec: selector required and non-empty unless workloadRef supplies it.
  const selector = spec.selector;
  const matchLabels = isRecord(selector?.matchLabels) ? selector.matchLabels : {};
  const expressions: unknown[] = Array.isArray(selector?.matchExpressions) ? selector.matchExpressions : [];
  if (!isSet(spec.workloadRef) && Object.keys(matchLabels).length + expressions.length === 0) {
    sink.add(
      'spec.selector',
      selector,
      'rollout/missing-selector',
      `spec.selector ${renderValue(selector)} is missing or empty; an empty selector is invalid.`,
      'Set spec.selector.matchLabels to the labels of spec.template.metadata.labels that identify this workload.',
    );
  } else if (isRecord(template)) {
    // ValidatePodTemplateSpecForReplicaSet: "`selector` does not match template `labels`"
    const labels = isRecord(template.metadata?.labels) ? template.metadata.labels : {};
    const unmatched = unmatchedSelectorTerms(matchLabels, expressions, labels);
    if (unmatched.length > 0) {
      sink.add(
        'spec.template.metadata.labels',
        template.metadata?.labels,
        'rollout/selector-mismatch',
        `spec.selector does not match the template labels ${renderValue(template.metadata?.labels)}: ${unmatched.join('; ')}.`,
        'Add every spec.selector.matchLabels entry (same key, same value) to spec.template.metadata.labels.',
      );
    }
  }

  checkDeadlines(ctx);
}

function checkDeadlines(ctx: RolloutContext): void {
  const { spec, sink } = ctx;
  // ValidateRolloutSpec: "must be greater than minReadySeconds" (defaults 600 and 0)
  const deadline = typeof spec.progressDeadlineSeconds === 'number' ? spec.progressDeadlineSeconds : 600;
  const minReady = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0;
  if (deadline <= minReady) {
    sink.add(
      'spec.progressDeadlineSeconds',
      deadline,
      'rollout/progress-deadline',
      `progressDeadlineSeconds ${renderValue(deadline)} is not greater than minReadySeconds ${renderValue(minReady)}.`,
      `Set spec.progressDeadlineSeconds above ${minReady} (default 600), or lower spec.minReadySeconds.`,
    );
  }
}

export function unmatchedSelectorTerms(matchLabels: Record<string, any>, expressions: unknown[], labels: Record<string, any>): string[] {
  const unmatched: string[] = [];
  for (const [key, value] of Object.entries(matchLabels)) {
    if (labels[key] !== value) unmatched.push(`${key}=${value} (template has ${renderValue(labels[key])})`);
  }
  for (const expression of expressions) {
    if (!isRecord(expression)) continue;
    const values: unknown[] = Array.isArray(expression.values) ? expression.values : [];
    const has = Object.hasOwn(labels, expression.key);
    const ok =
      expression.operator === 'In' ? has && values.includes(labels[expression.key])
      : expression.operator === 'NotIn' ? !has || !values.includes(labels[expression.key])
      : expression.operator === 'Exists' ? has
      : expression.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) unmatched.push(`${expression.key} ${expression.operator} ${renderValue(values)}`);
  }
  return unmatched;
}
