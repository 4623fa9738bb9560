/**
 * The vocabulary of the semantic diff: what changed (in terms a reviewer cares about), and which
 * changes are risky.
 */

/**
 * Risk flags: changes that make a release less safe than before. Each one is worth a second look in
 * review even when it is intended.
 */
export const RISK_FLAGS = {
  'pdb-removed': 'a PodDisruptionBudget was removed while pods it protected remain: node drains may take them all down at once',
  'pdb-loosened': 'a PodDisruptionBudget allows more voluntary disruptions than before',
  'canary-step-skipped': 'the canary has fewer traffic steps, analysis gates or pauses than before: less verification before 100%',
  'canary-weight-jump': 'the canary sends more traffic to an unverified version (a higher first weight or a bigger step between weights)',
  'analysis-weakened': 'an analysis tolerates more before it fails (higher failureLimit, weaker threshold, fewer measurements, a metric removed)',
  'analysis-removed': 'a Rollout no longer runs any analysis: nothing can abort a bad version automatically',
  'min-replicas-one': 'a workload may now run on a single pod (autoscaling minimum or replicas lowered to 1 or 0): no redundancy during disruptions',
  'strategy-downgraded': 'a production workload moved to a less protective strategy (canary or blue-green → rolling, or anything → recreate)',
  'rollback-window-shortened': 'a blue-green keeps the old stack for a shorter time after promotion: a shorter window for an instant rollback',
  'contract-migration': 'a new migration removes or reshapes what older code uses: old pods still running during the rollout may fail',
  'wave-moved': 'an object syncs at another point of the sync order (wave or hook phase changed): check what it depends on and what depends on it',
  'release-bypass': 'an image reaches an environment without having run in the previous one: the release file records a bypass of the promotion rule (`--force --reason`)',
} as const;

/** The id of a risk flag, e.g. `analysis-weakened`. */
export type RiskFlag = keyof typeof RISK_FLAGS;

/** A risk flag raised on a change, with the reason in this case. */
export interface Risk {
  readonly flag: RiskFlag;
  readonly reason: string;
}

/** What a change is about (for grouping and filtering). */
export type ChangeAspect =
  | 'added'
  | 'removed'
  | 'renamed'
  | 'image'
  | 'replicas'
  | 'strategy'
  | 'canary-steps'
  | 'analysis'
  | 'disruption-budget'
  | 'autoscaling'
  | 'wave'
  | 'migration'
  | 'promotion'
  | 'other';

/** One change, in one unit (app folder) of one environment. */
export interface Change {
  readonly platform: string;
  readonly environment: string;
  /** The unit (app) folder, e.g. `gateway`. */
  readonly unit: string;
  /** The object, `Kind/name` (or `migration <file>`). */
  readonly subject: string;
  readonly aspect: ChangeAspect;
  /** What changed, e.g. `image gateway` or `metric success-rate failureLimit`. */
  readonly field: string;
  /** The value before; undefined for something added. */
  readonly before?: string;
  /** The value after; undefined for something removed. */
  readonly after?: string;
  /** A short explanation (e.g. `later`, `expand`). */
  readonly note?: string;
  /**
   * For a long text shown as a size and hash in `before`/`after` (a query): a compact line diff of it,
   * `-`/`+` lines under `@@` hunk headers (see compactLineDiff). Markdown shows it collapsed, text indented.
   */
  readonly lineDiff?: readonly string[];
  /** The risk flags this change raises (usually none, at most a few). */
  readonly risks: readonly Risk[];
}

/** The result of a semantic diff. */
export interface DiffReport {
  /** The git ref compared with. */
  readonly base: string;
  /** The output folder compared, as given. */
  readonly dir: string;
  /** Every change, by platform, environment and unit, in a stable order. */
  readonly changes: readonly Change[];
}

/** A change without its place; the comparators fill the place in. */
export type ChangeDraft = Omit<Change, 'platform' | 'environment' | 'unit'>;

/** A risk with the reason given. */
export function risk(flag: RiskFlag, reason: string): Risk {
  return { flag, reason };
}

/** The number of each risk flag among the changes, in {@link RISK_FLAGS} order. */
export function riskCounts(changes: readonly Change[]): [RiskFlag, number][] {
  return (Object.keys(RISK_FLAGS) as RiskFlag[])
    .map((flag): [RiskFlag, number] => [flag, changes.reduce((n, c) => n + c.risks.filter((r) => r.flag === flag).length, 0)])
    .filter(([, n]) => n > 0);
}
