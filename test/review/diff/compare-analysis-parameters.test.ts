import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_PARAMETERS, ANALYSIS_PARAMETERS_ANNOTATION, AnalysisParameter } from '../../../lib/analysis/analysis-parameters.js';
import { Environment } from '../../../lib/core/environment.js';
import { Probe } from '../../../lib/pod/probe.js';
import { ServiceLevelObjectives } from '../../../lib/analysis/service-level-objectives.js';
import { Change, compareManifests } from '../../../lib/review/diff/index.js';
import { compareAnalysisTemplates } from '../../../lib/review/diff/compare-analysis.js';
import { TrafficRouter } from '../../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthPlatform } from '../../helpers.js';

const router = TrafficRouter.gatewayApi({ gatewayName: 'edge', gatewayNamespace: 'edge-system', hostnames: ['orders.example'] });

/** The prod objects of a service `orders` with these objectives. */
function orders(slo: ServiceLevelObjectives) {
  return synthPlatform((env) => new StatelessService(env, 'orders', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: router, slo }), [Environment.prod()]);
}

/** A change as a row: [field, before, after, note, flags]. */
const rows = (changes: readonly Pick<Change, 'field' | 'before' | 'after' | 'note' | 'risks'>[]) => changes.map((c) => [c.field, c.before, c.after, c.note, c.risks.map((r) => r.flag)]);

/** A bare AnalysisTemplate whose parameters annotation holds `parameters` (a string is used as it is). */
function template(parameters: Record<string, unknown> | string | undefined, annotations: Record<string, string> = {}): Record<string, any> {
  const text = typeof parameters === 'string' ? parameters : parameters === undefined ? undefined : JSON.stringify(parameters);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'orders-slo', annotations: { ...annotations, ...(text === undefined ? {} : { [ANALYSIS_PARAMETERS_ANNOTATION]: text }) } },
    spec: { metrics: [] },
  };
}

/** Two values of a parameter, the second weaker than the first by its direction (equal strength for neutral ones). */
function weakerPair(p: AnalysisParameter): [unknown, unknown] {
  switch (p.direction) {
    case 'weaker-when-higher': return [0.5, 0.75];
    case 'weaker-when-lower': return [0.75, 0.5];
    case 'weaker-when-added': return [['/a'], ['/a', '/b']];
    case 'neutral': return [1, 2];
  }
}

