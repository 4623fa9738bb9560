import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { normalQuantile, resolveSlo } from '../../lib/analysis/service-level-objectives.js';
import { leRegex } from '../../lib/analysis/slo-analysis-template.js';

describe('resolveSlo', () => {
  it('rejects latency lines inside a histogram bucket, with the boundaries around them as the fix', () => {
    // GIVEN bitvaultd's former objective: 150 ms, failing above 225 ms, both inside the OTel 0.1–0.25 s bucket
    const { problems } = resolveSlo({ latencyP99: Duration.millis(150), latencyP99FailAbove: Duration.millis(225) });
    expect(problems).toEqual([
      { field: 'slo.latencyP99', value: '150 ms', message: 'falls inside the histogram bucket 0.1–0.25 s: Prometheus can only interpolate there, so the analysis could not tell a canary on one side of the line from one on the other', fix: 'use a bucket boundary (100 ms or 250 ms), or declare the boundaries the service exports in slo.histogramBuckets' },
      { field: 'slo.latencyP99FailAbove', value: '225 ms', message: 'falls inside the histogram bucket 0.1–0.25 s: Prometheus can only interpolate there, so the analysis could not tell a canary on one side of the line from one on the other', fix: 'use a bucket boundary (100 ms or 250 ms), or declare the boundaries the service exports in slo.histogramBuckets' },
    ]);
  });

  it('accepts the same lines when the service declares buckets at them', () => {
    const { problems } = resolveSlo({ latencyP99: Duration.millis(150), latencyP99FailAbove: Duration.millis(225), histogramBuckets: [0.05, 0.15, 0.225, 0.5] });
    expect(problems).toEqual([]);
  });

  it('defaults the abort line to the first boundary at or above 1.5 × the objective, the delay to the interval, and the evidence window to the step', () => {
    const { resolved, problems } = resolveSlo({ latencyP99: Duration.millis(250) }, 'slo', ['/readyz']);
    expect(problems).toEqual([]);
    expect(resolved.latencyP99FailAboveSeconds).toBe(0.5);
    expect(resolved.z).toBe(2.326);
    expect(resolved.excludePaths).toEqual(['/readyz']);
    expect(resolved.initialDelay.toSeconds()).toBe(60);
    expect(resolved.evidenceWindow.toSeconds()).toBe(300);
    // count − 1 − failureLimit: a step that passes has at least one passing measurement.
    expect(resolved.inconclusiveLimit).toBe(3);
    expect([resolved.baselineCap, resolved.restarts, resolved.prometheus.scrapeInterval.toSeconds()]).toEqual([2, { max: 0 }, 30]);
    // An interval shorter than the scrape interval: the first measurement waits for a scrape.
    expect(resolveSlo({ interval: Duration.seconds(10), count: 3 }).resolved.evidenceWindow.toSeconds()).toBe(50);
    expect(resolveSlo({ analyseRestarts: false }).resolved.restarts).toBeUndefined();
  });

  it('rejects an inconclusiveLimit that lets a step pass without a passing measurement', () => {
    const { problems } = resolveSlo({ count: 5, failureLimit: 1, inconclusiveLimit: 4 });
    expect(problems).toEqual([{ field: 'slo.inconclusiveLimit', value: 4, message: 'plus failureLimit (1) reaches count (5): a step could end Successful without a single passing measurement (Argo Rollouts passes a metric whose failed and inconclusive measurements stay within their limits)', fix: 'use at most 3, or omit it' }]);
  });

  it('rejects an initial delay shorter than the scrape interval, a bad confidence, minRequests, paths, cap, restarts and traffic', () => {
    const { problems } = resolveSlo({ initialDelay: Duration.seconds(20), confidence: 0.5, minRequests: 0, excludePaths: ['metrics'], baselineCap: 0.5, maxRestarts: -1, expectedRequestsPerSecond: 0 });
    expect(problems.map((p) => p.field)).toEqual(['slo.baselineCap', 'slo.maxRestarts', 'slo.expectedRequestsPerSecond', 'slo.confidence', 'slo.minRequests', 'slo.excludePaths', 'slo.initialDelay']);
    expect(problems.at(-1)!.message).toBe('is shorter than the scrape interval (30s): the first measurement could come before any scrape of the canary');
  });

  it('computes normal quantiles', () => {
    expect(normalQuantile(0.999)).toBeCloseTo(3.0902, 4);
    expect(normalQuantile(0.99)).toBeCloseTo(2.3263, 4);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });

  it('matches an le label however the exporter formats it', () => {
    for (const [v, ok, bad] of [[1, ['1', '1.0', '1.00'], ['10', '0.1']], [0.5, ['0.5', '0.50'], ['0.05', '0.55']], [10, ['10', '10.0'], ['1', '100']]] as const) {
      const re = new RegExp(`^(?:${leRegex(v)})$`);
      for (const s of ok) expect(re.test(s), `${v} ~ ${s}`).toBe(true);
      for (const s of bad) expect(re.test(s), `${v} !~ ${s}`).toBe(false);
    }
  });
});
