import { App, Chart } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { BlueGreenContext, checkBlueGreen, previewServiceName } from '../../lib/delivery/blue-green.js';
import { emitBlueGreenRollout } from '../../lib/delivery/rollout.js';
import { BlueGreenStrategy, Strategy } from '../../lib/delivery/strategy.js';

const ctx: BlueGreenContext = { activeService: 'web', previewService: 'web-preview', maxReplicas: 4, environment: 'prod', smokeTestMaxSeconds: 35 };

describe('Strategy.blueGreen', () => {
  it('defaults to automatic promotion gated by the smoke test, and keeps blue for 600 s', () => {
    // WHEN a blue-green is created without props
    const s = Strategy.blueGreen();
    // THEN every default is the documented one
    expect(s).toBeInstanceOf(BlueGreenStrategy);
    expect([s.kind, s.autoPromotionEnabled, s.autoPromotionSeconds, s.scaleDownDelaySeconds, s.previewReplicaCount, s.abortScaleDownDelaySeconds, s.previewServiceName, s.smokeTest])
      .toEqual(['blueGreen', true, undefined, 600, undefined, undefined, undefined, {}]);
    expect(previewServiceName(s, 'web')).toBe('web-preview');
    expect(checkBlueGreen(s, 'blueGreen', ctx)).toEqual([]);
  });

  it('accepts every value at the edge of its range', () => {
    const s = Strategy.blueGreen({ autoPromotionSeconds: 36, scaleDownDelaySeconds: 0, previewReplicaCount: 4, abortScaleDownDelaySeconds: 0, previewServiceName: 'web-green' });
    expect(checkBlueGreen(s, 'blueGreen', { ...ctx, previewService: previewServiceName(s, 'web') })).toEqual([]);
  });
});

describe('checkBlueGreen', () => {
  it('rejects values out of range, fractions included, each under its field', () => {
    // GIVEN every number out of range
    const s = Strategy.blueGreen({ autoPromotionSeconds: 1.5, scaleDownDelaySeconds: -1, previewReplicaCount: 0, abortScaleDownDelaySeconds: 86_401 });
    // THEN each is reported once, with the value seen
    expect(checkBlueGreen(s, 'blueGreen', ctx).map((p) => [p.field, p.value, p.message])).toEqual([
      ['blueGreen.autoPromotionSeconds', 1.5, 'must be a whole number of seconds from 1 to 86400'],
      ['blueGreen.scaleDownDelaySeconds', -1, 'must be a whole number of seconds from 0 to 86400: it is how long the old stack stays up for an instant rollback'],
      ['blueGreen.abortScaleDownDelaySeconds', 86_401, 'must be a whole number of seconds from 0 to 86400 (0 keeps the aborted stack until the next release)'],
      ['blueGreen.previewReplicaCount', 0, 'must be a whole number from 1 to the 4 replica(s) the workload runs at most in environment "prod": green is scaled to the full count before the flip anyway'],
    ]);
  });

  it('rejects a preview larger than the workload', () => {
    const [problem] = checkBlueGreen(Strategy.blueGreen({ previewReplicaCount: 5 }), 'blueGreen', ctx);
    expect(problem).toEqual({ field: 'blueGreen.previewReplicaCount', value: 5, message: expect.stringContaining('from 1 to the 4 replica(s)'), fix: 'use a count from 1 to 4, or omit it to preview at full size' });
  });

  it('rejects autoPromotionSeconds that Argo Rollouts would ignore (argoproj/argo-rollouts#2000)', () => {
    const s = Strategy.blueGreen({ autoPromotionEnabled: false, autoPromotionSeconds: 300 });
    expect(checkBlueGreen(s, 'blueGreen', ctx)).toEqual([{
      field: 'blueGreen.autoPromotionSeconds',
      value: 300,
      rule: 'rollout/auto-promotion-seconds-ignored',
      message: 'is ignored when autoPromotionEnabled is false: the Rollout would wait for a manual promotion forever (argoproj/argo-rollouts#2000)',
      fix: 'remove autoPromotionEnabled: false to promote after the wait, or remove autoPromotionSeconds for a manual promotion',
    }]);
  });

  it('rejects an autoPromotionSeconds that would promote before the smoke test ends', () => {
    // GIVEN a smoke test that can take 35 s and an automatic promotion after exactly 35 s
    const problems = checkBlueGreen(Strategy.blueGreen({ autoPromotionSeconds: 35 }), 'blueGreen', ctx);
    // THEN the untested promotion is named
    expect(problems).toEqual([{
      field: 'blueGreen.autoPromotionSeconds',
      value: 35,
      rule: 'rollout/auto-promotion-skips-smoke-test',
      message: 'is not longer than the smoke test can take (35s): Argo Rollouts marks a pre-promotion analysis still running when autoPromotionSeconds elapse as successful, so green could be promoted untested',
      fix: 'set autoPromotionSeconds above 35, or shorten the smoke test (count, interval, timeoutSeconds)',
    }]);
  });

  it('rejects a preview Service named like the active one, and a non-DNS name', () => {
    expect(checkBlueGreen(Strategy.blueGreen({ previewServiceName: 'web' }), 'environments.prod.strategy', { ...ctx, previewService: 'web' })).toEqual([{
      field: 'environments.prod.strategy.previewServiceName',
      value: 'web',
      rule: 'rollout/duplicate-services',
      message: "is the active Service's name too: Argo Rollouts needs two Services (it would point users at the untested stack) and marks the Rollout InvalidSpec",
      fix: 'use another name, e.g. "web-preview" (the default)',
    }]);
    expect(checkBlueGreen(Strategy.blueGreen({ previewServiceName: 'Web_Preview' }), 'blueGreen', { ...ctx, previewService: 'Web_Preview' }).map((p) => [p.field, p.message]))
      .toEqual([['blueGreen.previewServiceName', 'is not a lower-case DNS label of at most 63 characters']]);
  });

  it('rejects a non-boolean autoPromotionEnabled from untyped callers', () => {
    const s = Strategy.blueGreen({ autoPromotionEnabled: 'false' as unknown as boolean });
    expect(checkBlueGreen(s, 'blueGreen', ctx).map((p) => [p.field, p.value])).toEqual([['blueGreen.autoPromotionEnabled', 'false']]);
  });
});

