import { Duration } from 'cdk8s';
import { describe, expect, it, vi } from 'vitest';
import { ANALYSIS_PARAMETERS_ANNOTATION } from '../../lib/analysis/analysis-parameters.js';
import { resolveSlo, type ServiceLevelObjectives } from '../../lib/analysis/service-level-objectives.js';
import { verdictWindowSeconds } from '../../lib/analysis/slo-analysis-template.js';
import { runAnalysis } from '../../lib/analysis/evaluate/analysis-run.js';
import { metricsForStep, subjectsOf } from '../../lib/analysis/simulate/subjects.js';
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
    expect(findings[0]!.message).toBe('at 1 req/s, the analysis at canary.steps[1] (canary weight 10%) counts about 30 canary requests by its verdict (300 s into the step: initialDelay 60 s + (count 5 − 1) × 60 s); a pass needs 100 (slo.minRequests), about 123 on average to get there in ~98 % of steps: a healthy canary would pause there for a human instead of being promoted (a bad one still aborts)');
    expect(findings[0]!.fix).toBe('lengthen the analysis so that its verdict comes at least 1230 s into the step (slo.count: 21 at the 1m interval, or a longer slo.interval); raise the weight before canary.steps[1] to at least 41%; lower slo.minRequests to 19 (a weaker pass); or deliver this service without a canary (Strategy.rolling(), or Strategy.blueGreen() with a smoke test)');
    expect(findings[1]!.message).toContain('the analysis at canary.steps[3] (canary weight 30%) counts about 90 canary requests');
  });

  it('GIVEN 4 req/s THEN the 10% step is short by a little (120 on average by its verdict at minute 5) and count 6 is the fix that works', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 4 }));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('(slo.count: 6 at the 1m interval');
    expect(() => api({ expectedRequestsPerSecond: 4, count: 6 })()).not.toThrow();
  });

  it('GIVEN 5 req/s THEN the defaults reach a pass at every step (150 and 450 requests by the verdict at minute 5), and the annotation states the traffic', () => {
    const objects = api({ expectedRequestsPerSecond: 5 })();
    const parameters = JSON.parse(manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo').metadata.annotations[ANALYSIS_PARAMETERS_ANNOTATION]);
    expect(parameters).toMatchObject({ expectedRequestsPerSecond: 5, evidenceWindowSeconds: 300, minRequests: 100, maxRestarts: 0, baselineCap: 2, scrapeIntervalSeconds: 30 });
  });

  it('GIVEN 1 req/s with a longer analysis (count 21) THEN no problem; GIVEN steps 100% at 0.2 req/s THEN no weight is enough', () => {
    expect(() => api({ expectedRequestsPerSecond: 1, count: 21 })()).not.toThrow();
    const findings = synthFindings(api({ expectedRequestsPerSecond: 0.2 }, [CanaryStep.setWeight(100), CanaryStep.analysis()]));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.fix).toContain('no weight is enough: even 100% of 0.2 req/s for 300 s is 60 requests');
  });

  it('GIVEN a pause before the analysis and a longer interval THEN only the analysis counts, up to its verdict', () => {
    const findings = synthFindings(api({ expectedRequestsPerSecond: 2, interval: Duration.minutes(2), count: 3 }, [CanaryStep.setWeight(5), CanaryStep.pause(Duration.minutes(10)), CanaryStep.analysis()]));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('the analysis at canary.steps[2] (canary weight 5%) counts about 36 canary requests by its verdict (360 s into the step: initialDelay 120 s + (count 3 − 1) × 120 s)')]);
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

