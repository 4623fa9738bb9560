import { ANALYSIS_WARNING_RULES } from '../analysis-rules.js';
import { renderValue } from '../finding.js';
import { type Manifest, intOrStringValue, isRecord, isSet, nameOf } from '../manifest.js';
import { BLUE_GREEN, CANARY, type RolloutContext, lookup } from './context.js';

/** Referenced AnalysisTemplates: existence, unique metrics, args, termination (validation_references.go, utils/analysis). */

// Referenced analysis (controller.go getReferencedRolloutAnalyses, validation_references.go
// ValidateAnalysisTemplatesWithType, utils/analysis helpers.go NewAnalysisRunFromTemplates)

export type AnalysisType = 'PrePromotion' | 'PostPromotion' | 'Inline' | 'Background';

export function referencedAnalyses(spec: Record<string, any>): Array<{ type: AnalysisType; path: string; analysis: Record<string, any> }> {
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const refs: Array<{ type: AnalysisType; path: string; analysis: Record<string, any> }> = [];
  if (isRecord(strategy.blueGreen)) {
    const bg = strategy.blueGreen;
    if (isRecord(bg.prePromotionAnalysis)) refs.push({ type: 'PrePromotion', path: `${BLUE_GREEN}.prePromotionAnalysis`, analysis: bg.prePromotionAnalysis });
    if (isRecord(bg.postPromotionAnalysis)) refs.push({ type: 'PostPromotion', path: `${BLUE_GREEN}.postPromotionAnalysis`, analysis: bg.postPromotionAnalysis });
  } else if (isRecord(strategy.canary)) {
    const steps: unknown[] = Array.isArray(strategy.canary.steps) ? strategy.canary.steps : [];
    steps.forEach((step: any, i) => {
      if (isRecord(step?.analysis)) refs.push({ type: 'Inline', path: `${CANARY}.steps[${i}].analysis`, analysis: step.analysis });
    });
    if (isRecord(strategy.canary.analysis)) refs.push({ type: 'Background', path: `${CANARY}.analysis`, analysis: strategy.canary.analysis });
  }
  return refs;
}

export function checkAnalyses(ctx: RolloutContext): void {
  for (const ref of referencedAnalyses(ctx.spec)) checkAnalysis(ctx, ref.type, ref.path, ref.analysis);
}

