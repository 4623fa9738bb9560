/**
 * The scenario suite of `analysis simulate`: how canary and stable pods behave, per scenario, relative
 * to the template's own objectives (error budget b = 1 - successRate, p99 objective T), and the verdict
 * each scenario must get. The numbers are ours (issue 19 asked for failure shapes the templates were not
 * tuned for); the rule that holds across the suite: a bad canary is never Successful.
 */

/** One more route of a set of pods, with its share of the requests and its own error rate. */
export interface RouteBehaviour {
  readonly route: string;
  /** Share of the pods' user requests on this route (the rest go to `/api`). */
  readonly share: number;
  /** Probability that a request on this route is answered 5xx. @default the pods' own error rate */
  readonly errorRate?: (t: number) => number;
}

/** How one set of pods serves, as a function of seconds since the canary started. */
export interface Behaviour {
  /** Share of the routed traffic this set actually gets (0 = none, e.g. a canary nobody reaches). */
  readonly traffic: number;
  /** Probability that a request is answered 5xx. */
  readonly errorRate: (t: number) => number;
  /** True p99 latency (s) of the request-duration distribution (log-normal, σ = 0.5). */
  readonly p99: (t: number) => number;
  /** Probability that a request is answered 404 (a client error: not the service's fault). @default 0 */
  readonly clientErrorRate?: (t: number) => number;
  /** Routes other than `/api`, e.g. one route that fails. @default none */
  readonly routes?: readonly RouteBehaviour[];
  /**
   * Container restarts (OOMKilled), drawn per pod: seconds after the pod started at which the container
   * dies. After each, the container is down for `restartDownSeconds` (no requests, failed scrapes), its
   * OTel counters start again at 0 under the same labels (each series reappearing at its first request),
   * and kube-state-metrics' restart counter of the pod goes up by one. @default none
   */
  readonly restarts?: (random: () => number, until: number) => readonly number[];
  /** Seconds a restarted container serves nothing. @default 20 */
  readonly restartDownSeconds?: number;
}

/** What the rollout did with the canary. */
export type Verdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One trial's verdict, as the acceptance needs it. */
export interface TrialVerdict {
  readonly verdict: Verdict;
  /** 1-based analysis step that decided (the last one when Successful). */
  readonly step: number;
  /** Seconds after the canary started when the verdict came (the deciding AnalysisRun ended). */
  readonly at?: number;
}

/** A scenario, for one template's objectives. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The canary's behaviour (one pod unless `canaryPods`). */
  readonly canary: Behaviour;
  /** Several canary pods, each with its own behaviour, sharing the canary's traffic evenly. @default one pod: `canary` */
  readonly canaryPods?: readonly Behaviour[];
  readonly stable: Behaviour;
  /** Analysis steps the data covers: 'first' when the verdict must come in the first step. */
  readonly steps: 'first' | 'all';
  /** User requests per second to the service (stable + canary), when the scenario is about traffic. @default the simulation's rps */
  readonly rps?: number;
  /** Scrapes of the app's metrics that fail (the samples are missing), by seconds since the canary started and a per-scrape draw. @default none */
  readonly scrapeMissing?: (t: number, random: () => number) => boolean;
  /**
   * The Prometheus provider failing: the error Argo Rollouts' prometheus provider reports for a
   * measurement at `t` (seconds since the canary started), or undefined when Prometheus answers.
   * @default Prometheus always answers
   */
  readonly provider?: (t: number, random: () => number) => string | undefined;
  /** The acceptance, in words. */
  readonly expectation: string;
  /** Whether a set of verdicts meets the acceptance. */
  readonly accept: (verdicts: readonly TrialVerdict[]) => boolean;
  /** A bad canary: never Successful, whatever else the acceptance says (checked for every scenario that sets it). */
  readonly bad?: boolean;
}

/** The objectives a scenario is built around. */
export interface Objectives {
  /** Error budget, 1 - successRate. */
  readonly errorBudget: number;
  /** p99 objective, seconds. */
  readonly latencyP99: number;
}

const share = (verdicts: readonly TrialVerdict[], ok: (v: TrialVerdict) => boolean) => verdicts.filter(ok).length / Math.max(1, verdicts.length);
const successful = (v: TrialVerdict) => v.verdict === 'Successful';
const aborted = (v: TrialVerdict) => v.verdict === 'Failed' || v.verdict === 'Error';
const failed = (v: TrialVerdict) => v.verdict === 'Failed';

