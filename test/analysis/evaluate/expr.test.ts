import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateResult, ExprError } from '../../../lib/analysis/evaluate/expr.js';

// Cases derived from what argo-rollouts v1.9.1 utils/evaluate/evaluate_test.go establishes
// (TestEvaluateResult*, TestEvaluateCondition*, TestErrorWith*, TestEvaluateInOperator,
// TestEvaluateFloat64, TestEvaluateInvalidStruct, TestEvaluateAsInt*, TestEvaluateAsFloat*), plus the
// guarded forms our templates emit. Upstream's expr engine is the reference; no code is copied.
describe('EvaluateResult (phase of one measurement)', () => {
  it.each([
    ['true', 'false', 'Successful'],
    ['true', 'true', 'Failed'],
    ['false', 'false', 'Inconclusive'],
    ['', 'false', 'Successful'],
    ['false', '', 'Failed'],
    ['', '', 'Successful'],
  ])('success %j, failure %j → %s', (success, failure, phase) => {
    expect(evaluateResult(true, success || undefined, failure || undefined).phase).toBe(phase);
  });

  it('is an Error when either condition does not evaluate (unknown name)', () => {
    expect(evaluateResult(true, 'a == true', 'true')).toEqual({ phase: 'Error', error: 'unknown name a' });
    expect(evaluateResult(true, 'true', 'a == true').phase).toBe('Error');
  });
});

describe('EvalCondition', () => {
  const ev = (result: unknown, condition: string) => compileCondition(condition).evaluate(result);

  it('compares the result', () => {
    expect(ev(true, 'result == true')).toBe(true);
    expect(ev(true, 'result == false')).toBe(false);
    expect(ev(5, 'result > 1')).toBe(true);
    expect(ev([2, 2], '2 in result')).toBe(true);
  });

  it('rejects a result that is not a bool, an unknown name, and a method call', () => {
    expect(() => ev(true, '1')).toThrow('expected bool, but got int');
    expect(() => ev(true, 'invalidVariable')).toThrow('unknown name invalidVariable');
    expect(() => ev(true, "result.Name() == 'hi'")).toThrow(ExprError);
  });

  it('converts with asInt and asFloat, and rejects what cannot convert', () => {
    expect(ev('1', 'asInt(result) == 1')).toBe(true);
    expect(ev(1.123, 'asInt(result) == 1')).toBe(true);
    expect(() => ev('1.1', 'asInt(result) == 1.1')).toThrow(ExprError);
    expect(ev('1.1', 'asFloat(result) == 1.1')).toBe(true);
    expect(ev('1.1', 'asFloat(result) >= 1.1')).toBe(true);
    expect(ev(1, 'asFloat(result) >= 1')).toBe(true);
    expect(() => ev('NotANum', 'asFloat(result) == 1.1')).toThrow('strconv.ParseFloat: parsing "NotANum": invalid syntax');
    expect(() => ev('1.1', 'asFloat(result) == "1.1"')).toThrow(/mismatched types float64 and string/);
  });

  it('guards empty vectors and NaN the way our templates do', () => {
    const guard = '(len(result) > 0 && !isNaN(result[0])) && result[0] <= 3.09';
    expect(ev([], guard)).toBe(false); // short-circuit: result[0] is never read
    expect(ev([NaN], guard)).toBe(false);
    expect(ev([1.2], guard)).toBe(true);
    expect(ev([4], guard)).toBe(false);
    expect(ev([], '(len(result) == 0 || isNaN(result[0])) || result[0] <= 1')).toBe(true);
  });

  it('errors instead of passing silently: index out of range, NaN compares false, bad syntax', () => {
    expect(() => ev([], 'result[0] >= 0.99')).toThrow(/index out of range/);
    expect(ev([NaN], 'result[0] >= 0.99')).toBe(false);
    expect(ev([NaN], 'result[0] < 0.99')).toBe(false);
    for (const bad of ['result[0] >=', 'result[0] >= 0.99 &&', '(result[0]', 'result[0] >== 1', 'result[0] => 1', 'foo(result)', '1abc > 0', '"open']) {
      expect(() => compileCondition(bad), bad).toThrow(ExprError);
    }
  });

  it('reads JSON bodies (web metric): fields, nested fields, string equality, and/or/not keywords', () => {
    expect(ev('ok', 'result == "ok"')).toBe(true);
    expect(ev({ status: 'UP', checks: { db: true } }, "result.status == 'UP' and result.checks.db")).toBe(true);
    expect(ev({ status: 'DOWN' }, 'not (result.status == "UP")')).toBe(true);
    expect(() => ev({ status: 'UP' }, 'result.status == 1')).toThrow(/mismatched types/);
  });
});
