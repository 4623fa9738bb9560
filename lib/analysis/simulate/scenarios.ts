/**
 * The scenario suite of `analysis simulate`: how canary and stable pods behave, per scenario, relative
 * to the template's own objectives (error budget b = 1 - successRate, p99 objective T), and the verdict
 * each scenario must get.
 */

/** How one set of pods serves, as a function of seconds since the canary started. */
export interface Behaviour {
  /** Share of the routed traffic this set actually gets (0 = none, e.g. a canary nobody reaches). */
  readonly traffic: number;
  /** Probability that a request is answered 5xx. */
  readonly errorRate: (t: number) => number;
  /** True p99 latency (s) of the request-duration distribution (log-normal, σ = 0.5). */
  readonly p99: (t: number) => number;
}

/** What the rollout did with the canary. */
export type Verdict = 'Successful' | 'Failed' | 'Inconclusive' | 'Error';

/** One trial's verdict, as the acceptance needs it. */
export interface TrialVerdict {
  readonly verdict: Verdict;
  /** 1-based analysis step that decided (the last one when Successful). */
  readonly step: number;
}

/** A scenario, for one template's objectives. */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  readonly canary: Behaviour;
  readonly stable: Behaviour;
  /** Analysis steps the data covers: 'first' when the verdict must come in the first step. */
  readonly steps: 'first' | 'all';
  /** The acceptance, in words. */
  readonly expectation: string;
  /** Whether a set of verdicts meets the acceptance. */
  readonly accept: (verdicts: readonly TrialVerdict[]) => boolean;
}

/** The objectives a scenario is built around. */
export interface Objectives {
  /** Error budget, 1 - successRate. */
  readonly errorBudget: number;
  /** p99 objective, seconds. */
  readonly latencyP99: number;
}

const share = (verdicts: readonly TrialVerdict[], ok: (v: TrialVerdict) => boolean) => verdicts.filter(ok).length / Math.max(1, verdicts.length);

/** The scenario suite for one template's objectives. */
export function sloScenarios(o: Objectives): Scenario[] {
  const b = o.errorBudget;
  const T = o.latencyP99;
  const healthy: Behaviour = { traffic: 1, errorRate: () => b / 4, p99: () => T / 2 };
  const constant = (v: number) => () => v;
  return [
    {
      id: 'healthy', title: `healthy canary (errors b/4 = ${fmt(b / 4)}, p99 T/2 = ${fmt(T / 2)} s)`,
      canary: healthy, stable: healthy, steps: 'all',
      expectation: 'Successful in ≥ 99 %',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') >= 0.99,
    },
    {
      id: 'errors-5pct', title: 'canary answers 5 % 5xx',
      canary: { ...healthy, errorRate: constant(0.05) }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: (v) => share(v, (x) => x.verdict === 'Failed' && x.step === 1) === 1,
    },
    {
      id: 'errors-100pct', title: 'canary answers 100 % 5xx',
      canary: { ...healthy, errorRate: constant(1) }, stable: healthy, steps: 'first',
      expectation: 'Failed in 100 %, within the first analysis step',
      accept: (v) => share(v, (x) => x.verdict === 'Failed' && x.step === 1) === 1,
    },
    {
      id: 'latency-3x', title: `canary p99 at 3 × the objective (${fmt(3 * T)} s)`,
      canary: { ...healthy, p99: constant(3 * T) }, stable: healthy, steps: 'all',
      expectation: 'Failed in 100 %',
      accept: (v) => share(v, (x) => x.verdict === 'Failed') === 1,
    },
    {
      id: 'no-traffic', title: 'canary gets no traffic at all',
      canary: { ...healthy, traffic: 0 }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 0,
    },
    {
      id: 'probe-only', title: 'canary gets only the kubelet probes',
      canary: { ...healthy, traffic: 0 }, stable: healthy, steps: 'all',
      expectation: 'never Successful',
      accept: (v) => share(v, (x) => x.verdict === 'Successful') === 0,
    },
    {
      id: 'stable-erroring', title: 'stable answers 10 % 5xx, canary healthy',
      canary: healthy, stable: { ...healthy, errorRate: constant(0.1) }, steps: 'all',
      expectation: 'never Failed',
      accept: (v) => share(v, (x) => x.verdict === 'Failed' || x.verdict === 'Error') === 0,
    },
    {
      id: 'errors-at-objective', title: `canary errors oscillate around the objective (b ± 50 % = ${fmt(b / 2)}–${fmt(1.5 * b)}, 4 min period)`,
      canary: { ...healthy, errorRate: (t) => b * (1 + 0.5 * Math.sin((2 * Math.PI * t) / 240)) }, stable: healthy, steps: 'all',
      expectation: 'false aborts ≤ 1 %',
      accept: (v) => share(v, (x) => x.verdict === 'Failed' || x.verdict === 'Error') <= 0.01,
    },
  ];
}

/**
 * Scenarios whose canary pods also record the kubelet's probe requests (OTel SDKs do by default): the
 * probe-only scenario, where counting them would promote a canary nobody uses, and the healthy one. The
 * other scenarios leave them out only to keep the backfill small: they are excluded by the queries.
 */
export function probesFor(scenario: Scenario): boolean {
  return scenario.id === 'probe-only' || scenario.id === 'healthy';
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