export function checkAnalysis(ctx: RolloutContext, type: AnalysisType, path: string, analysis: Record<string, any>): void {
  const { sink } = ctx;
  const templateRefs: unknown[] = Array.isArray(analysis.templates) ? analysis.templates : [];
  if (templateRefs.length === 0) {
    sink.add(
      `${path}.templates`,
      analysis.templates,
      'rollout/analysis-template-not-found',
      `The analysis lists no templates (${renderValue(analysis.templates)}); its AnalysisRun has no metrics and ends in Error.`,
      'List at least one AnalysisTemplate under templates (templateName, plus clusterScope: true for a ClusterAnalysisTemplate).',
    );
    return;
  }

  // controller.go getReferencedAnalysisTemplates: "AnalysisTemplate '%s' not found"
  const templates: Array<{ manifest: Manifest; field: string }> = [];
  templateRefs.forEach((ref: any, j) => {
    const name = ref?.templateName;
    const cluster = ref?.clusterScope === true;
    const found = cluster
      ? ctx.index.clusterAnalysisTemplates.get(name)?.[0]
      : lookup(ctx.index.analysisTemplates, name, ctx.namespace);
    if (found) {
      templates.push({ manifest: found, field: `${path}.templates[${j}]` });
      return;
    }
    const kind = cluster ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    sink.add(
      `${path}.templates[${j}].templateName`,
      name,
      'rollout/analysis-template-not-found',
      `${kind} ${renderValue(name)} is not in the manifest set${cluster ? '' : ' for the Rollout namespace'}; the controller marks the Rollout InvalidSpec.`,
      `Add ${kind} ${String(name)}${cluster ? '' : " in the Rollout's namespace"}, or fix templateName${cluster ? '' : ' (set clusterScope: true for a ClusterAnalysisTemplate)'}.`,
    );
  });
  if (templates.length < templateRefs.length) return; // upstream stops at the first missing template

  // helpers.go flattenMetrics: "two metrics have the same name '%s'"
  const metricOwner = new Map<string, string>();
  for (const { manifest } of templates) {
    for (const metric of metricsOf(manifest)) {
      const owner = metricOwner.get(metric.name);
      if (owner !== undefined) {
        sink.add(
          `${path}.templates`,
          metric.name,
          'rollout/analysis-duplicate-metric',
          `Metric ${renderValue(metric.name)} is defined by both ${renderValue(owner)} and ${renderValue(nameOf(manifest.object))}; the templates of one analysis are merged into one AnalysisRun.`,
          `Rename metric ${metric.name} in one of the templates so metric names are unique across the analysis.`,
        );
      } else metricOwner.set(metric.name, nameOf(manifest.object));
    }
  }

  // helpers.go flattenArgs ("specified multiple times with different values") and MergeArgs/ResolveArgs
  // ("args.%s was not resolved"). Any arg the Rollout passes by name resolves (buildAnalysisArgs).
  const combined = new Map<string, { value?: string; valueFrom: boolean; template: string }>();
  for (const { manifest } of templates) {
    for (const arg of argsOf(manifest)) {
      const previous = combined.get(arg.name);
      if (previous?.value !== undefined && arg.value !== undefined && previous.value !== arg.value) {
        sink.add(
          `${path}.templates`,
          arg.name,
          'rollout/analysis-arg-conflict',
          `Argument ${renderValue(arg.name)} has default ${renderValue(previous.value)} in ${renderValue(previous.template)} and ${renderValue(arg.value)} in ${renderValue(nameOf(manifest.object))}.`,
          `Give argument ${arg.name} the same default in every template of this analysis, or rename it in one of them.`,
        );
      }
      if (!previous || previous.value === undefined) combined.set(arg.name, { ...arg, template: nameOf(manifest.object) });
    }
  }
  const passed = new Set((Array.isArray(analysis.args) ? analysis.args : []).map((arg: any) => arg?.name));
  for (const [name, arg] of combined) {
    if (arg.value !== undefined || arg.valueFrom || passed.has(name)) continue;
    sink.add(
      `${path}.args`,
      name,
      'rollout/analysis-arg-missing',
      `Template ${renderValue(arg.template)} needs argument ${renderValue(name)}, which has no default and is not passed here.`,
      `Add "- name: ${name}" with a value (or valueFrom) under ${path}.args.`,
    );
  }

  for (const { manifest, field } of templates) {
    const templateName = nameOf(manifest.object);
    // ValidateAnalysisTemplateWithType: only background analysis may run forever (Metric.EffectiveCount() == nil).
    if (type !== 'Background') {
      for (const metric of metricsOf(manifest)) {
        if (!runsForever(metric.raw, argsOf(manifest))) continue;
        sink.add(
          field,
          templateName,
          'rollout/analysis-runs-forever',
          `Metric ${renderValue(metric.name)} of ${renderValue(templateName)} has interval ${renderValue(metric.raw.interval)} but no count (${renderValue(metric.raw.count)}), so it never finishes; only background analysis may run indefinitely.`,
          `Set count on metric ${metric.name} (e.g. count: 5), or move the template to spec.strategy.canary.analysis.`,
        );
      }
    }
    // analysis controller: ValidateMetrics when the AnalysisRun starts; an invalid template ends it in Error.
    for (const finding of ctx.index.templateFindings(manifest)) {
      if (ANALYSIS_WARNING_RULES.has(finding.rule)) continue;
      sink.add(
        field,
        templateName,
        'rollout/analysis-template-invalid',
        `${manifest.object.kind} ${renderValue(templateName)} used here is invalid at ${finding.field} [${finding.rule}]: ${finding.message}`,
        finding.fix,
      );
    }
  }
}

export function metricsOf(template: Manifest): Array<{ name: string; raw: Record<string, any> }> {
  const metrics: unknown[] = Array.isArray(template.object.spec?.metrics) ? template.object.spec.metrics : [];
  return metrics.filter(isRecord).map((raw) => ({ name: String(raw.name), raw }));
}

export function argsOf(template: Manifest): Array<{ name: string; value?: string; valueFrom: boolean }> {
  const args: unknown[] = Array.isArray(template.object.spec?.args) ? template.object.spec.args : [];
  return args
    .filter((arg): arg is Record<string, any> => isRecord(arg) && typeof arg.name === 'string')
    .map((arg) => ({ name: arg.name, value: typeof arg.value === 'string' ? arg.value : undefined, valueFrom: isSet(arg.valueFrom) }));
}

/**
 * Metric.EffectiveCount() == nil after validation_references.go resolves the template args: args with a
 * default keep it, every other arg becomes "dummy-value" (so a templated count without a default counts as 0).
 */
export function runsForever(metric: Record<string, any>, args: Array<{ name: string; value?: string }>): boolean {
  const resolve = (value: unknown): unknown =>
    typeof value !== 'string'
      ? value
      : value.replace(/\{\{(.*?)\}\}/gs, (_whole, tag: string) => {
          const name = tag.trim().replace(/^args\./, '');
          return args.find((arg) => arg.name === name)?.value ?? 'dummy-value';
        });
  const count = isSet(metric.count) ? intOrStringValue(resolve(metric.count)) : 0;
  const interval = resolve(metric.interval);
  return count === 0 && isSet(interval) && interval !== '';
}