describe('compareAnalysisParameters', () => {
  it('GIVEN the success-rate abort line lowered 0.998 → 0.98 THEN one flagged line for it, and the query as a size and hash with the changed number in its line diff', () => {
    // GIVEN
    const before = orders({ successRate: 0.999 });
    const after = orders({ successRate: 0.999, successRateFailBelow: 0.98 });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([
      ['success-rate abort line', '0.998', '0.98', undefined, ['analysis-weakened']],
      // The step's verdict measures the same query: shown once.
      ['metric success-rate query', expect.stringMatching(/^\d+ characters, sha256:[0-9a-f]{12}$/), expect.stringMatching(/^\d+ characters, sha256:[0-9a-f]{12}$/), 'also metric success-rate-verdict', []],
    ]);
    expect(changes[0].risks[0].reason).toBe('success-rate abort line 0.998 → 0.98: the analysis tolerates more');
    // The error score compares with 1 − abort line (0.002 → 0.02) and with its cap, twice that (0.004 → 0.04, the clamp of the stable's ratio), in each place of the query, and nothing else.
    expect(changes[1].lineDiff).toEqual(['@@', '-) * 0.002', '+) * 0.02', '@@', '-, 0.002', '-, 0.004', '+, 0.02', '+, 0.04', '@@', '-0.002', '+0.02']);
  });

  it('GIVEN excludePaths gaining /metrics THEN the paths line is flagged analysis-weakened, and the query diff shows the changed matcher once', () => {
    // GIVEN
    const before = orders({ excludePaths: ['/healthz'] });
    const after = orders({ excludePaths: ['/healthz', '/metrics'] });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([
      ['paths left out of the analysis', '/healthz, /readyz', '/healthz, /metrics, /readyz', 'added /metrics', ['analysis-weakened']],
      ['metric latency-p99 query', expect.any(String), expect.any(String), 'also metric latency-p99-verdict', []],
      ['metric success-rate query', expect.any(String), expect.any(String), 'also metric success-rate-verdict', []],
      // The SLO rules count the same requests (issue 22): their counters change with the paths.
      ['SLO counters', expect.stringMatching(/^\d+ characters, sha256:/), expect.stringMatching(/^\d+ characters, sha256:/), undefined, []],
    ]);
    expect(changes[0].risks[0].reason).toBe('paths left out of the analysis gained /metrics: the analysis no longer sees them');
    expect(changes[2].lineDiff).toEqual([expect.stringMatching(/^@@ \d+ places @@$/), '-, http_route!~"/readyz|/healthz"', '+, http_route!~"/readyz|/healthz|/metrics"']);
  });

  it('GIVEN a path no longer left out THEN it is listed without a flag', () => {
    // GIVEN / WHEN
    const changes = compareManifests(orders({ excludePaths: ['/healthz', '/metrics'] }), orders({ excludePaths: ['/healthz'] }));
    // THEN
    expect(rows(changes)[0]).toEqual(['paths left out of the analysis', '/healthz, /metrics, /readyz', '/healthz, /readyz', 'removed /metrics', []]);
  });

  it('GIVEN a lower confidence, a longer window and fewer minimum requests THEN one line each, none flagged', () => {
    // GIVEN
    const before = orders({ confidence: 0.999 });
    const after = orders({ confidence: 0.99, rateWindow: Duration.minutes(5), minRequests: 50 });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN: a lower confidence aborts sooner (stricter conditions too); window and minimum requests have no weaker direction.
    expect(changes.flatMap((c) => c.risks)).toEqual([]);
    expect(rows(changes.filter((c) => !c.field.startsWith('metric')))).toEqual([
      ['confidence of an abort', '0.999', '0.99', undefined, []],
      ['minimum requests for a verdict', '100', '50', undefined, []],
      ['query window (s)', '120', '300', undefined, []],
      // z is also the verdict line the Rollout's first analysis step passes to the template.
      ['other fields', undefined, 'spec.strategy.canary.steps[1].analysis.args[verdict-pass-line].value', undefined, []],
    ]);
  });

  it('GIVEN a higher confidence THEN its line carries the flag, and the conditions it moves show their thresholds without a flag of their own', () => {
    // GIVEN
    const before = orders({});
    const after = orders({ confidence: 0.999 });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN: z of 0.99 is 2.326, of 0.999 3.09
    expect(rows(changes)).toEqual([
      ['confidence of an abort', '0.99', '0.999', undefined, ['analysis-weakened']],
      ['metric latency-p99 successCondition', 'result[0] <= 2.326', 'result[0] <= 3.09', 'follows from the parameters', []],
      ['metric latency-p99 failureCondition', 'result[0] > 2.326', 'result[0] > 3.09', 'follows from the parameters', []],
      // z is in the queries too: below minRequests a score must clear it to count (a pass needs minRequests).
      // z is in every SLI query the same way: one line diff, shown once.
      ['metric latency-p99 query', expect.stringMatching(/^\d+ characters/), expect.stringMatching(/^\d+ characters/), 'also metric latency-p99-verdict, success-rate, success-rate-verdict', []],
      // The verdicts fail above z too (the promotion's pass line is the template's own).
      ['metric latency-p99-verdict failureCondition', 'result[0] > 2.326', 'result[0] > 3.09', 'follows from the parameters', []],
      ['metric success-rate successCondition', 'result[0] <= 2.326', 'result[0] <= 3.09', 'follows from the parameters', []],
      ['metric success-rate failureCondition', 'result[0] > 2.326', 'result[0] > 3.09', 'follows from the parameters', []],
      ['metric success-rate-verdict failureCondition', 'result[0] > 2.326', 'result[0] > 3.09', 'follows from the parameters', []],
      ['other fields', undefined, 'spec.strategy.canary.steps[1].analysis.args[verdict-pass-line].value', undefined, []],
    ]);
  });

  it('GIVEN a condition loosened while the parameters stay THEN the condition itself is flagged', () => {
    // GIVEN
    const before = orders({});
    const after = before.map((o) => {
      if (o.manifest.kind !== 'AnalysisTemplate') return o;
      const manifest = structuredClone(o.manifest);
      const metric = manifest.spec.metrics.find((m: any) => m.name === 'success-rate');
      metric.failureCondition = metric.failureCondition.replace('> 2.326', '> 4');
      return { ...o, manifest };
    });
    // WHEN
    const changes = compareManifests(before, after);
    // THEN
    expect(rows(changes)).toEqual([['metric success-rate failureCondition', 'result[0] > 2.326', 'result[0] > 4', undefined, ['analysis-weakened']]]);
  });

  it.each(ANALYSIS_PARAMETERS.map((p) => [p.key, p] as const))('GIVEN %s changed both ways THEN it is flagged exactly when its direction says weaker', (_, parameter) => {
    // GIVEN
    const [strong, weak] = weakerPair(parameter);
    const a = template({ [parameter.key]: strong });
    const b = template({ [parameter.key]: weak });
    // WHEN
    const weakened = compareAnalysisTemplates(a, b).changes;
    const strengthened = compareAnalysisTemplates(b, a).changes;
    // THEN
    expect(weakened.map((c) => c.field)).toEqual([parameter.label]);
    expect(weakened[0].risks.map((r) => r.flag)).toEqual(parameter.direction === 'neutral' ? [] : ['analysis-weakened']);
    expect(strengthened.map((c) => [c.field, c.risks])).toEqual([[parameter.label, []]]);
  });

  it('GIVEN a parameter this version does not know THEN it is shown under its key, never flagged', () => {
    // GIVEN
    const a = template({ successRate: 0.999, burnRateWindowSeconds: 3600 });
    const b = template({ successRate: 0.999, burnRateWindowSeconds: 7200, anotherList: ['x'] });
    // WHEN
    const changes = compareAnalysisTemplates(a, b).changes;
    // THEN
    expect(rows(changes)).toEqual([
      ['parameter anotherList', 'unset', 'x', 'parameter not known to this version of cdk8s-delivery', []],
      ['parameter burnRateWindowSeconds', '3600', '7200', 'parameter not known to this version of cdk8s-delivery', []],
    ]);
  });

  it('GIVEN values of an unexpected type or a parameter added THEN they are shown, not flagged', () => {
    // GIVEN
    const a = template({ successRateFailBelow: '0.998', excludePaths: '/a' });
    const b = template({ successRateFailBelow: 0.98, excludePaths: ['/a', '/b'], latencyP99FailAboveSeconds: 0.75 });
    // WHEN
    const changes = compareAnalysisTemplates(a, b).changes;
    // THEN
    expect(rows(changes)).toEqual([
      ['success-rate abort line', '0.998', '0.98', 'compare by hand', []],
      ['p99 latency abort line (s)', 'unset', '0.75', 'added', []],
      ['paths left out of the analysis', '/a', '/a, /b', 'compare by hand', []],
    ]);
  });

  it('GIVEN an annotation that is not a JSON object THEN one line says so; nothing throws', () => {
    // GIVEN
    const a = template({ successRate: 0.999 });
    const b = template('{"successRate": 0.99');
    // WHEN
    const changes = compareAnalysisTemplates(a, b).changes;
    // THEN
    expect(rows(changes)).toEqual([['analysis parameters', '{"successRate":0.999}', '{"successRate": 0.99', `${ANALYSIS_PARAMETERS_ANNOTATION} is not a JSON object: compare by hand`, []]]);
    expect(compareAnalysisTemplates(template('[1]'), template('[1]')).changes).toEqual([]);
  });

  it('GIVEN a base synthesized before the annotation existed THEN only the objectives both versions state are compared', () => {
    // GIVEN: the older template states its objectives in two annotations of their own
    const old = template(undefined, { 'delivery.cdk8s.io/slo-success-rate': '0.999', 'delivery.cdk8s.io/slo-latency-p99-seconds': '0.25' });
    const now = template({ successRate: 0.995, successRateFailBelow: 0.99, latencyP99Seconds: 0.25, excludePaths: ['/readyz'] }, { 'delivery.cdk8s.io/slo-success-rate': '0.995', 'delivery.cdk8s.io/slo-latency-p99-seconds': '0.25' });
    // WHEN
    const { changes, covered } = compareAnalysisTemplates(old, now);
    // THEN
    expect(rows(changes)).toEqual([['success-rate objective', '0.999', '0.995', undefined, ['analysis-weakened']]]);
    expect(covered.some((r) => r.test(`metadata.annotations["${ANALYSIS_PARAMETERS_ANNOTATION}"]`))).toBe(true);
  });
});
