import { ReleaseGitHistory } from './git-history.js';
import { digestOf, imageReferenceProblem, RELEASE_HISTORY_LIMIT, ReleaseEntry, ReleaseRecord, ReleaseFileState } from './release-file.js';

/** A change the release commands cannot make as asked (bad input): nothing is written. Exit code 2. */
export class ReleaseInputError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'ReleaseInputError';
  }
}

/** A promotion the rule refuses (the image did not run in the previous environment): nothing is written. Exit code 1. */
export class PromotionRefused extends Error {
  constructor(public readonly refusals: readonly string[]) {
    super(refusals.join('; '));
    this.name = 'PromotionRefused';
  }
}

/** A digest shortened the way registries show it: `sha256:` and 12 hex digits. */
export function shortDigestOf(image: string): string {
  const digest = digestOf(image) ?? image;
  return digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');
}

/** Options shared by set and promote. */
export interface ReleaseChangeOptions {
  /** The time recorded as `since` (ISO 8601 UTC). */
  readonly now: string;
  /** Bypass the promotion rule, recording this reason in the file. */
  readonly forceReason?: string;
  /** The file's git history, to prove and record the commit an image ran in (absent outside git). */
  readonly git?: ReleaseGitHistory;
}

/** One workload's move, as the commands print it. */
export interface ReleaseChange {
  /** The workload. */
  readonly workload: string;
  /** The environment it moved in. */
  readonly environment: string;
  /** The image it ran there before, if any. */
  readonly before?: string;
  /** The new record. */
  readonly after: ReleaseRecord;
}

/** Every record (current and earlier) of a workload in an environment. */
export function recordsOf(state: ReleaseFileState, workload: string, environment: string): readonly ReleaseRecord[] {
  const entry = state.workloads[workload]?.[environment];
  return entry ? [entry, ...entry.history] : [];
}

function ranIn(state: ReleaseFileState, workload: string, environment: string, digest: string): ReleaseRecord | undefined {
  return recordsOf(state, workload, environment).find((r) => digestOf(r.image) === digest);
}

function environmentIndex(state: ReleaseFileState, environment: string, flag: string): number {
  const index = state.environments.indexOf(environment);
  if (index < 0) throw new ReleaseInputError([`${flag} "${environment}" is not an environment of the release file (${state.environments.join(', ')})`]);
  return index;
}

function withRecord(state: ReleaseFileState, workload: string, environment: string, record: ReleaseRecord): ReleaseFileState {
  const old = state.workloads[workload]?.[environment];
  const history = old ? [{ image: old.image, since: old.since, ...(old.from ? { from: old.from } : {}), ...(old.commit ? { commit: old.commit } : {}), ...(old.bypass ? { bypass: old.bypass } : {}) }, ...old.history] : [];
  const entry: ReleaseEntry = { ...record, history: history.slice(0, RELEASE_HISTORY_LIMIT) };
  return { ...state, workloads: { ...state.workloads, [workload]: { ...state.workloads[workload], [environment]: entry } } };
}

/**
 * The record of `image` reaching `environment` (index `index`) for `workload`: promoted from the previous environment
 * when it ran there (with the commit that proves it, in git), set when `environment` is the first one, bypassed
 * with the reason when forced; otherwise the refusal.
 */
function arrival(state: ReleaseFileState, workload: string, index: number, image: string, options: ReleaseChangeOptions, skipFrom?: string): ReleaseRecord | string {
  const environment = state.environments[index]!;
  const digest = digestOf(image)!;
  if (skipFrom === undefined && index === 0) return { image, since: options.now };
  const previous = skipFrom ?? state.environments[index - 1]!;
  let refusal: string | undefined;
  let commit: string | undefined;
  if (skipFrom !== undefined) {
    refusal = `${workload}: ${environment} comes after ${state.environments[index - 1]}, not ${skipFrom}: a promotion moves to the next environment only`;
  } else if (!ranIn(state, workload, previous, digest)) {
    refusal = `${workload}: ${shortDigestOf(image)} never ran in ${previous} (not in its record), so it may not reach ${environment}`;
  } else if (options.git) {
    commit = options.git.proofCommit(workload, previous, digest);
    if (commit === undefined) refusal = `${workload}: ${shortDigestOf(image)} is in ${previous}'s record, but in no commit (${options.git.file} at HEAD does not record it there): commit the change that put it in ${previous}, let it run, then promote`;
  }
  if (refusal === undefined) return { image, since: options.now, from: previous, ...(commit ? { commit } : {}) };
  if (options.forceReason === undefined) return refusal;
  return { image, since: options.now, ...(skipFrom !== undefined ? { from: skipFrom } : {}), bypass: options.forceReason };
}

