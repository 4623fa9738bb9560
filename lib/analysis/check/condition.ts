import { compileCondition, ExprError } from '../evaluate/expr.js';

/**
 * Whether a successCondition/failureCondition parses with the evaluator that `analysis simulate` uses
 * (the subset of expr our conditions and common hand-written ones use). A condition outside it is
 * reported: it either does not compile in Argo Rollouts either, or cannot be simulated.
 * Returns a message, or undefined when it parses.
 */
export function conditionSyntaxError(condition: string): string | undefined {
  try {
    compileCondition(condition.replace(/\{\{\s*args\.[A-Za-z0-9_.-]+\s*\}\}/g, '0'));
    return undefined;
  } catch (e) {
    if (e instanceof ExprError) return e.message;
    throw e;
  }
}
