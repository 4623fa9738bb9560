import { describe, expect, it } from 'vitest';
import { ANALYSIS_WARNING_RULES, checkAnalysisTemplate } from '../../lib/validation/analysis-rules.js';
import { type Finding, renderValue } from '../../lib/validation/finding.js';
import { type Manifest } from '../../lib/validation/manifest.js';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const LOCATION = 'out/analysis.yaml: AnalysisTemplate/shop/success-rate';

/** A metric that passes every rule: Prometheus, 5 measurements a minute apart, one failure tolerated. */
function metric(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'success-rate',
    interval: '1m',
    initialDelay: '30s',
    count: 5,
    failureLimit: 1,
    successCondition: 'len(result) > 0 && result[0] >= 0.99',
    provider: {
      prometheus: {
        address: 'http://prometheus.monitoring:9090',
        query: 'sum(rate(http_requests_total{service="{{args.service}}",code!~"5.."}[2m])) / sum(rate(http_requests_total{service="{{ args.service }}"}[2m]))',
      },
    },
    ...overrides,
  };
}

/** An AnalysisTemplate declaring `service` (no default) unless `args` is given. */
function template(metrics: unknown[] = [metric()], args: unknown[] = [{ name: 'service' }]): Manifest {
  return {
    location: LOCATION,
    object: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'success-rate', namespace: 'shop' },
      spec: { args, metrics },
    },
  };
}

/** The (rule, field, value) of each finding, after checking the invariants every finding must meet. */
function summary(findings: Finding[]): Array<{ rule: string; field: string; value: unknown }> {
  for (const finding of findings) {
    expect(finding.location).toBe(LOCATION);
    expect(finding.message.length).toBeGreaterThan(20);
    expect(finding.fix.length).toBeGreaterThan(10);
    if (finding.value !== undefined) expect(finding.message).toContain(renderValue(finding.value));
  }
  return findings.map(({ rule, field, value }) => ({ rule, field, value }));
}

function check(manifest: Manifest) {
  return summary(checkAnalysisTemplate(manifest));
}

// ---------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------