/** Restart times of a crash loop: every `every` s (± 20 %), the first one after 0.5–1 period. */
function crashLoop(every: number): (random: () => number, until: number) => number[] {
  return (random, until) => {
    const out: number[] = [];
    for (let t = every * (0.5 + 0.5 * random()); t < until; t += every * (0.8 + 0.4 * random())) out.push(Math.round(t));
    return out;
  };
}

/** The Go error texts of Argo Rollouts' prometheus provider when Prometheus cannot be queried. */
const PROVIDER_ERRORS = {
  unreachable: 'Post "http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/query": dial tcp 10.96.12.7:9090: connect: connection refused',
  timeout: 'Post "http://prometheus-operated.monitoring.svc.cluster.local:9090/api/v1/query": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
} as const;

/** The scenario suite for one template's objectives. */
export function sloScenarios(o: Objectives): Scenario[] {
  const b = o.errorBudget;
  const T = o.latencyP99;
  const healthy: Behaviour = { traffic: 1, errorRate: () => b / 4, p99: () => T / 2 };
  const constant = (v: number) => () => v;
  const neverSuccessful = (v: readonly TrialVerdict[]) => share(v, successful) === 0;
  const failedInStep1 = (v: readonly TrialVerdict[]) => share(v, (x) => failed(x) && x.step === 1) === 1;
  const gaps = (t: number, random: () => number) => (t >= 200 && t < 290) || random() < 0.2;
  return [
    {
      id: 'healthy', title: `healthy canary (errors b/4 = ${fmt(b / 4)}, p99 T/2 = ${fmt(T / 2)} s)`,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'Successful in ≥ 99 %',
      accept: (v) => share(v, successful) >= 0.99,
    },
    {
      id: 'errors-5pct', title: 'canary answers 5 % 5xx', bad: true,
      canary: { ...healthy, errorRate: constant(0.05) }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'errors-100pct', title: 'canary answers 100 % 5xx', bad: true,
      canary: { ...healthy, errorRate: constant(1) }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'latency-3x', title: `canary p99 at 3 × the objective (${fmt(3 * T)} s)`, bad: true,
      canary: { ...healthy, p99: constant(3 * T) }, stable: healthy, steps: 'all',
      expectation: 'Failed in 100 %',
      accept: (v) => share(v, failed) === 1,
    },
    {
      id: 'no-traffic', title: 'canary gets no traffic at all',
      canary: { ...healthy, traffic: 0 }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: neverSuccessful,
    },
    {
      id: 'probe-only', title: 'canary gets only the kubelet probes',
      canary: { ...healthy, traffic: 0 }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: neverSuccessful,
    },
    {
      id: 'stable-erroring', title: 'stable answers 10 % 5xx, canary healthy',
      canary: healthy, stable: { ...healthy, errorRate: constant(0.1) }, steps: 'all',
      expectation: 'never Failed',
      accept: (v) => share(v, aborted) === 0,
    },
    {
      id: 'errors-at-objective', title: `canary errors oscillate around the objective (b ± 50 % = ${fmt(b / 2)}–${fmt(1.5 * b)}, 4 min period)`,
      canary: { ...healthy, errorRate: (t) => b * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 240)) }, stable: healthy, steps: 'all',
      expectation: 'false aborts ≤ 1 %',
      accept: (v) => share(v, aborted) <= 0.01,
    },
    // ---- issue 19: failure shapes the templates were not tuned for ----
    {
      id: 'crash-loop', title: `canary OOMKilled every ~150 s (± 20 %, 20 s down each time) while answering 10 × the budget (${fmt(10 * b)}) in 5xx`, bad: true,
      canary: { ...healthy, errorRate: constant(Math.min(1, 10 * b)), restarts: crashLoop(150) }, stable: healthy, steps: 'all',
      expectation: 'Failed in ≥ 99 %, never Successful',
      accept: (v) => share(v, failed) >= 0.99 && neverSuccessful(v),
    },
    {
      id: 'restarting-healthy', title: 'canary OOMKilled every ~3 min (± 20 %) with a healthy success rate and latency between restarts', bad: true,
      canary: { ...healthy, restarts: crashLoop(180) }, stable: healthy, steps: 'all',
      expectation: 'Failed in ≥ 99 %, never Successful',
      accept: (v) => share(v, failed) >= 0.99 && neverSuccessful(v),
    },
    {
      id: 'counter-reset', title: 'canary at 5 % 5xx restarts once, 150 s into the first analysis (its counters start again at 0)', bad: true,
      canary: { ...healthy, errorRate: constant(0.05), restarts: () => [165] }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'healthy-1rps', title: 'healthy canary, 1 req/s of user traffic to the service', rps: 1,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'never Failed (pauses allowed: too little traffic to promote within the steps)',
      accept: (v) => share(v, aborted) === 0,
    },
    {
      id: 'errors-100pct-1rps', title: 'canary answers 100 % 5xx, 1 req/s of user traffic to the service', rps: 1, bad: true,
      canary: { ...healthy, errorRate: constant(1) }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'healthy-5rps', title: 'healthy canary, 5 req/s of user traffic to the service', rps: 5,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'Successful in ≥ 95 %, never Failed',
      accept: (v) => share(v, successful) >= 0.95 && share(v, aborted) === 0,
    },
    {
      id: 'errors-5pct-5rps', title: 'canary answers 5 % 5xx, 5 req/s of user traffic to the service', rps: 5, bad: true,
      canary: { ...healthy, errorRate: constant(0.05) }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: neverSuccessful,
    },
    {
      id: 'healthy-10rps', title: 'healthy canary, 10 req/s of user traffic to the service', rps: 10,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'Successful in ≥ 95 %, never Failed',
      accept: (v) => share(v, successful) >= 0.95 && share(v, aborted) === 0,
    },
    {
      id: 'healthy-2000rps', title: 'healthy canary, 2,000 req/s of user traffic to the service', rps: 2000,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'Successful in ≥ 99 %',
      accept: (v) => share(v, successful) >= 0.99,
    },
    {
      id: 'errors-5x-2000rps', title: `canary at 5 × the budget (${fmt(5 * b)} 5xx), 2,000 req/s of user traffic`, rps: 2000, bad: true,
      canary: { ...healthy, errorRate: constant(Math.min(1, 5 * b)) }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: neverSuccessful,
    },
    {
      id: 'scrape-gaps', title: 'healthy canary, 1 in 5 scrapes of its pods missing at random and a 90 s hole (200–290 s)',
      canary: healthy, stable: healthy, steps: 'all', scrapeMissing: gaps,
      expectation: 'Successful in ≥ 95 %, never Failed',
      accept: (v) => share(v, successful) >= 0.95 && share(v, aborted) === 0,
    },
    {
      id: 'scrape-gaps-errors', title: 'canary at 5 % 5xx, 1 in 5 scrapes missing at random and a 90 s hole (200–290 s)', bad: true,
      canary: { ...healthy, errorRate: constant(0.05) }, stable: healthy, steps: 'all', scrapeMissing: gaps,
      expectation: 'Failed in ≥ 99 %, never Successful',
      accept: (v) => share(v, failed) >= 0.99 && neverSuccessful(v),
    },
    {
      id: 'one-bad-pod', title: 'one canary pod out of 4 answers 20 % 5xx (5 % of the canary\'s requests)', bad: true,
      canary: healthy, canaryPods: [{ ...healthy, errorRate: constant(0.2) }, healthy, healthy, healthy], stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'one-route', title: 'canary answers 100 % 5xx on one route only (/api/transfers, 5 % of its requests)', bad: true,
      canary: { ...healthy, routes: [{ route: '/api/transfers', share: 0.05, errorRate: constant(1) }] }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: failedInStep1,
    },
    {
      id: 'client-4xx-storm', title: 'a client storm: 30 % of requests to stable and canary answered 404, 5xx healthy',
      canary: { ...healthy, clientErrorRate: constant(0.3) }, stable: { ...healthy, clientErrorRate: constant(0.3) }, steps: 'all',
      expectation: 'Successful in ≥ 99 %',
      accept: (v) => share(v, successful) >= 0.99,
    },
    {
      id: 'both-bad', title: 'stable and canary both answer 5 % 5xx (a failing dependency)', bad: true,
      canary: { ...healthy, errorRate: constant(0.05) }, stable: { ...healthy, errorRate: constant(0.05) }, steps: 'all',
      expectation: 'never Successful, never Failed (Inconclusive: a human decides)',
      accept: (v) => share(v, successful) === 0 && share(v, aborted) === 0,
    },
    {
      id: 'stable-broken', title: 'stable answers 100 % 5xx, canary healthy',
      canary: healthy, stable: { ...healthy, errorRate: constant(1) }, steps: 'all',
      expectation: 'never Failed',
      accept: (v) => share(v, aborted) === 0,
    },
    {
      id: 'prometheus-unreachable', title: 'healthy canary, Prometheus unreachable (connection refused) from 60 s after the canary started',
      canary: healthy, stable: healthy, steps: 'all', provider: (t) => (t >= 60 ? PROVIDER_ERRORS.unreachable : undefined),
      expectation: 'Error in 100 % (consecutiveErrorLimit; Argo Rollouts v1.9.1 aborts), never Successful',
      accept: (v) => share(v, (x) => x.verdict === 'Error') === 1,
    },
    {
      id: 'prometheus-timeouts', title: `canary at 10 × the budget (${fmt(Math.min(1, 10 * b))} 5xx), 1 query in 3 times out`, bad: true,
      canary: { ...healthy, errorRate: constant(Math.min(1, 10 * b)) }, stable: healthy, steps: 'all',
      provider: (_t, random) => (random() < 1 / 3 ? PROVIDER_ERRORS.timeout : undefined),
      expectation: 'never Successful',
      accept: neverSuccessful,
    },
    {
      id: 'degrading', title: `canary healthy for 4 min, then its 5xx climb linearly to 20 × the budget (${fmt(Math.min(1, 20 * b))}) over 4 min`, bad: true,
      canary: { ...healthy, errorRate: (t) => (t < 240 ? b / 4 : Math.min(1, b / 4 + (20 * b - b / 4) * Math.min(1, (t - 240) / 240))) }, stable: healthy, steps: 'all',
      expectation: 'Failed in ≥ 99 %, never Successful',
      accept: (v) => share(v, failed) >= 0.99 && neverSuccessful(v),
    },
  ];
}

