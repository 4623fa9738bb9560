import { conditionSyntaxError } from '../analysis/check/condition.js';
import { promqlSyntaxError } from '../analysis/check/promql.js';
import { type Finding, renderValue } from './finding.js';
import {
  FindingSink,
  type Manifest,
  intOrStringValue,
  isRecord,
  isSet,
  parseGoDuration,
  placeholderTags,
} from './manifest.js';

/**
 * Checks for AnalysisTemplate and ClusterAnalysisTemplate specs, run offline.
 *
 * Upstream (argo-rollouts v1.9.1) validates a template only when an AnalysisRun starts from it: the
 * analysis controller resolves the args, calls `utils/analysis/factory.go` `ValidateMetrics`, and a
 * failure puts the run in phase Error, which aborts the step. `ValidateMetrics` also stops at the first
 * problem. Here every problem is reported, when the template is written.
 *
 * The index had no v1.9.1 snapshot of factory.go; the consecutiveSuccessLimit rules follow the messages
 * pinned by upstream `utils/analysis/factory_test.go` (feature added in v1.8, PR #3970).
 */

/** Rule ids of {@link checkAnalysisTemplate} whose findings are warnings, not errors. */
export const ANALYSIS_WARNING_RULES: ReadonlySet<string> = new Set(['analysis/no-conditions']);

/**
 * Metric provider keys of the v1.9.1 AnalysisTemplate CRD. Any other key is pruned by the API server,
 * so a typo (`promethus:`) leaves the metric with no provider at all.
 */
const PROVIDERS = [
  'prometheus',
  'job',
  'web',
  'wavefront',
  'kayenta',
  'datadog',
  'newRelic',
  'cloudWatch',
  'graphite',
  'influxdb',
  'skywalking',
  'plugin',
] as const;

/** Providers that decide success themselves and never evaluate successCondition/failureCondition. */
const PROVIDERS_WITHOUT_CONDITIONS: ReadonlySet<string> = new Set(['job', 'kayenta']);

/** A template argument as declared in `spec.args`. */
interface DeclaredArg {
  readonly name: string;
  readonly value?: string;
  readonly hasValueFrom: boolean;
}

/**
 * Checks one AnalysisTemplate or ClusterAnalysisTemplate and returns every problem found.
 * Findings whose rule is in {@link ANALYSIS_WARNING_RULES} are warnings.
 */
export function checkAnalysisTemplate(template: Manifest): Finding[] {
  const sink = new FindingSink(template.location);
  const spec = isRecord(template.object?.spec) ? template.object.spec : {};
  const args = declaredArgs(spec.args, sink);
  const metrics: unknown[] = Array.isArray(spec.metrics) ? spec.metrics : [];

  // factory.go ValidateMetrics: "no metrics specified"
  if (metrics.length === 0) {
    sink.add(
      'spec.metrics',
      spec.metrics,
      'analysis/no-metrics',
      `The template has no metrics (spec.metrics = ${renderValue(spec.metrics)}), so every AnalysisRun from it ends in phase Error.`,
      'Add at least one metric under spec.metrics with a name, a provider and a successCondition.',
    );
  }

  const seen = new Set<string>();
  metrics.forEach((metric, index) => {
    const path = `spec.metrics[${index}]`;
    const m = isRecord(metric) ? metric : {};
    // factory.go ValidateMetrics: "metrics[%d]: duplicate name '%s'"
    if (typeof m.name === 'string') {
      if (seen.has(m.name)) {
        sink.add(
          `${path}.name`,
          m.name,
          'analysis/duplicate-metric-name',
          `Metric name ${renderValue(m.name)} is used twice; AnalysisRun results are keyed by metric name.`,
          `Rename one of the metrics called ${renderValue(m.name)} so every metric name in the template is unique.`,
        );
      }
      seen.add(m.name);
    }
    checkMetric(m, path, args, sink);
  });
  return sink.findings;
}

