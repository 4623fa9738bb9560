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
    expect(findings[0]!.message).toBe('at 1 req/s, the analysis at canary.steps[1] (canary weight 10%) counts about 30 canary requests in its 300 s evidence window (initialDelay 60 s + 4 × 60 s), fewer than the 100 a pass needs (slo.minRequests): a healthy canary would pause there for a human instead of being promoted (a bad one still aborts)');
    expect(findings[0]!.fix).toBe('lengthen the analysis to at least 1000 s (slo.count: 17 at the 1m interval, or a longer slo.interval); raise the weight before canary.steps[1] to at least 34%; lower slo.minRequests to 30 (a weaker pass); or deliver this service without a canary (Strategy.rolling(), or Strategy.blueGreen() with a smoke test)');
    expect(findings[1]!.message).toContain('the analysis at canary.steps[3] (canary weight 30%) counts about 90 canary requests');
  });

  it('GIVEN 5 req/s THEN the defaults reach a pass at every step (150 and 450 requests), and the annotation states the traffic', () => {
    const objects = api({ expectedRequestsPerSecond: 5 })();
    const parameters = JSON.parse(manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo').metadata.annotations[ANALYSIS_PARAMETERS_ANNOTATION]);
    expect(parameters).toMatchObject({ expectedRequestsPerSecond: 5, evidenceWindowSeconds: 300, minRequests: 100, maxRestarts: 0, baselineCap: 2, scrapeIntervalSeconds: 30 });
  });

  it('GIVEN 1 req/s with a longer analysis (count 17) THEN no problem; GIVEN steps 100% at 0.2 req/s THEN no weight is enough', () => {
    expect(() => api({ expectedRequestsPerSecond: 1, count: 17 })()).not.toThrow();
    const findings = synthFindings(api({ expectedRequestsPerSecond: 0.2 }, [CanaryStep.setWeight(100), CanaryStep.analysis()]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('no weight is enough: even 100% of 0.2 req/s for 300 s is 60 requests');
  });

  it('GIVEN a pause before the analysis and a longer interval THEN the window counts initialDelay + (count − 1) × interval only', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 2, interval: Duration.minutes(2), count: 3 }, [CanaryStep.setWeight(5), CanaryStep.pause(Duration.minutes(10)), CanaryStep.analysis()]));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('the analysis at canary.steps[2] (canary weight 5%) counts about 36 canary requests in its 360 s evidence window (initialDelay 120 s + 2 × 120 s)')]);
  });
});
