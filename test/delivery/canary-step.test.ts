import { Duration } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { CanaryStep, checkCanarySteps, DEFAULT_CANARY_STEPS } from '../../lib/delivery/canary-step.js';
import { checkSurge } from '../../lib/delivery/strategy.js';

describe('canary steps', () => {
  it('defaults to the seed: 10 → analysis → 30 → analysis', () => {
    expect(DEFAULT_CANARY_STEPS.map((s) => s.weight ?? s.action)).toEqual([10, 'analysis', 30, 'analysis']);
    expect(checkCanarySteps(DEFAULT_CANARY_STEPS, 'steps')).toEqual([]);
  });

  it('renders timed pauses as Go durations', () => {
    expect(CanaryStep.pause(Duration.seconds(90)).render({})).toEqual({ pause: { duration: '1m30s' } });
  });

  it('rejects analysis before any traffic, sub-second pauses, no weight and an empty list', () => {
    expect(checkCanarySteps([CanaryStep.analysis(), CanaryStep.setWeight(20)], 's').map((p) => [p.field, p.message])).toEqual([
      ['s[0]', 'analyses the canary before it receives any traffic'],
    ]);
    expect(checkCanarySteps([CanaryStep.setWeight(20), CanaryStep.pause(Duration.millis(200)), CanaryStep.analysis()], 's').map((p) => p.field)).toEqual(['s[1].pause']);
    expect(checkCanarySteps([CanaryStep.analysis()], 's').map((p) => p.message)).toEqual(['has no setWeight step, so the canary never receives traffic before promotion']);
    expect(checkCanarySteps([], 's').map((p) => p.message)).toEqual(['is empty']);
  });

  it('checks surge values', () => {
    expect(checkSurge({ maxSurge: '25%', maxUnavailable: 0 }, 'r')).toEqual([]);
    expect(checkSurge({ maxSurge: '125%', maxUnavailable: -1 }, 'r').map((p) => p.field)).toEqual(['r.maxSurge', 'r.maxUnavailable']);
    expect(checkSurge({ maxSurge: '0%', maxUnavailable: 0 }, 'r').map((p) => p.message)).toEqual(['and maxUnavailable are both 0, so no pod could ever be replaced']);
  });
});
