import { Duration } from 'cdk8s';
import { exactSeconds, goDuration, isWholeSeconds } from '../core/duration.js';

/**
 * One step of a canary. Each step does exactly one thing (Argo Rollouts rejects a step with two actions).
 * There is deliberately no indefinite pause: a Rollout paused without a duration reports Suspended and
 * blocks every later Argo CD sync wave and PostSync hook (argoproj/argo-cd#19422).
 */
export class CanaryStep {
  /** Send `percent` of traffic (1..100) to the canary. */
  public static setWeight(percent: number): CanaryStep {
    return new CanaryStep('setWeight', percent);
  }

  /** Run the service's SLO AnalysisTemplate against the canary pods; a failure aborts the rollout. */
  public static analysis(): CanaryStep {
    return new CanaryStep('analysis');
  }

  /** Wait for a fixed time (at least 1 second). */
  public static pause(duration: Duration): CanaryStep {
    return new CanaryStep('pause', undefined, duration);
  }

  private constructor(
    /** What the step does. */
    public readonly action: 'setWeight' | 'analysis' | 'pause',
    /** Traffic percentage, for setWeight. */
    public readonly weight?: number,
    /** Pause length, for pause. */
    public readonly duration?: Duration,
  ) {}

  /** The Argo Rollouts step, given the analysis step's rendered body. */
  public render(analysis: Record<string, unknown>): Record<string, unknown> {
    switch (this.action) {
      case 'setWeight':
        return { setWeight: this.weight };
      case 'pause':
        return { pause: { duration: goDuration(this.duration!) } };
      default:
        return { analysis };
    }
  }
}

/** The seed's canary: 10% → analysis → 30% → analysis → promote to 100%. */
export const DEFAULT_CANARY_STEPS: readonly CanaryStep[] = [
  CanaryStep.setWeight(10),
  CanaryStep.analysis(),
  CanaryStep.setWeight(30),
  CanaryStep.analysis(),
];

/**
 * Problems with a list of canary steps: weights out of 1..100 or not increasing, pauses under a second,
 * no analysis at all (nothing could auto-abort), or no weight step.
 */
export function checkCanarySteps(steps: readonly CanaryStep[], field: string): { field: string; value: unknown; message: string; fix: string }[] {
  const out: { field: string; value: unknown; message: string; fix: string }[] = [];
  let previous = 0;
  steps.forEach((step, i) => {
    if (step.action === 'setWeight') {
      const w = step.weight;
      if (!(Number.isInteger(w) && w! >= 1 && w! <= 100)) {
        out.push({ field: `${field}[${i}].setWeight`, value: w, message: 'must be a whole percentage from 1 to 100', fix: 'use CanaryStep.setWeight(n) with 1 <= n <= 100' });
      } else if (w! <= previous) {
        out.push({ field: `${field}[${i}].setWeight`, value: w, message: `must be above the previous weight (${previous}): canary traffic only grows, an abort is what sends it back`, fix: 'order the weights from low to high, e.g. 10, 30, 60' });
      } else {
        previous = w!;
      }
    }
    if (step.action === 'pause' && !isWholeSeconds(step.duration, 1)) {
      out.push({ field: `${field}[${i}].pause`, value: step.duration && exactSeconds(step.duration), message: 'must last a whole number of seconds, at least 1', fix: 'use CanaryStep.pause(Duration.seconds(30)) or longer' });
    }
  });
  if (steps.length === 0) {
    out.push({ field, value: [], message: 'is empty', fix: 'give at least one setWeight and one analysis step, or omit the prop for the default 10% → analysis → 30% → analysis' });
    return out;
  }
  if (!steps.some((s) => s.action === 'analysis')) {
    out.push({ field, value: steps.map((s) => s.action), message: 'has no analysis step, so a bad canary could never abort automatically', fix: 'add CanaryStep.analysis() after each setWeight step' });
  }
  if (!steps.some((s) => s.action === 'setWeight')) {
    out.push({ field, value: steps.map((s) => s.action), message: 'has no setWeight step, so the canary never receives traffic before promotion', fix: 'start with CanaryStep.setWeight(10)' });
  }
  const firstAnalysis = steps.findIndex((s) => s.action === 'analysis');
  const firstWeight = steps.findIndex((s) => s.action === 'setWeight');
  if (firstAnalysis >= 0 && firstWeight >= 0 && firstAnalysis < firstWeight) {
    out.push({ field: `${field}[${firstAnalysis}]`, value: 'analysis', message: 'analyses the canary before it receives any traffic', fix: 'put a setWeight step before the first analysis' });
  }
  return out;
}