/** `workload=image` assignments of `release set`, parsed and checked. */
export function parseAssignments(state: ReleaseFileState, assignments: readonly string[], allowNew: boolean): { workload: string; image: string }[] {
  const problems: string[] = [];
  const out: { workload: string; image: string }[] = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${assignment}" is not <workload>=<image>@sha256:<digest>`);
      continue;
    }
    const workload = assignment.slice(0, eq);
    const image = assignment.slice(eq + 1);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(workload)) problems.push(`"${workload}" is not a workload name (a lower-case DNS label)`);
    else if (!state.workloads[workload] && !allowNew) problems.push(`"${workload}" is not a workload of the release file (${Object.keys(state.workloads).sort().join(', ') || 'none yet'}): check the name, or pass --new to add it`);
    const problem = imageReferenceProblem(image);
    if (problem) problems.push(`${workload}: "${image}" ${problem}: use <registry>/<repository>[:<tag>]@sha256:<64 hex digits>`);
    if (out.some((a) => a.workload === workload)) problems.push(`${workload} is set twice`);
    out.push({ workload, image });
  }
  if (problems.length > 0) throw new ReleaseInputError(problems);
  return out;
}

/**
 * `release set`: records images in one environment. In the first environment any digest may be set; in a later
 * one only a digest that ran in the previous environment (it is then recorded as promoted), unless forced with a
 * reason. Throws ReleaseInputError or PromotionRefused; returns the new state and what changed (setting the image
 * an environment already runs changes nothing).
 */
export function setImages(state: ReleaseFileState, environment: string, assignments: readonly { workload: string; image: string }[], options: ReleaseChangeOptions): { state: ReleaseFileState; changes: ReleaseChange[] } {
  const index = environmentIndex(state, environment, '--env');
  const refusals: string[] = [];
  const changes: ReleaseChange[] = [];
  let next = state;
  for (const { workload, image } of assignments) {
    const current = state.workloads[workload]?.[environment];
    if (current?.image === image) continue;
    const record = arrival(state, workload, index, image, options);
    if (typeof record === 'string') {
      refusals.push(record);
      continue;
    }
    next = withRecord(next, workload, environment, record);
    changes.push({ workload, environment, before: current?.image, after: record });
  }
  if (refusals.length > 0) throw new PromotionRefused(refusals);
  return { state: next, changes };
}

/**
 * `release promote`: moves what `from` runs to `to` (the next environment), for the given workloads or every
 * workload whose image differs between the two. Skipping an environment, or promoting an image whose run in
 * `from` is not committed, is refused unless forced with a reason.
 */
export function promote(state: ReleaseFileState, from: string, to: string, workloads: readonly string[] | undefined, options: ReleaseChangeOptions): { state: ReleaseFileState; changes: ReleaseChange[] } {
  const fromIndex = environmentIndex(state, from, '--from');
  const toIndex = environmentIndex(state, to, '--to');
  if (toIndex <= fromIndex) throw new ReleaseInputError([`--to ${to} does not come after --from ${from} (the order is ${state.environments.join(' → ')}): to roll back, revert the promotion commit`]);
  const problems: string[] = [];
  for (const w of workloads ?? []) {
    if (!state.workloads[w]) problems.push(`"${w}" is not a workload of the release file (${Object.keys(state.workloads).sort().join(', ')})`);
    else if (!state.workloads[w]![from]) problems.push(`${w} has no image in ${from} to promote`);
  }
  if (problems.length > 0) throw new ReleaseInputError(problems);
  const chosen = workloads ?? Object.keys(state.workloads).sort().filter((w) => {
    const source = state.workloads[w]![from];
    return source !== undefined && digestOf(source.image) !== digestOf(state.workloads[w]![to]?.image ?? '');
  });
  const refusals: string[] = [];
  const changes: ReleaseChange[] = [];
  let next = state;
  for (const workload of chosen) {
    const source = state.workloads[workload]![from]!;
    const current = state.workloads[workload]![to];
    if (current?.image === source.image) continue;
    const record = arrival(state, workload, toIndex, source.image, options, toIndex === fromIndex + 1 ? undefined : from);
    if (typeof record === 'string') {
      refusals.push(record);
      continue;
    }
    next = withRecord(next, workload, to, record);
    changes.push({ workload, environment: to, before: current?.image, after: record });
  }
  if (refusals.length > 0) throw new PromotionRefused(refusals);
  return { state: next, changes };
}