/** The regressions the power report tries, as multiples of the error budget and of the p99 objective. */
export const POWER_ERROR_MULTIPLES = [1.5, 2, 3, 4, 5, 7, 10, 15, 20] as const;
export const POWER_LATENCY_MULTIPLES = [1.5, 2, 2.5, 3, 4, 6] as const;

/**
 * The power ladder of one template: canaries at `m` × the error budget in 5xx (latency healthy), and
 * canaries whose p99 is `m` × the objective (errors healthy), first analysis step only, at `rps`.
 */
export function powerScenarios(o: Objectives, rps: number): Scenario[] {
  const b = o.errorBudget;
  const T = o.latencyP99;
  const healthy: Behaviour = { traffic: 1, errorRate: () => b / 4, p99: () => T / 2 };
  const stepOne = (v: readonly TrialVerdict[]) => share(v, (x) => aborted(x) && x.step === 1) >= 0.95;
  return [
    ...POWER_ERROR_MULTIPLES.map((m): Scenario => ({
      id: `power-errors-${m}x`, title: `canary at ${m} × the error budget (${fmt(Math.min(1, m * b))} 5xx), ${rps} req/s`, rps,
      canary: { ...healthy, errorRate: () => Math.min(1, m * b) }, stable: healthy, steps: 'first',
      expectation: 'aborted in step 1 in ≥ 95 % (power)', accept: stepOne,
    })),
    ...POWER_LATENCY_MULTIPLES.map((m): Scenario => ({
      id: `power-latency-${m}x`, title: `canary p99 at ${m} × the objective (${fmt(m * T)} s), ${rps} req/s`, rps,
      canary: { ...healthy, p99: () => m * T }, stable: healthy, steps: 'first',
      expectation: 'aborted in step 1 in ≥ 95 % (power)', accept: stepOne,
    })),
  ];
}

/**
 * Scenarios whose canary pods also record the kubelet's probe requests (OTel SDKs do by default): the
 * probe-only scenario, where counting them would promote a canary nobody uses, the healthy one and the
 * low-traffic ones, where the probes outnumber the users. The other scenarios leave them out only to keep
 * the backfill small: they are excluded by the queries.
 */
export function probesFor(scenario: Scenario): boolean {
  return ['probe-only', 'healthy', 'healthy-1rps', 'healthy-5rps', 'errors-100pct-1rps', 'crash-loop'].includes(scenario.id);
}

function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6);
}

/** A seeded PRNG (mulberry32): trials are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson draw (Knuth for small means, normal approximation above 50). */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > limit);
  return k - 1;
}

/** A standard normal draw (Box–Muller). */
export function normal(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
