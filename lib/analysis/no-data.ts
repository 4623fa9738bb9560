/**
 * What an SLI measurement means when Prometheus has no answer: an empty vector (the series does not
 * exist, e.g. broken instrumentation) or NaN (a ratio over zero requests). Argo Rollouts errors on an
 * empty vector unless the condition guards it (argoproj/argo-rollouts#1466), and a NaN compares false
 * with everything (#180), so every condition we emit guards both and maps them to this choice.
 */
export enum NoData {
  /** Count the measurement as passed: no data is no evidence of harm. */
  PASS = 'pass',
  /** Count it as failed: no data is itself a problem. */
  FAIL = 'fail',
  /** Neither: after `inconclusiveLimit` such measurements the rollout pauses for a human. */
  INCONCLUSIVE = 'inconclusive',
}

/** A guard that is true when the result has no usable value. */
export const NO_DATA_GUARD = '(len(result) == 0 || isNaN(result[0]))';
/** A guard that is true when the result has a usable value. */
export const HAS_DATA_GUARD = '(len(result) > 0 && !isNaN(result[0]))';

/**
 * successCondition and failureCondition for a threshold SLI. `pass` and `fail` are expressions on
 * `result[0]`; a value matching neither is inconclusive, and so is no data unless `noData` says otherwise.
 */
export function conditions(pass: string, fail: string, noData: NoData): { successCondition: string; failureCondition: string } {
  const success = `${HAS_DATA_GUARD} && ${pass}`;
  const failure = `${HAS_DATA_GUARD} && ${fail}`;
  return {
    successCondition: noData === NoData.PASS ? `${NO_DATA_GUARD} || (${success})` : success,
    failureCondition: noData === NoData.FAIL ? `${NO_DATA_GUARD} || (${failure})` : failure,
  };
}
