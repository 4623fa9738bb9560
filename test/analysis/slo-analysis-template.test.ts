import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_PARAMETERS_ANNOTATION } from '../../lib/analysis/analysis-parameters.js';
import type { ServiceLevelObjectives } from '../../lib/analysis/service-level-objectives.js';
import { CanaryStep } from '../../lib/delivery/canary-step.js';
import { Environment } from '../../lib/core/environment.js';
import { Probe } from '../../lib/pod/probe.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, synthFindings, synthPlatform } from '../helpers.js';

const router = TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] });
const api = (slo: ServiceLevelObjectives, steps?: CanaryStep[]) => () =>
  synthPlatform((env) => {
    new StatelessService(env, 'api', { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), trafficRouter: router, slo, canary: steps ? { steps } : undefined });
  }, [Environment.prod()]);

describe('expectedRequestsPerSecond: can every analysis step reach a pass?', () => {
  it('GIVEN 1 req/s and the default 10% → 30% steps THEN both steps are reported with the numbers and the ways out', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 1 }));
    expect(findings.map((f) => [f.field, f.value, f.rule])).toEqual([
      ['slo.expectedRequestsPerSecond', 1, 'analysis/evidence-unreachable'],
      ['slo.expectedRequestsPerSecond', 1, 'analysis/evidence-unreachable'],
    ]);
    expect(findings[0]!.message).toBe('at 1 req/s, the analysis at canary.steps[1] (canary weight 10%) counts about 24 canary requests by its measurement 4 (240 s into the step: initialDelay 60 s + inconclusiveLimit 3 × 60 s), the last one that may still pass; a pass needs 100 (slo.minRequests), about 123 on average to get there in ~98 % of steps: a healthy canary would pause there for a human instead of being promoted (a bad one still aborts)');
    expect(findings[0]!.fix).toBe('lengthen the analysis so that measurement 4 comes at least 1230 s into the step (slo.count: 22 at the 1m interval with the default inconclusiveLimit, or a longer slo.interval); raise the weight before canary.steps[1] to at least 52%; lower slo.minRequests to 14 (a weaker pass); or deliver this service without a canary (Strategy.rolling(), or Strategy.blueGreen() with a smoke test)');
    expect(findings[1]!.message).toContain('the analysis at canary.steps[3] (canary weight 30%) counts about 72 canary requests');
  });

  it('GIVEN 5 req/s THEN the 10% step is short by a little (120 on average by minute 4) and count 6 is the fix that works', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 5 }));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('(slo.count: 6 at the 1m interval');
    expect(() => api({ expectedRequestsPerSecond: 5, count: 6 })()).not.toThrow();
  });

  it('GIVEN 6 req/s THEN the defaults reach a pass at every step (144 and 432 requests by minute 4), and the annotation states the traffic', () => {
    const objects = api({ expectedRequestsPerSecond: 6 })();
    const parameters = JSON.parse(manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo').metadata.annotations[ANALYSIS_PARAMETERS_ANNOTATION]);
    expect(parameters).toMatchObject({ expectedRequestsPerSecond: 6, evidenceWindowSeconds: 300, minRequests: 100, maxRestarts: 0, baselineCap: 2, scrapeIntervalSeconds: 30 });
  });

  it('GIVEN 1 req/s with a longer analysis (count 22) THEN no problem; GIVEN steps 100% at 0.2 req/s THEN no weight is enough', () => {
    expect(() => api({ expectedRequestsPerSecond: 1, count: 22 })()).not.toThrow();
    const findings = synthFindings(api({ expectedRequestsPerSecond: 0.2 }, [CanaryStep.setWeight(100), CanaryStep.analysis()]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('no weight is enough: even 100% of 0.2 req/s for 240 s is 48 requests');
  });

  it('GIVEN a pause before the analysis and a longer interval THEN only the analysis counts, up to its last measurement that may still pass', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 2, interval: Duration.minutes(2), count: 3 }, [CanaryStep.setWeight(5), CanaryStep.pause(Duration.minutes(10)), CanaryStep.analysis()]));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('the analysis at canary.steps[2] (canary weight 5%) counts about 24 canary requests by its measurement 2 (240 s into the step: initialDelay 120 s + inconclusiveLimit 1 × 120 s)')]);
  });
});

describe('the score 2·(√E − √(N·F)) the queries compute', () => {
  // P(X ≥ k) for X ~ Binomial(n, p), summing the pmf iteratively (exact to double precision for these n).
  const upperTail = (k: number, n: number, p: number): number => {
    let pmf = (1 - p) ** n;
    let below = 0;
    for (let i = 0; i < k; i++) {
      below += pmf;
      pmf *= ((n - i) / (i + 1)) * (p / (1 - p));
    }
    return Math.max(0, 1 - below);
  };
  const z = 2.326;

  it('GIVEN a canary exactly at the abort line THEN a measurement fails with probability ≤ 1 − confidence at every N from 1 to 3,000', () => {
    let worst = 0;
    for (const f of [0.002, 0.01, 0.015, 0.03]) {
      for (let n = 1; n <= 3000; n += n < 300 ? 1 : 37) {
        // The fewest bad events whose score exceeds z.
        const k = Math.floor((Math.sqrt(n * f) + z / 2) ** 2) + 1;
        if (k > n) continue;
        worst = Math.max(worst, upperTail(k, n, f));
      }
    }
    expect(worst).toBeLessThanOrEqual(0.01);
    expect(worst).toBeGreaterThan(0.005);
  });

  it('GIVEN 100 % 5xx THEN 2 requests fail a measurement against a 1 % line, 1 does not; the former (E − λ)/√λ failed a healthy canary on one 5xx in 10 requests', () => {
    const score = (e: number, n: number, f: number) => 2 * (Math.sqrt(e) - Math.sqrt(n * f));
    expect(score(2, 2, 0.01)).toBeGreaterThan(z);
    expect(score(1, 1, 0.01)).toBeLessThanOrEqual(z);
    expect(score(1, 10, 0.01)).toBeLessThanOrEqual(z);
    expect((1 - 10 * 0.01) / Math.sqrt(10 * 0.01)).toBeGreaterThan(z);
    // …where P(X ≥ 1 | n = 10, p = 1 %) is 9.6 %, far above 1 − confidence.
    expect(upperTail(1, 10, 0.01)).toBeGreaterThan(0.09);
  });
});