describe('the step verdicts: the last analysis step promotes only at a score ≤ 0.674 over the canary\'s whole life', () => {
  const slo = resolveSlo({}, 'slo', []).resolved;

  it('GIVEN 10% → analysis → 30% → pause 2m → analysis → 60% THEN the verdict window covers both analyses and the pause (not what follows)', () => {
    const steps = [CanaryStep.setWeight(10), CanaryStep.analysis(), CanaryStep.setWeight(30), CanaryStep.pause(Duration.minutes(2)), CanaryStep.analysis(), CanaryStep.setWeight(60), CanaryStep.pause(Duration.minutes(30))];
    expect(verdictWindowSeconds(steps, slo)).toBe(300 + 120 + 300);
    // One analysis step is the evidence window.
    expect(verdictWindowSeconds([CanaryStep.setWeight(10), CanaryStep.analysis(), CanaryStep.setWeight(50)], slo)).toBe(300);
  });

  it('GIVEN the verdict metrics of a template THEN each step runs them with its own pass line: a score of 1.5 passes the first step, pauses the last', () => {
    const objects = api({})();
    const template = manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo');
    const subject = subjectsOf(objects.map((o) => o.manifest)).find((x) => x.template === 'api-slo');
    if (subject?.kind !== 'prometheus') throw new Error('no subject');
    expect(subject.steps.map((st) => st.args['verdict-pass-line'])).toEqual(['2.326', '0.674']);
    const verdicts = template.spec.metrics.filter((m: any) => m.name.endsWith('-verdict')).map((m: any) => m.name);
    const phases = subject.steps.map((st) => {
      const metrics = metricsForStep(subject.metrics, st.args).filter((m) => verdicts.includes(m.name));
      return runAnalysis(metrics, () => ({ result: [1.5] })).phase;
    });
    expect(phases).toEqual(['Successful', 'Inconclusive']);
    // Significant evidence fails every step; a score at or under the promotion line passes every step.
    for (const [score, phase] of [[2.4, 'Failed'], [0.6, 'Successful']] as const) {
      for (const st of subject.steps) expect(runAnalysis(metricsForStep(subject.metrics, st.args).filter((m) => verdicts.includes(m.name)), () => ({ result: [score] })).phase).toBe(phase);
    }
  });
});

describe('the queries of templates with the same objectives are built once per process', () => {
  type Variant = [ServiceLevelObjectives, CanaryStep[]?];
  const variants: Variant[] = [
    [{}],
    [{ minRequests: 50 }],
    [{ compareWithStable: false }],
    [{ successRateFailBelow: 0.97 }],
    [{ latencyP99: Duration.millis(250) }],
    [{ excludePaths: ['/metrics.json'] }],
    [{ prometheus: { statusCodeLabel: 'code' } }],
    [{ prometheus: { scrapeInterval: Duration.seconds(15) } }],
    [{ prometheus: { requestDurationHistogram: 'http_request_duration_seconds' } }],
    [{ baselineCap: 3 }],
    [{ confidence: 0.95 }],
    [{}, [CanaryStep.setWeight(20), CanaryStep.analysis()]],
  ];
  // The metrics' names and queries of the service's template, synthesized with the modules of the current module graph.
  const load = async () => {
    const [helpers, workloads, probe, traffic, environment, canary] = await Promise.all([import('../helpers.js'), import('../../lib/workloads/stateless-service.js'), import('../../lib/pod/probe.js'), import('../../lib/traffic/traffic-router.js'), import('../../lib/core/environment.js'), import('../../lib/delivery/canary-step.js')]);
    const trafficRouter = traffic.TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] });
    return ([slo, steps]: Variant) => {
      const objects = helpers.synthPlatform((env) => {
        const canarySteps = steps?.map((s) => (s.action === 'setWeight' ? canary.CanaryStep.setWeight(s.weight!) : canary.CanaryStep.analysis()));
        new workloads.StatelessService(env, 'api', { image: helpers.DIGEST_IMAGE, readinessProbe: probe.Probe.httpGet('/readyz'), trafficRouter, slo, canary: canarySteps ? { steps: canarySteps } : undefined });
      }, [environment.Environment.prod()]);
      const template = objects.find((o) => o.manifest.kind === 'AnalysisTemplate')!.manifest;
      return (template.spec.metrics as { name: string; provider: { prometheus: { query: string } } }[]).map((m) => `${m.name}: ${m.provider.prometheus.query}`);
    };
  };

  it('GIVEN templates whose objectives differ in one input of the queries, built one after the other twice THEN each has the queries it has when built alone, in a fresh process', async () => {
    const alone: string[][] = [];
    for (const variant of variants) {
      vi.resetModules();
      alone.push((await load())(variant));
    }
    vi.resetModules();
    const queries = await load();
    const inOne = [...variants, ...variants].map(queries);
    expect(inOne).toEqual([...alone, ...alone]);
    expect(new Set(alone.map((q) => q.join('\n'))).size).toBe(variants.length);
  });
});