/**
 * A condition expr does not compile makes every measurement an Error (utils/evaluate: the compile error
 * is returned), and a query Prometheus rejects does the same (metricproviders/prometheus): both only
 * show when the analysis runs, at the worst time. Both are checked here: conditions with the evaluator
 * `analysis simulate` uses, queries with Prometheus' own PromQL grammar (syntax only; the test suite runs
 * the emitted queries on a real Prometheus).
 */
function checkExpressions(metric: Record<string, any>, path: string, sink: FindingSink): void {
  for (const key of ['successCondition', 'failureCondition'] as const) {
    const condition = metric[key];
    if (typeof condition !== 'string' || condition === '') continue;
    const error = cachedConditionSyntaxError(condition);
    if (error) {
      sink.add(
        `${path}.${key}`,
        condition,
        'analysis/condition-invalid',
        `The ${key} ${renderValue(condition)} of metric ${renderValue(metric.name)} does not compile (${error}); Argo Rollouts marks every measurement Error, so the analysis can never pass.`,
        'Write the condition over `result` with the expr operators (e.g. `len(result) > 0 && result[0] >= 0.99`).',
      );
    }
  }
  const query = isRecord(metric.provider) && isRecord(metric.provider.prometheus) ? metric.provider.prometheus.query : undefined;
  // An empty query is analysis/prometheus-address-query's finding.
  if (typeof query === 'string' && query.trim() !== '') {
    const error = cachedPromqlSyntaxError(query);
    if (error) {
      const shown = query.length > 120 ? `${query.slice(0, 117)}...` : query;
      sink.add(
        `${path}.provider.prometheus.query`,
        shown,
        'analysis/promql-invalid',
        `The query ${renderValue(shown)} of metric ${renderValue(metric.name)} is not valid PromQL (${error}); Prometheus rejects it and every measurement is an Error.`,
        'Fix the query (try it in the Prometheus UI or with `promtool query instant`).',
      );
    }
  }
}

/**
 * `check` memoized by its text argument: for pure syntax checks of a query or condition text. The same template is
 * checked once for itself and again for every Rollout step that references it (rollouts/analysis-reference-rules.ts),
 * and a platform's templates share a handful of conditions (`len(result) > 0 && result[0] >= 0.99`). Bounded: cleared
 * when it holds {@link SYNTAX_CACHE_LIMIT} texts.
 */
function memoizedByText(check: (text: string) => string | undefined): (text: string) => string | undefined {
  const errors = new Map<string, string>(); // '' for a text without error
  return (text) => {
    const cached = errors.get(text);
    if (cached !== undefined) return cached === '' ? undefined : cached;
    if (errors.size >= SYNTAX_CACHE_LIMIT) errors.clear();
    const error = check(text);
    errors.set(text, error ?? '');
    return error;
  };
}
const SYNTAX_CACHE_LIMIT = 50_000;
/** {@link promqlSyntaxError}, memoized by query text. */
const cachedPromqlSyntaxError = memoizedByText(promqlSyntaxError);
/** {@link conditionSyntaxError}, memoized by condition text. */
const cachedConditionSyntaxError = memoizedByText(conditionSyntaxError);

function declaredArgs(raw: unknown, sink: FindingSink): Map<string, DeclaredArg> {
  const args = new Map<string, DeclaredArg>();
  if (!Array.isArray(raw)) return args;
  raw.forEach((arg, index) => {
    if (!isRecord(arg) || typeof arg.name !== 'string') return;
    const hasValue = typeof arg.value === 'string';
    const hasValueFrom = isSet(arg.valueFrom);
    // validation_references.go validateAnalysisMetrics: "arg '%s' has both Value and ValueFrom fields"
    if (hasValue && hasValueFrom) {
      sink.add(
        `spec.args[${index}]`,
        arg.name,
        'analysis/arg-value-and-value-from',
        `Argument ${renderValue(arg.name)} sets both value and valueFrom; the controller rejects the template.`,
        `Keep either value or valueFrom on argument ${renderValue(arg.name)}, not both.`,
      );
    }
    args.set(arg.name, { name: arg.name, value: hasValue ? arg.value : undefined, hasValueFrom });
  });
  return args;
}

