import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { exactSeconds, goDuration, isWholeSeconds } from '../core/duration.js';
import { checkProps } from '../core/props/check-props.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';

/**
 * What a smoke-test GET must answer beyond a 2xx status. A bare status check passes
 * `200 {"status":"DOWN"}`.
 */
export class SmokeTestExpectation {
  /**
   * The JSON body's field at `jsonPath` (Kubernetes JSONPath, e.g. '{$.status}') equals `value`.
   * Argo Rollouts v1.9.1 counts a body that is not JSON as Successful without evaluating the condition
   * (argoproj/argo-rollouts#4535), so point this at a JSON health document.
   */
  public static jsonEquals(jsonPath: string, value: string | number | boolean): SmokeTestExpectation {
    return new SmokeTestExpectation(jsonPath, `result == ${JSON.stringify(value)}`);
  }

  /** Any condition over `result`, the value `jsonPath` selects from the JSON body. */
  public static jsonCondition(jsonPath: string, condition: string): SmokeTestExpectation {
    return new SmokeTestExpectation(jsonPath, condition);
  }

  private constructor(public readonly jsonPath: string, public readonly successCondition: string) {}
}

/**
 * The smoke test a blue-green rollout runs against the preview (green) stack before it flips the active
 * Service: a few HTTP GETs through the preview Service, with the Argo Rollouts `web` metric provider.
 *
 * How Argo Rollouts v1.9.1 judges one GET (metricproviders/webmetric): a non-2xx status, a timeout or a
 * refused connection is an Error measurement (the condition is not evaluated); a JSON body is reduced by
 * `jsonPath` and checked with `successCondition`; a body that is not JSON (an HTML page, plain "ok")
 * counts as Successful without evaluating the condition (argoproj/argo-rollouts#4535; from v1.10 the
 * condition sees the body as a string, PR #4770). So the status code is what gates an HTML page, and
 * the condition is what gates a JSON health document.
 */
export interface SmokeTestProps {
  /**
   * What the body must say, e.g. `SmokeTestExpectation.jsonEquals('{$.status}', 'UP')`. Overrides
   * `successCondition` and `jsonPath`.
   * @default none: `successCondition` and `jsonPath` decide
   */
  readonly expect?: SmokeTestExpectation;
  /**
   * Errors in a row (non-2xx, timeout, refused connection) tolerated: Argo Rollouts retries an errored
   * GET after 10 s, and it does not count towards `count`, so one transient 503 during a deploy does not
   * abort the promotion. @default 1
   */
  readonly transientErrors?: number;
  /** Path requested on the preview Service (absolute, may carry a query). @default '/': the page users get, so the check renders a real page through the new stack */
  readonly path?: string;
  /**
   * Condition on the response (`result` is the JSON body, or what `jsonPath` selects), e.g.
   * `result.status == "ok"` for a JSON health document.
   * @default 'true': any 2xx response passes (non-2xx responses and timeouts never pass)
   */
  readonly successCondition?: string;
  /** Kubernetes JSONPath template that selects `result` from a JSON body, e.g. '{$.status}'. @default the whole body */
  readonly jsonPath?: string;
  /** Number of GETs. @default 3 */
  readonly count?: number;
  /** Time between GETs (whole seconds). @default 10 seconds */
  readonly interval?: Duration;
  /**
   * Failed (or errored) GETs tolerated before the rollout aborts. Errors (non-2xx, timeouts) are
   * counted in a row (`consecutiveErrorLimit`), failed conditions in total (`failureLimit`).
   * @default 0: every GET must pass
   */
  readonly failureLimit?: number;
  /** Seconds one GET may take. @default 5 */
  readonly timeoutSeconds?: number;
}

/** A smoke test with every default applied. */
export interface ResolvedSmokeTest {
  readonly path: string;
  readonly successCondition: string;
  readonly jsonPath?: string;
  readonly count: number;
  readonly interval: Duration;
  readonly failureLimit: number;
  readonly timeoutSeconds: number;
  readonly transientErrors: number;
}

/** Argument names of the smoke-test AnalysisTemplate; the Rollout passes all three. */
export const SMOKE_TEST_ARGS = {
  SERVICE: 'service',
  NAMESPACE: 'namespace',
  PORT: 'port',
} as const;

/** The metric name in the template. */
export const SMOKE_TEST_METRIC = 'smoke-test';

type Found = { field: string; value: unknown; message: string; fix: string };