describe('checkAnalysisTemplate', () => {
  it('accepts a complete template (GIVEN the baseline fixture, THEN no findings)', () => {
    // GIVEN a template with one fully specified Prometheus metric
    // WHEN it is checked
    // THEN nothing is reported
    expect(check(template())).toEqual([]);
  });

  it('checks ClusterAnalysisTemplates the same way', () => {
    // GIVEN a ClusterAnalysisTemplate with a metric that has no provider
    const cluster = template([metric({ provider: {} })]);
    cluster.object.kind = 'ClusterAnalysisTemplate';
    delete cluster.object.metadata.namespace;
    // WHEN it is checked / THEN the provider rule fires
    expect(check(cluster)).toEqual([{ rule: 'analysis/one-provider', field: 'spec.metrics[0].provider', value: [] }]);
  });

  it('exports its warning rules', () => {
    // GIVEN the module / WHEN ANALYSIS_WARNING_RULES is read / THEN it lists exactly the warning rule ids
    expect([...ANALYSIS_WARNING_RULES]).toEqual(['analysis/no-conditions']);
  });

  describe('analysis/condition-invalid and analysis/promql-invalid (errors only at run time upstream)', () => {
    it('reports a condition that does not compile and a query that is not PromQL', () => {
      // GIVEN a condition with a dangling operator and a query with an unclosed parenthesis
      const bad = template([metric({ successCondition: 'result[0] >=', provider: { prometheus: { address: 'http://p:9090', query: 'sum(rate(x{service="{{args.service}}"}[2m])' } } })]);
      // WHEN it is checked / THEN both are reported
      expect(check(bad)).toEqual([
        { rule: 'analysis/condition-invalid', field: 'spec.metrics[0].successCondition', value: 'result[0] >=' },
        { rule: 'analysis/promql-invalid', field: 'spec.metrics[0].provider.prometheus.query', value: 'sum(rate(x{service="{{args.service}}"}[2m])' },
      ]);
    });

    it('rejects an unknown PromQL function and an unknown condition function', () => {
      const bad = template([metric({ failureCondition: 'median(result) > 1', provider: { prometheus: { address: 'http://p:9090', query: 'histogram_quantil(0.99, x)' } } })]);
      expect(check(bad).map((f) => f.rule)).toEqual(['analysis/condition-invalid', 'analysis/promql-invalid']);
    });
  });

  describe('analysis/no-metrics (factory.go ValidateMetrics)', () => {
    it('passes with one metric', () => {
      // GIVEN a single metric / THEN no finding
      expect(check(template([metric()]))).toEqual([]);
    });
    it('fails with an empty metrics list', () => {
      // GIVEN metrics: []
      // WHEN checked
      // THEN exactly one no-metrics finding at spec.metrics
      expect(check(template([], []))).toEqual([{ rule: 'analysis/no-metrics', field: 'spec.metrics', value: [] }]);
    });
  });

  describe('analysis/duplicate-metric-name (factory.go ValidateMetrics)', () => {
    it('passes with distinct names', () => {
      // GIVEN the valid fixture, with distinct names
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric(), metric({ name: 'latency' })]))).toEqual([]);
    });
    it('fails when two metrics share a name', () => {
      // GIVEN two metrics named success-rate
      // THEN the second one is reported
      expect(check(template([metric(), metric()]))).toEqual([
        { rule: 'analysis/duplicate-metric-name', field: 'spec.metrics[1].name', value: 'success-rate' },
      ]);
    });
  });

  describe('analysis/one-provider (factory.go ValidateMetric)', () => {
    it('passes with exactly one plugin provider', () => {
      // GIVEN a plugin provider with one entry (each entry counts as one provider)
      expect(check(template([metric({ provider: { plugin: { 'argoproj-labs/sample': { query: 'x' } } } })], []))).toEqual([]);
    });
    it('fails with a misspelled provider key (pruned by the CRD, so no provider)', () => {
      // GIVEN provider.promethus (typo)
      const bad = metric({ provider: { promethus: { address: 'http://p:9090', query: 'up' } } });
      // THEN no provider is counted
      expect(check(template([bad], []))).toEqual([{ rule: 'analysis/one-provider', field: 'spec.metrics[0].provider', value: ['promethus'] }]);
    });
    it('fails with two providers', () => {
      // GIVEN prometheus and web on one metric
      const bad = metric({ provider: { prometheus: { address: 'http://p:9090', query: 'up' }, web: { url: 'http://x' } } });
      expect(check(template([bad], []))).toEqual([
        { rule: 'analysis/one-provider', field: 'spec.metrics[0].provider', value: ['prometheus', 'web'] },
      ]);
    });
  });

  describe('analysis/count-below-limits (factory.go ValidateMetric)', () => {
    it('passes when count equals failureLimit + consecutiveSuccessLimit', () => {
      // GIVEN the valid fixture, when count equals failureLimit + consecutiveSuccessLimit
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ count: 5, failureLimit: 2, consecutiveSuccessLimit: 3 })]))).toEqual([]);
    });
    it('passes when failureLimit is disabled (-1): the sum is only checked if both are >= 0', () => {
      // GIVEN the valid fixture, when failureLimit is disabled (-1): the sum is only checked if both are >= 0
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ count: 2, failureLimit: -1, consecutiveSuccessLimit: 2 })]))).toEqual([]);
    });
    it('passes when count is unset (0): the limits are not compared', () => {
      // GIVEN the valid fixture, when count is unset (0): the limits are not compared
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ count: undefined, interval: undefined, failureLimit: 3 })]))).toEqual([]);
    });
    it('fails when count is below the sum, with count as an int-or-string', () => {
      // GIVEN count "4" (string), failureLimit 2, consecutiveSuccessLimit 3
      expect(check(template([metric({ count: '4', failureLimit: 2, consecutiveSuccessLimit: 3 })]))).toEqual([
        { rule: 'analysis/count-below-limits', field: 'spec.metrics[0].count', value: '4' },
      ]);
    });
    it('resolves a templated count from the arg default', () => {
      // GIVEN count "{{args.samples}}" whose default is 1, with failureLimit 2
      const t = template([metric({ count: '{{args.samples}}', failureLimit: 2 })], [{ name: 'service' }, { name: 'samples', value: '1' }]);
      expect(check(t)).toEqual([{ rule: 'analysis/count-below-limits', field: 'spec.metrics[0].count', value: '{{args.samples}}' }]);
    });
  });

  describe('analysis/count-below-inconclusive-limit (factory.go ValidateMetric)', () => {
    it('passes when count equals inconclusiveLimit', () => {
      // GIVEN the valid fixture, when count equals inconclusiveLimit
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ count: 3, inconclusiveLimit: 3 })]))).toEqual([]);
    });
    it('fails when count is below inconclusiveLimit', () => {
      // GIVEN the valid fixture, changed so it fails when count is below inconclusiveLimit
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(template([metric({ count: 3, inconclusiveLimit: '4' })]))).toEqual([
        { rule: 'analysis/count-below-inconclusive-limit', field: 'spec.metrics[0].count', value: 3 },
      ]);
    });
  });

  describe('analysis/interval-required (factory.go ValidateMetric)', () => {
    it('passes with count 1 and no interval', () => {
      // GIVEN the valid fixture, with count 1 and no interval
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ count: 1, interval: undefined, failureLimit: 0 })]))).toEqual([]);
    });
    it('fails with count 2 and no interval', () => {
      // GIVEN the valid fixture, changed so it fails with count 2 and no interval
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(template([metric({ count: 2, interval: undefined })]))).toEqual([
        { rule: 'analysis/interval-required', field: 'spec.metrics[0].interval', value: undefined },
      ]);
    });
  });

  describe('analysis/invalid-duration (factory.go ValidateMetric, time.ParseDuration)', () => {
    it('passes with compound Go durations', () => {
      // GIVEN the valid fixture, with compound Go durations
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ interval: '1h30m', initialDelay: '1.5s' })]))).toEqual([]);
    });
    it('fails with a number, an English phrase and a bare integer string', () => {
      // GIVEN interval 30 (number) and initialDelay "30 seconds"
      expect(check(template([metric({ interval: 30, initialDelay: '30 seconds' })]))).toEqual([
        { rule: 'analysis/invalid-duration', field: 'spec.metrics[0].interval', value: 30 },
        { rule: 'analysis/invalid-duration', field: 'spec.metrics[0].initialDelay', value: '30 seconds' },
      ]);
      // GIVEN interval "30" (no unit)
      expect(check(template([metric({ interval: '30' })]))).toEqual([
        { rule: 'analysis/invalid-duration', field: 'spec.metrics[0].interval', value: '30' },
      ]);
    });
  });

  describe('analysis/invalid-limit (factory.go ValidateMetric)', () => {
    it('passes with failureLimit -1 when consecutiveSuccessLimit is set', () => {
      // GIVEN the valid fixture, with failureLimit -1 when consecutiveSuccessLimit is set
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ failureLimit: -1, consecutiveSuccessLimit: 2 })]))).toEqual([]);
    });
    it('fails with limits below their minimum', () => {
      // GIVEN failureLimit -2, inconclusiveLimit -1, consecutiveErrorLimit "-1", consecutiveSuccessLimit -1
      const bad = metric({ failureLimit: -2, inconclusiveLimit: -1, consecutiveErrorLimit: '-1', consecutiveSuccessLimit: -1 });
      expect(check(template([bad]))).toEqual([
        { rule: 'analysis/invalid-limit', field: 'spec.metrics[0].failureLimit', value: -2 },
        { rule: 'analysis/invalid-limit', field: 'spec.metrics[0].inconclusiveLimit', value: -1 },
        { rule: 'analysis/invalid-limit', field: 'spec.metrics[0].consecutiveErrorLimit', value: '-1' },
        { rule: 'analysis/invalid-limit', field: 'spec.metrics[0].consecutiveSuccessLimit', value: -1 },
      ]);
    });
  });

  describe('analysis/limits-disabled (factory.go ValidateMetric)', () => {
    it('passes with failureLimit 0 (the default, which tolerates no failure)', () => {
      // GIVEN the valid fixture, with failureLimit 0 (the default, which tolerates no failure)
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ failureLimit: 0 })]))).toEqual([]);
    });
    it('fails with failureLimit -1 and consecutiveSuccessLimit unset', () => {
      // GIVEN the valid fixture, changed so it fails with failureLimit -1 and consecutiveSuccessLimit unset
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      expect(check(template([metric({ failureLimit: -1 })]))).toEqual([
        { rule: 'analysis/limits-disabled', field: 'spec.metrics[0].failureLimit', value: -1 },
      ]);
    });
  });

  describe('analysis/undeclared-arg (utils/template ResolveArgs)', () => {
    it('passes when every placeholder, with or without spaces, is declared', () => {
      // GIVEN the valid fixture, when every placeholder, with or without spaces, is declared
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      // The baseline query uses both {{args.service}} and {{ args.service }}.
      expect(check(template())).toEqual([]);
    });
    it('fails for an undeclared arg inside a condition and for a non-args placeholder', () => {
      // GIVEN successCondition uses {{ args.threshold }} (not declared) and the query uses {{service}}
      const bad = metric({
        successCondition: 'result[0] >= {{ args.threshold }}',
        provider: { prometheus: { address: 'http://p:9090', query: 'up{service="{{service}}"}' } },
      });
      expect(check(template([bad]))).toEqual([
        { rule: 'analysis/undeclared-arg', field: 'spec.metrics[0].successCondition', value: '{{ args.threshold }}' },
        { rule: 'analysis/undeclared-arg', field: 'spec.metrics[0].provider.prometheus.query', value: '{{service}}' },
      ]);
    });
    it('fails for an undeclared arg in the address', () => {
      // GIVEN the valid fixture, changed so it fails for an undeclared arg in the address
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      const bad = metric({ provider: { prometheus: { address: 'http://{{args.host}}:9090', query: 'up' } } });
      expect(check(template([bad], []))).toEqual([
        { rule: 'analysis/undeclared-arg', field: 'spec.metrics[0].provider.prometheus.address', value: '{{args.host}}' },
      ]);
    });
  });

  describe('analysis/arg-value-and-value-from (validation_references.go validateAnalysisMetrics)', () => {
    it('passes with valueFrom only', () => {
      // GIVEN the valid fixture, with valueFrom only
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric()], [{ name: 'service', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }]))).toEqual([]);
    });
    it('fails with both value and valueFrom', () => {
      // GIVEN the valid fixture, changed so it fails with both value and valueFrom
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      const args = [{ name: 'service', value: 'web', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }];
      expect(check(template([metric()], args))).toEqual([{ rule: 'analysis/arg-value-and-value-from', field: 'spec.args[0]', value: 'service' }]);
    });
  });

  describe('analysis/prometheus-address-query (policy)', () => {
    it('passes with address and query', () => {
      // GIVEN the valid fixture, with address and query
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template())).toEqual([]);
    });
    it('fails with an empty query and a missing address', () => {
      // GIVEN the valid fixture, changed so it fails with an empty query and a missing address
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      const bad = metric({ provider: { prometheus: { query: '  ' } } });
      expect(check(template([bad], []))).toEqual([
        { rule: 'analysis/prometheus-address-query', field: 'spec.metrics[0].provider.prometheus.address', value: undefined },
        { rule: 'analysis/prometheus-address-query', field: 'spec.metrics[0].provider.prometheus.query', value: '  ' },
      ]);
    });
  });

  describe('analysis/no-conditions (warning; utils/evaluate EvaluateResult)', () => {
    it('passes with only a failureCondition, and for a job metric without conditions', () => {
      // GIVEN the valid fixture, with only a failureCondition, and for a job metric without conditions
      // WHEN checkAnalysisTemplate runs
      // THEN nothing is reported
      expect(check(template([metric({ successCondition: undefined, failureCondition: 'result[0] < 0.9' })]))).toEqual([]);
      const job = { name: 'smoke', provider: { job: { spec: { template: { spec: { containers: [] } } } } } };
      expect(check(template([job], []))).toEqual([]);
    });
    it('warns when a Prometheus metric has neither condition', () => {
      // GIVEN the valid fixture, changed so it warns when a Prometheus metric has neither condition
      // WHEN checkAnalysisTemplate runs
      // THEN exactly the findings below (rule, field, value) are reported
      const findings = checkAnalysisTemplate(template([metric({ successCondition: undefined })]));
      expect(summary(findings)).toEqual([{ rule: 'analysis/no-conditions', field: 'spec.metrics[0]', value: 'success-rate' }]);
      expect(ANALYSIS_WARNING_RULES.has(findings[0]!.rule)).toBe(true);
    });
  });

  it('reports every problem of a broken template at once (not only the first, as upstream does)', () => {
    // GIVEN a template with a duplicate name, no provider and a bad interval
    const t = template([metric(), metric({ provider: {}, interval: '5 min' })]);
    // WHEN checked
    // THEN all three problems are reported
    expect(check(t).map((f) => f.rule)).toEqual(['analysis/duplicate-metric-name', 'analysis/invalid-duration', 'analysis/one-provider']);
  });
});
