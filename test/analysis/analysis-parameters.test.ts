import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { ANALYSIS_PARAMETERS, ANALYSIS_PARAMETERS_ANNOTATION } from '../../lib/analysis/analysis-parameters.js';
import { Probe } from '../../lib/pod/probe.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, synthPlatform } from '../helpers.js';

describe('the analysis-parameters annotation of an SLO AnalysisTemplate', () => {
  it('GIVEN an SLO with an explicit abort line and excluded paths THEN the annotation states every decision parameter, in table order, and nothing else', () => {
    const objects = synthPlatform((env) => {
      new StatelessService(env, 'api', {
        image: DIGEST_IMAGE,
        readinessProbe: Probe.httpGet('/readyz'),
        trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system', hostnames: ['api.acme.example'] }),
        slo: { successRate: 0.999, successRateFailBelow: 0.98, latencyP99: Duration.millis(250), excludePaths: ['/metrics'], cpuSaturationPassBelow: 0.8 },
      });
    });
    const template = manifestOf(objects, 'prod', 'AnalysisTemplate', 'api-slo');
    const parameters = JSON.parse(template.metadata.annotations[ANALYSIS_PARAMETERS_ANNOTATION]);
    expect(parameters).toEqual({
      successRate: 0.999,
      successRateFailBelow: 0.98,
      latencyP99Seconds: 0.25,
      latencyP99FailAboveSeconds: 0.5,
      confidence: 0.99,
      minRequests: 100,
      windowSeconds: 120,
      evidenceWindowSeconds: 300,
      scrapeIntervalSeconds: 30,
      compareWithStable: true,
      baselineCap: 2,
      excludePaths: ['/metrics', '/readyz'],
      maxRestarts: 0,
      cpuSaturationPassBelow: 0.8,
      cpuSaturationFailAbove: 0.95,
    });
    const order = ANALYSIS_PARAMETERS.map((p) => p.key);
    expect(Object.keys(parameters)).toEqual(order.filter((k) => k in parameters));
  });
});