/** A violation of the promotion rule in a release file: which workload, in which environment, and why. */
export interface PromotionViolation {
  /** The workload, as the file names it. */
  readonly workload: string;
  /** The environment its image should not have reached. */
  readonly environment: string;
  /** That image. */
  readonly image: string;
  /** Why, in one sentence. */
  readonly message: string;
  /** How to fix it: promote properly, or record a bypass. */
  readonly fix: string;
}

/**
 * The promotion rule, on the file's own record and, when `git` is given, cross-checked against the committed
 * versions: every image in an environment after the first ran in the previous environment, unless the record holds
 * a bypass reason. A record promoted with its proof (`from` the previous environment and the `commit` that recorded
 * the image there) is checked against the file at that commit; a commit that is not in the clone (shallow,
 * squashed) or no git at all leaves the record as the proof. A record without a proof commit (written by hand or by
 * a tool) needs the image in the previous environment's record, current or history.
 */
export function promotionViolations(state: ReleaseFileState, git?: ReleaseGitHistory): PromotionViolation[] {
  const out: PromotionViolation[] = [];
  // Every proof read in one git process, not one per record.
  git?.prefetch(proofCommits(state));
  for (const workload of Object.keys(state.workloads).sort()) {
    state.environments.forEach((environment, index) => {
      const entry = state.workloads[workload]![environment];
      if (!entry || index === 0 || entry.bypass !== undefined) return;
      const previous = state.environments[index - 1]!;
      const digest = digestOf(entry.image)!;
      const fix = `promote it with \`cdk8s-delivery release promote --from ${previous} --to ${environment} --workload ${workload}\` after it ran in ${previous}, or record a bypass with \`--force --reason "<why>"\``;
      if (entry.from !== undefined && entry.from !== previous) {
        out.push({ workload, environment, image: entry.image, message: `is recorded as promoted from ${entry.from}, skipping ${previous}, without a bypass reason`, fix });
        return;
      }
      if (entry.from !== undefined && entry.commit !== undefined) {
        // The record names its proof: git decides when it can (the commit is in this clone), else the record stands.
        const then = git?.stateAt(entry.commit);
        if (then === undefined) return;
        const image = then?.workloads[workload]?.[previous]?.image;
        if (image === undefined || digestOf(image) !== digest) {
          out.push({ workload, environment, image: entry.image, message: `names commit ${entry.commit.slice(0, 12)} as proof, but ${git!.file} at that commit ${image === undefined ? `has no ${previous} image for ${workload}` : `runs ${shortDigestOf(image)} in ${previous}`}: the record does not match git history`, fix });
        }
        return;
      }
      if (!ranIn(state, workload, previous, digest)) {
        out.push({ workload, environment, image: entry.image, message: `never ran in ${previous}: ${previous}'s record (current and history) does not hold ${shortDigestOf(entry.image)}`, fix });
      }
    });
  }
  return out;
}

/**
 * The commits {@link promotionViolations} checks against git: those of the records promoted with their proof. None
 * (a file written by hand, a first environment only): git is not needed, and is not run.
 */
export function proofCommits(state: ReleaseFileState): string[] {
  const out: string[] = [];
  for (const workload of Object.keys(state.workloads).sort()) {
    state.environments.forEach((environment, index) => {
      const entry = state.workloads[workload]![environment];
      if (!entry || index === 0 || entry.bypass !== undefined || entry.from !== state.environments[index - 1] || entry.commit === undefined) return;
      out.push(entry.commit);
    });
  }
  return out;
}

/** What waits to be promoted: an image in an environment that the next one does not run yet. */
export interface PendingPromotion {
  /** The workload. */
  readonly workload: string;
  /** The environment that runs the image. */
  readonly from: string;
  /** The next environment, which does not run it yet. */
  readonly to: string;
  /** The image waiting. */
  readonly image: string;
  /** Since when `from` runs it. */
  readonly since: string;
}

/** Every pending promotion, by workload then environment order. */
export function pendingPromotions(state: ReleaseFileState): PendingPromotion[] {
  const out: PendingPromotion[] = [];
  for (const workload of Object.keys(state.workloads).sort()) {
    for (let i = 0; i + 1 < state.environments.length; i++) {
      const from = state.environments[i]!;
      const to = state.environments[i + 1]!;
      const source = state.workloads[workload]![from];
      const target = state.workloads[workload]![to];
      if (source && digestOf(source.image) !== digestOf(target?.image ?? '')) out.push({ workload, from, to, image: source.image, since: source.since });
    }
  }
  return out;
}