function checkMetric(metric: Record<string, any>, path: string, args: Map<string, DeclaredArg>, sink: FindingSink): void {
  checkPlaceholders(metric, path, args, sink);
  checkExpressions(metric, path, sink);

  const count = resolveIntOrString(metric.count, args);
  const failureLimit = resolveIntOrString(metric.failureLimit, args);
  const inconclusiveLimit = resolveIntOrString(metric.inconclusiveLimit, args);
  const consecutiveErrorLimit = resolveIntOrString(metric.consecutiveErrorLimit, args);
  const successLimit = resolveIntOrString(metric.consecutiveSuccessLimit, args);
  const interval = resolveString(metric.interval, args);

  // factory.go ValidateMetric: unset limits default to 0; -1 disables failureLimit (v1.8+).
  const c = count ?? 0;
  const f = failureLimit ?? 0;
  const i = inconclusiveLimit ?? 0;
  const s = successLimit ?? 0;
  if (count !== null && c > 0) {
    // "count (%d) must be >= failureLimit + consecutiveSuccessLimit (%d + %d) if both >= 0"
    if (failureLimit !== null && successLimit !== null && f >= 0 && s >= 0 && c < f + s) {
      sink.add(
        `${path}.count`,
        metric.count,
        'analysis/count-below-limits',
        `count ${renderValue(metric.count)} is below failureLimit + consecutiveSuccessLimit (${f} + ${s}), so the limits can never be reached.`,
        `Raise count to at least ${f + s}, or lower failureLimit/consecutiveSuccessLimit.`,
      );
    }
    // "count must be >= inconclusiveLimit"
    if (inconclusiveLimit !== null && c < i) {
      sink.add(
        `${path}.count`,
        metric.count,
        'analysis/count-below-inconclusive-limit',
        `count ${renderValue(metric.count)} is below inconclusiveLimit ${i}.`,
        `Raise count to at least ${i}, or lower inconclusiveLimit.`,
      );
    }
  }
  // "interval must be specified when count > 1"
  if (count !== null && c > 1 && interval === undefined) {
    sink.add(
      `${path}.interval`,
      metric.interval,
      'analysis/interval-required',
      `count ${renderValue(metric.count)} takes several measurements but interval is not set (${renderValue(metric.interval)}).`,
      'Set interval to a Go duration such as "1m", or set count to 1.',
    );
  }
  // "invalid interval string" / "invalid startDelay string": Go time.ParseDuration
  for (const key of ['interval', 'initialDelay'] as const) {
    const value = metric[key];
    if (!isSet(value) || value === '') continue;
    const resolved = key === 'interval' ? interval : resolveString(value, args);
    if (resolved === null) continue; // templated from an arg without a default: checked at run time
    if (typeof value !== 'string' || parseGoDuration(resolved ?? '') === undefined) {
      sink.add(
        `${path}.${key}`,
        value,
        'analysis/invalid-duration',
        `${key} ${renderValue(value)} is not a Go duration string; the AnalysisRun fails with "invalid ${key === 'interval' ? 'interval' : 'startDelay'} string".`,
        `Write ${key} as a quoted Go duration with a unit, for example "30s", "5m" or "1h30m".`,
      );
    }
  }
  // "failureLimit must be >= 0, or -1 to be disabled", "inconclusiveLimit must be >= 0",
  // "consecutiveErrorLimit must be >= 0", "consecutiveSuccessLimit must be >= 0"
  const limits: ReadonlyArray<readonly [string, number | null | undefined, number]> = [
    ['failureLimit', failureLimit, -1],
    ['inconclusiveLimit', inconclusiveLimit, 0],
    ['consecutiveErrorLimit', consecutiveErrorLimit, 0],
    ['consecutiveSuccessLimit', successLimit, 0],
  ];
  for (const [key, value, minimum] of limits) {
    if (typeof value === 'number' && value < minimum) {
      sink.add(
        `${path}.${key}`,
        metric[key],
        'analysis/invalid-limit',
        `${key} ${renderValue(metric[key])} is below its minimum ${minimum}.`,
        minimum === -1
          ? 'Set failureLimit to 0 or more, or to -1 to disable it (then consecutiveSuccessLimit must be > 0).'
          : `Set ${key} to 0 or more.`,
      );
    }
  }
  // "failureLimit and consecutiveSuccessLimit cannot both be disabled"
  if (failureLimit === -1 && successLimit !== null && s === 0) {
    sink.add(
      `${path}.failureLimit`,
      metric.failureLimit,
      'analysis/limits-disabled',
      `failureLimit ${renderValue(metric.failureLimit)} disables failure counting and consecutiveSuccessLimit is ${renderValue(metric.consecutiveSuccessLimit ?? 0)}, so nothing decides the metric.`,
      'Set failureLimit to 0 or more, or set consecutiveSuccessLimit to the number of successes in a row that pass the metric.',
    );
  }
  checkProvider(metric, path, sink);
}

