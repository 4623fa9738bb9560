import { describe, expect, it } from 'vitest';
import { goDurationSeconds, type ProviderOutcome, runAnalysis, type RunMetric } from '../../../lib/analysis/evaluate/analysis-run.js';

// The AnalysisRun loop as argo-rollouts v1.9.1 analysis/analysis.go applies it (generateMetricTasks,
// assessMetricStatus, assessMetricFailureInconclusiveOrError, assessRunStatus).
const metric = (over: Partial<RunMetric> = {}): RunMetric => ({
  name: 'm', successCondition: 'result[0] >= 1', failureCondition: 'result[0] < 0', intervalSeconds: 60, count: 5, failureLimit: 1, inconclusiveLimit: 1, consecutiveErrorLimit: 2, ...over,
});
const values = (...vs: (number | 'error')[]) => {
  let i = 0;
  return (): ProviderOutcome => {
    const v = vs[Math.min(i++, vs.length - 1)]!;
    return v === 'error' ? { error: 'boom' } : { result: [v] };
  };
};

describe('runAnalysis', () => {
  it('measures after initialDelay, then every interval, and succeeds once count is reached', () => {
    const at: number[] = [];
    const out = runAnalysis([metric({ initialDelaySeconds: 120 })], (_m, t) => { at.push(t); return { result: [1] }; });
    expect(out.phase).toBe('Successful');
    expect(at).toEqual([120, 180, 240, 300, 360]);
  });

  it('fails when failed > failureLimit, not at failed == failureLimit', () => {
    expect(runAnalysis([metric()], values(-1, 1, 1, 1, 1)).phase).toBe('Successful');
    const out = runAnalysis([metric()], values(-1, 1, -1));
    expect([out.phase, out.message, out.endedAt]).toEqual(['Failed', 'failed (2) > failureLimit (1)', 120]);
  });

  it('is inconclusive when neither condition holds more than inconclusiveLimit times', () => {
    const out = runAnalysis([metric()], values(0.5, 0.5));
    expect([out.phase, out.message]).toEqual(['Inconclusive', 'inconclusive (2) > inconclusiveLimit (1)']);
  });

  it('retries an error after 10 s without counting it, and errors after consecutiveErrorLimit', () => {
    const seq = values('error', 'error', 1, 1);
    const times: number[] = [];
    const out = runAnalysis([metric({ count: 2 })], (_m, t) => { times.push(t); return seq(); });
    expect([out.phase, times]).toEqual(['Successful', [0, 10, 20, 80]]);
    const bad = runAnalysis([metric()], values('error'));
    expect([bad.phase, bad.message, bad.measurements.length]).toEqual(['Error', 'consecutiveErrors (3) > consecutiveErrorLimit (2)', 3]);
  });

  it('ends the run when one metric fails; the worst phase wins (Failed over Inconclusive)', () => {
    const a = metric({ name: 'a' });
    const b = metric({ name: 'b' });
    const out = runAnalysis([a, b], (m) => (m.name === 'a' ? { result: [-1] } : { result: [0.5] }));
    expect([out.phase, out.decidingMetric]).toEqual(['Failed', 'a']);
    expect(out.endedAt).toBe(60);
  });

  it('defaults: failureLimit and inconclusiveLimit 0, consecutiveErrorLimit 4; count 1 without interval', () => {
    expect(runAnalysis([{ name: 'x', successCondition: 'result[0] >= 1' }], values(0)).phase).toBe('Failed');
    expect(runAnalysis([{ name: 'x', successCondition: 'result[0] >= 1', failureCondition: 'result[0] < 0' }], values(0.5)).phase).toBe('Inconclusive');
    const e = runAnalysis([{ name: 'x', successCondition: 'result[0] >= 1', intervalSeconds: 60, count: 3 }], values('error'));
    expect(e.message).toBe('consecutiveErrors (5) > consecutiveErrorLimit (4)');
  });

  it('parses Go durations', () => {
    expect([goDurationSeconds('90s'), goDurationSeconds('1m'), goDurationSeconds('1h30m'), goDurationSeconds('500ms')]).toEqual([90, 60, 5400, 0.5]);
    expect(() => goDurationSeconds('1x')).toThrow();
  });
});
