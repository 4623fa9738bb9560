import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { digestOf, parseRelease, ReleaseEntry, ReleaseFileState } from '../../release/release-file.js';
import { deliveryPlanOf, describePlan } from '../delivery-plan.js';
import { isWorkload, ReviewObject } from '../manifests.js';
import { Change, risk } from './change.js';
import { git, nulList } from './git.js';
import { shortDigest } from './images.js';

/** Release files the diff finds by name: `release.yaml`, `<anything>.release.yaml` (or `.yml`, `.json`). */
export const isReleaseFileName = (file: string): boolean => /(^|[./-])release\.(ya?ml|json)$/.test(path.basename(file));

/**
 * The release files of the git work tree around `cwd` (tracked, or new and not ignored) that parse as release
 * files, as paths from the work tree's top, with that top. None outside git.
 */
async function releaseFiles(cwd: string): Promise<{ top: string; files: string[] }> {
  let top: string;
  try {
    top = (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return { top: cwd, files: [] };
  }
  const listed = nulList(await git(top, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']));
  return { top, files: [...new Set(listed)].filter(isReleaseFileName).sort() };
}

async function stateAt(top: string, base: string, file: string): Promise<ReleaseFileState | undefined> {
  try {
    return parseRelease(await git(top, ['show', `${base}:${file}`])).state;
  } catch {
    return undefined;
  }
}

/** The rollout plan the workload of a unit will run, from the manifests after the change. */
function planOf(after: readonly ReviewObject[], platform: string, environment: string, workload: string): string | undefined {
  const object = after.find((o) => o.path.startsWith(`${platform}/${environment}/${workload}/`) && isWorkload(o.manifest));
  const plan = object && deliveryPlanOf(object.manifest);
  return plan ? describePlan(plan) : undefined;
}

function promotionChange(state: ReleaseFileState, before: ReleaseEntry | undefined, entry: ReleaseEntry, workload: string, environment: string, after: readonly ReviewObject[]): Change {
  const digest = shortDigest(digestOf(entry.image) ?? entry.image);
  const source = entry.from !== undefined ? state.workloads[workload]?.[entry.from] : undefined;
  const ranSince = source && digestOf(source.image) === digestOf(entry.image) ? source.since : source?.history.find((h) => digestOf(h.image) === digestOf(entry.image))?.since;
  const rollback = before?.history.some((h) => digestOf(h.image) === digestOf(entry.image));
  const plan = planOf(after, state.platform, environment, workload);
  const notes = [
    ...(entry.from !== undefined && ranSince ? [`in ${entry.from} since ${ranSince}`] : []),
    ...(before ? [`was ${shortDigest(digestOf(before.image) ?? before.image)}${rollback ? ', a rollback to an earlier record' : ''}`] : ['first release here']),
    ...(entry.commit ? [`proof commit ${entry.commit.slice(0, 12)}`] : []),
    ...(plan ? [`rollout: ${plan}`] : []),
  ];
  return {
    platform: state.platform,
    environment,
    unit: workload,
    subject: 'release',
    aspect: 'promotion',
    field: entry.from !== undefined ? `${workload} ${entry.from} → ${environment}` : `${workload} set in ${environment}`,
    after: digest,
    note: notes.join('; '),
    risks: entry.bypass !== undefined ? [risk('release-bypass', `the promotion rule was bypassed: ${JSON.stringify(entry.bypass)}`)] : [],
  };
}

/**
 * The promotions between two versions of every release file of the work tree: one change per workload and
 * environment whose image changed, `gateway staging → prod: sha256:… (in staging since …; rollout: canary …)`,
 * the rollout plan taken from the manifests after the change; a bypass of the promotion rule is risk-flagged.
 */
export async function releaseChanges(options: { readonly base: string; readonly cwd: string; readonly after: readonly ReviewObject[] }): Promise<Change[]> {
  const { top, files } = await releaseFiles(options.cwd);
  const changes: Change[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(path.join(top, file), 'utf8');
    } catch {
      continue;
    }
    const now = parseRelease(text).state;
    if (!now) continue;
    const then = await stateAt(top, options.base, file);
    for (const workload of Object.keys(now.workloads).sort()) {
      for (const environment of now.environments) {
        const entry = now.workloads[workload]![environment];
        const before = then?.platform === now.platform ? then.workloads[workload]?.[environment] : undefined;
        if (!entry || (before && before.image === entry.image && before.bypass === entry.bypass)) continue;
        changes.push(promotionChange(now, before, entry, workload, environment, options.after));
      }
    }
  }
  return changes;
}