/**
 * utils/template ResolveArgs, as called through validation_references.go validateAnalysisMetrics:
 * every `{{tag}}` in the metric must be `args.<declared name>` (spaces around the tag are trimmed);
 * anything else fails with "failed to resolve {{tag}}".
 */
function checkPlaceholders(metric: unknown, path: string, args: Map<string, DeclaredArg>, sink: FindingSink): void {
  walkStrings(metric, [path], (text, field) => {
    if (!text.includes('{{')) return;
    for (const tag of placeholderTags(text)) {
      const name = argName(tag);
      if (name !== undefined && args.has(name)) continue;
      sink.add(
        field(),
        `{{${tag}}}`,
        'analysis/undeclared-arg',
        name === undefined
          ? `Placeholder ${renderValue(`{{${tag}}}`)} is not an {{args.<name>}} reference; the AnalysisRun fails with "failed to resolve".`
          : `Placeholder ${renderValue(`{{${tag}}}`)} uses argument ${renderValue(name)}, which spec.args does not declare.`,
        name === undefined
          ? `Replace ${renderValue(`{{${tag}}}`)} with a declared {{args.<name>}} argument, or remove the braces.`
          : `Declare "- name: ${name}" under spec.args (with a default value if it has one), or fix the spelling of the placeholder.`,
      );
    }
  });
}