describe('emitBlueGreenRollout', () => {
  const render = (strategy: BlueGreenStrategy, replicas?: number) => {
    const chart = new Chart(new App(), 'test');
    const labels = { 'app.kubernetes.io/name': 'web' };
    return emitBlueGreenRollout(chart, {
      name: 'web',
      namespace: 'shop',
      labels,
      selector: labels,
      replicas,
      podTemplate: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'web' }] } },
      strategy,
      activeService: 'web',
      previewService: 'web-preview',
      prePromotionAnalysis: { templates: [{ templateName: 'web-smoke-test' }] },
    }).toJson();
  };

  it('renders the defaults explicitly and leaves unset options and trafficRouting out', () => {
    const rollout = render(Strategy.blueGreen());
    expect(rollout.spec.strategy).toEqual({
      blueGreen: {
        activeService: 'web',
        previewService: 'web-preview',
        autoPromotionEnabled: true,
        scaleDownDelaySeconds: 600,
        prePromotionAnalysis: { templates: [{ templateName: 'web-smoke-test' }] },
      },
    });
    expect([rollout.spec.progressDeadlineAbort, rollout.spec.revisionHistoryLimit, 'replicas' in rollout.spec, rollout.spec.workloadRef]).toEqual([true, 5, false, undefined]);
    expect(rollout.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '30', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
  });

  it('renders every promotion setting that is set', () => {
    const rollout = render(Strategy.blueGreen({ autoPromotionSeconds: 120, scaleDownDelaySeconds: 60, previewReplicaCount: 1, abortScaleDownDelaySeconds: 0 }), 3);
    expect(rollout.spec.replicas).toBe(3);
    expect(rollout.spec.strategy.blueGreen).toMatchObject({ autoPromotionEnabled: true, autoPromotionSeconds: 120, scaleDownDelaySeconds: 60, previewReplicaCount: 1, abortScaleDownDelaySeconds: 0 });
  });
});