/** Applies defaults and reports problems (fields relative to `field`). */
export function resolveSmokeTest(props: SmokeTestProps | undefined, field: string): { resolved: ResolvedSmokeTest; problems: Found[] } {
  const p = props ?? {};
  const resolved: ResolvedSmokeTest = {
    path: p.path ?? '/',
    successCondition: p.expect?.successCondition ?? p.successCondition ?? 'true',
    jsonPath: p.expect?.jsonPath ?? p.jsonPath,
    count: p.count ?? 3,
    interval: p.interval ?? Duration.seconds(10),
    failureLimit: p.failureLimit ?? 0,
    timeoutSeconds: p.timeoutSeconds ?? 5,
    transientErrors: p.transientErrors ?? 1,
  };
  const r = resolved;
  const problems: Found[] = [];
  // `{{` would be read as an AnalysisTemplate argument placeholder.
  if (typeof r.path !== 'string' || !/^\/[^\s{}]*$/.test(r.path)) {
    problems.push({ field: `${field}.path`, value: r.path, message: 'must be an absolute URL path without spaces or braces', fix: "use e.g. '/' or '/healthz'" });
  }
  if (typeof r.successCondition !== 'string' || r.successCondition.trim() === '' || r.successCondition.includes('{{')) {
    problems.push({ field: `${field}.successCondition`, value: r.successCondition, message: 'must be a non-empty expression over `result` without {{ }} placeholders', fix: 'use e.g. \'result.status == "ok"\', or omit it to pass on any 2xx response' });
  }
  if (r.jsonPath !== undefined && !/^\{.+\}$/s.test(r.jsonPath)) {
    problems.push({ field: `${field}.jsonPath`, value: r.jsonPath, message: 'is not a Kubernetes JSONPath template in braces', fix: "use e.g. '{$.status}'" });
  }
  if (!(Number.isInteger(r.count) && r.count >= 1 && r.count <= 20)) {
    problems.push({ field: `${field}.count`, value: r.count, message: 'must be a whole number from 1 to 20: the pre-promotion analysis must terminate', fix: 'use e.g. 3' });
  } else if (!(Number.isInteger(r.failureLimit) && r.failureLimit >= 0 && r.failureLimit < r.count)) {
    problems.push({ field: `${field}.failureLimit`, value: r.failureLimit, message: `must be a whole number from 0 to count - 1 (${r.count - 1}), or the smoke test could never fail`, fix: 'use 0 (every GET must pass) or raise count' });
  }
  // Argo Rollouts needs an interval when count > 1, as a Go duration: whole seconds keep it exact.
  if (!isWholeSeconds(r.interval, 1) || exactSeconds(r.interval) > 600) {
    problems.push({ field: `${field}.interval`, value: r.interval && exactSeconds(r.interval), message: 'must be a whole number of seconds from 1 to 600', fix: 'use e.g. Duration.seconds(10)' });
  }
  if (!(Number.isInteger(r.transientErrors) && r.transientErrors >= 0 && r.transientErrors <= 10)) {
    problems.push({ field: `${field}.transientErrors`, value: r.transientErrors, message: 'must be a whole number from 0 to 10', fix: 'use e.g. 1' });
  }
  if (!(Number.isInteger(r.timeoutSeconds) && r.timeoutSeconds >= 1 && r.timeoutSeconds <= 60)) {
    problems.push({ field: `${field}.timeoutSeconds`, value: r.timeoutSeconds, message: 'must be a whole number of seconds from 1 to 60', fix: 'use e.g. 5' });
  }
  return { resolved, problems };
}

/**
 * The longest a smoke test can take: every GET may wait for its timeout, and Argo Rollouts schedules the
 * next GET `interval` after the previous one finished.
 */
export function smokeTestMaxSeconds(smoke: ResolvedSmokeTest): number {
  // Each tolerated error adds a timed-out GET and the 10 s error retry.
  return smoke.count * smoke.timeoutSeconds + (smoke.count - 1) * Math.round(exactSeconds(smoke.interval)) + smoke.transientErrors * (smoke.timeoutSeconds + 10);
}

/** The args the Rollout's `prePromotionAnalysis` passes: the Service under test, its namespace and port. */
export function smokeTestArgs(service: string, namespace: string, port: number): Record<string, unknown>[] {
  return [
    { name: SMOKE_TEST_ARGS.SERVICE, value: service },
    { name: SMOKE_TEST_ARGS.NAMESPACE, value: namespace },
    // Argument values are strings in the CRD.
    { name: SMOKE_TEST_ARGS.PORT, value: String(port) },
  ];
}

/** Props of {@link SmokeTestAnalysisTemplate}. */
export interface SmokeTestAnalysisTemplateProps {
  /** Template name. */
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The resolved smoke test. */
  readonly smokeTest: ResolvedSmokeTest;
}

/**
 * An Argo Rollouts AnalysisTemplate with one `web` metric: `count` GETs of
 * `http://<service>.<namespace>.svc.cluster.local:<port><path>`. The metric has a count, so it terminates
 * (only background analysis may run forever); `transientErrors` errors in a row are retried (default 1),
 * so a stack that keeps answering 5xx aborts the rollout instead of being retried four times (Argo
 * Rollouts' default consecutiveErrorLimit), and one transient 503 does not.
 */
export class SmokeTestAnalysisTemplate extends Construct {
  /** The template name. */
  public readonly templateName: string;

  constructor(scope: Construct, id: string, props: SmokeTestAnalysisTemplateProps) {
    super(scope, id);
    this.templateName = props.name;
    if (!checkProps(this, props)) return;
    const s = props.smokeTest;
    const arg = (name: string) => `{{args.${name}}}`;
    const web: Record<string, unknown> = {
      url: `http://${arg(SMOKE_TEST_ARGS.SERVICE)}.${arg(SMOKE_TEST_ARGS.NAMESPACE)}.svc.cluster.local:${arg(SMOKE_TEST_ARGS.PORT)}${s.path}`,
      method: 'GET',
      timeoutSeconds: s.timeoutSeconds,
    };
    if (s.jsonPath !== undefined) web.jsonPath = s.jsonPath;
    new ApiObject(this, 'resource', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: props.name, namespace: props.namespace, labels: props.labels, annotations: syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }) },
      spec: {
        args: Object.values(SMOKE_TEST_ARGS).map((name) => ({ name })),
        metrics: [{
          name: SMOKE_TEST_METRIC,
          count: s.count,
          interval: goDuration(s.interval),
          failureLimit: s.failureLimit,
          consecutiveErrorLimit: s.transientErrors,
          successCondition: s.successCondition,
          provider: { web },
        }],
      },
    });
  }
}
