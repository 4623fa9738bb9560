import type { ProviderOutcome } from '../evaluate/analysis-run.js';
import type { TrialVerdict } from './scenarios.js';

/**
 * Scenarios for `web`-provider smoke tests, answered the way Argo Rollouts v1.9.1's webmetric provider
 * sees them: a non-2xx status is an Error measurement; a JSON body is reduced by `jsonPath` and handed
 * to the conditions; a body that is not JSON is Successful without evaluating anything.
 */
export interface WebScenario {
  readonly id: string;
  readonly title: string;
  readonly expectation: string;
  readonly accept: (verdicts: readonly TrialVerdict[]) => boolean;
  /** The provider's outcome for the `call`-th GET. */
  readonly respond: (call: number, at: number, random: () => number, jsonPath?: string) => ProviderOutcome;
}

/** `{$.a.b}` or `{.a.b}` applied to a JSON body; undefined when the path selects nothing. */
export function selectJsonPath(body: unknown, jsonPath: string | undefined): { value: unknown } | undefined {
  if (jsonPath === undefined) return { value: body };
  const m = /^\{\$?((?:\.[A-Za-z0-9_-]+)*)\}$/.exec(jsonPath);
  if (!m) throw new Error(`jsonPath ${jsonPath} is not simulated (only {$.a.b} paths are)`);
  let v: unknown = body;
  for (const key of m[1]!.split('.').filter(Boolean)) {
    if (v === null || typeof v !== 'object' || !(key in (v as object))) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return { value: v };
}

function answer(status: number, body: string, jsonPath?: string): ProviderOutcome {
  if (status < 200 || status >= 300) return { error: `received non 2xx response code: ${status}` };
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch {
    // v1.9.1: a body that is not JSON is Successful, the condition is never evaluated.
    return { result: true, value: body };
  }
  const selected = selectJsonPath(data, jsonPath);
  if (!selected) return { error: 'Could not find JSONPath in body' };
  return { result: selected.value, value: JSON.stringify(selected.value) };
}

const share = (v: readonly TrialVerdict[], ok: (x: TrialVerdict) => boolean) => v.filter(ok).length / Math.max(1, v.length);

/** The smoke-test scenarios. */
export function webScenarios(): WebScenario[] {
  return [
    {
      id: 'healthy', title: 'green answers 200 {"status":"ok"}', expectation: 'Successful in 100 %',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 1,
      respond: (_c, _t, _r, jp) => answer(200, '{"status":"ok"}', jp),
    },
    {
      id: 'body-down', title: 'green answers 200 {"status":"down"}', expectation: 'never Successful',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 0,
      respond: (_c, _t, _r, jp) => answer(200, '{"status":"down"}', jp),
    },
    {
      id: 'transient-503', title: 'one 503 at a random GET, then healthy', expectation: 'Successful in 100 %',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 1,
      respond: (() => {
        let failAt = -1;
        return (call: number, _t: number, random: () => number, jp?: string) => {
          if (call === 0) failAt = Math.floor(random() * 3);
          return call === failAt ? answer(503, 'unavailable', jp) : answer(200, '{"status":"ok"}', jp);
        };
      })(),
    },
    {
      id: 'down-503', title: 'green answers 503 every time', expectation: 'never Successful',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 0,
      respond: (_c, _t, _r, jp) => answer(503, 'unavailable', jp),
    },
  ];
}