function checkProvider(metric: Record<string, any>, path: string, sink: FindingSink): void {
  const provider = isRecord(metric.provider) ? metric.provider : {};
  const keys = Object.keys(provider).filter((key) => isSet(provider[key]));
  const known = keys.filter((key) => (PROVIDERS as readonly string[]).includes(key));
  const unknown = keys.filter((key) => !(PROVIDERS as readonly string[]).includes(key));
  // factory.go ValidateMetric: each plugin entry counts as one provider.
  const count = known.reduce((n, key) => n + (key === 'plugin' && isRecord(provider.plugin) ? Object.keys(provider.plugin).length : 1), 0);
  if (count !== 1) {
    const pruned = unknown.length > 0 ? ` (unknown key(s) ${renderValue(unknown)} are pruned by the CRD)` : '';
    sink.add(
      `${path}.provider`,
      keys,
      'analysis/one-provider',
      count === 0
        ? `Metric ${renderValue(metric.name)} has no provider${pruned}: provider keys ${renderValue(keys)}.`
        : `Metric ${renderValue(metric.name)} has ${count} providers ${renderValue(keys)}; exactly one is allowed.`,
      `Configure exactly one of ${PROVIDERS.join(', ')} under provider.`,
    );
  }

  // Policy: prometheus needs an explicit address and a query (an empty query errors on every measurement;
  // upstream falls back to a controller-wide address only when one is configured).
  if (isRecord(provider.prometheus)) {
    for (const key of ['address', 'query'] as const) {
      const value = provider.prometheus[key];
      if (typeof value !== 'string' || value.trim() === '') {
        sink.add(
          `${path}.provider.prometheus.${key}`,
          value,
          'analysis/prometheus-address-query',
          `The prometheus provider of metric ${renderValue(metric.name)} has no ${key} (${renderValue(value)}).`,
          key === 'address'
            ? 'Set provider.prometheus.address to the in-cluster Prometheus URL, e.g. "http://prometheus.monitoring:9090".'
            : 'Set provider.prometheus.query to the PromQL expression whose result the conditions evaluate.',
        );
      }
    }
  }

  // utils/evaluate EvaluateResult: with neither condition every measurement is Successful, so the
  // metric can never fail the rollout. Upstream accepts this; we warn.
  const conditionless = !nonEmpty(metric.successCondition) && !nonEmpty(metric.failureCondition);
  if (conditionless && count === 1 && !known.some((key) => PROVIDERS_WITHOUT_CONDITIONS.has(key))) {
    sink.add(
      path,
      metric.name,
      'analysis/no-conditions',
      `Metric ${renderValue(metric.name)} has neither successCondition nor failureCondition, so every measurement counts as Successful and it can never fail a rollout.`,
      'Add a successCondition (e.g. "len(result) > 0 && result[0] >= 0.99") and, if needed, a failureCondition.',
    );
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function argName(tag: string): string | undefined {
  const trimmed = tag.trim();
  return trimmed.startsWith('args.') ? trimmed.slice('args.'.length) : undefined;
}

/** Substitutes args that have a default value; null when an arg without a default is used. */
function resolveText(text: string, args: Map<string, DeclaredArg>): string | null {
  let unresolved = false;
  const resolved = text.replace(/\{\{(.*?)\}\}/gs, (whole, tag: string) => {
    const name = argName(tag);
    const value = name === undefined ? undefined : args.get(name)?.value;
    if (value === undefined) unresolved = true;
    return value ?? whole;
  });
  return unresolved ? null : resolved;
}

/** A string field after arg substitution: undefined when unset or empty, null when unknowable offline. */
function resolveString(value: unknown, args: Map<string, DeclaredArg>): string | null | undefined {
  if (!isSet(value) || value === '') return undefined;
  if (typeof value !== 'string') return String(value);
  const resolved = resolveText(value, args);
  return resolved === '' ? undefined : resolved;
}

/** An int-or-string field as Go's IntValue() sees it: undefined when unset, null when unknowable offline. */
function resolveIntOrString(value: unknown, args: Map<string, DeclaredArg>): number | null | undefined {
  if (!isSet(value)) return undefined;
  if (typeof value !== 'string') return intOrStringValue(value);
  const resolved = resolveText(value, args);
  return resolved === null ? null : intOrStringValue(resolved);
}

/**
 * Calls `visit` for every string inside `value`, with its field path (`path` holds its parts, which the walk pushes
 * and pops: the path text is built only for the strings a finding is about).
 */
function walkStrings(value: unknown, path: string[], visit: (text: string, field: () => string) => void): void {
  if (typeof value === 'string') visit(value, () => path.join(''));
  else if (Array.isArray(value)) {
    value.forEach((item, index) => {
      path.push(`[${index}]`);
      walkStrings(item, path, visit);
      path.pop();
    });
  } else if (isRecord(value)) {
    for (const [key, item] of Object.entries(value)) {
      path.push(`.${key}`);
      walkStrings(item, path, visit);
      path.pop();
    }
  }
}
