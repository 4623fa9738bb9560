/**
 * What an SLI measurement means when Prometheus has no answer: an empty vector (the series does not
 * exist, e.g. broken instrumentation, or too few requests for a pass yet). Argo Rollouts errors on an
 * empty vector unless the condition guards it (argoproj/argo-rollouts#1466), so every condition we emit
 * guards it and maps it to this choice.
 */
export enum NoData {
  /** Count the measurement as passed: no data is no evidence of harm. */
  PASS = 'pass',
  /** Count it as failed: no data is itself a problem. */
  FAIL = 'fail',
  /** Neither: after `inconclusiveLimit` such measurements the rollout pauses for a human. */
  INCONCLUSIVE = 'inconclusive',
}

/** A guard that is true when the result has no value. */
export const NO_DATA_GUARD = 'len(result) == 0';
/**
 * A guard that is true when the result has a value the conditions can judge. NaN is a value that cannot
 * be judged: our queries return it when the baseline (the stable pods) is itself past the abort line,
 * and Prometheus when a ratio has nothing to divide (e.g. no CPU request). A NaN compares false with
 * everything (argoproj/argo-rollouts#180), so without this guard it would match neither condition anyway;
 * with it, the conditions say so: a NaN is Inconclusive whatever the no-data choice.
 */
const JUDGED_GUARD = '(len(result) > 0 && !isNaN(result[0]))';

/**
 * successCondition and failureCondition for a threshold SLI, as Argo Rollouts v1.9.1 evaluates them
 * (`utils/evaluate`): the failure condition wins, and a measurement matching neither is Inconclusive.
 * `pass` and `fail` are expressions on `result[0]`; a value matching neither is inconclusive, NaN is
 * always inconclusive, and no data (an empty result) is what `noData` says.
 */
export function conditions(pass: string, fail: string, noData: NoData): { successCondition: string; failureCondition: string } {
  const success = `${JUDGED_GUARD} && ${pass}`;
  const failure = `${JUDGED_GUARD} && ${fail}`;
  return {
    successCondition: noData === NoData.PASS ? `${NO_DATA_GUARD} || (${success})` : success,
    failureCondition: noData === NoData.FAIL ? `${NO_DATA_GUARD} || (${failure})` : failure,
  };
}
