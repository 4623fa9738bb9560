import { parseDocument } from 'yaml';
import { isDigestPinned, isValidImageReference } from '../core/image.js';

/** The `apiVersion` of a release file. */
export const RELEASE_API_VERSION = 'delivery.cdk8s.io/v1alpha1';
/** The `kind` of a release file. */
export const RELEASE_KIND = 'Release';
/** The file name the `release` commands use when `--file` is not given. */
export const DEFAULT_RELEASE_FILE = 'release.yaml';
/** How many earlier records each workload keeps per environment (older ones are dropped, newest first). */
export const RELEASE_HISTORY_LIMIT = 10;

/**
 * One image an environment ran (or runs) for one workload, and how it got there.
 */
export interface ReleaseRecord {
  /** The image reference, pinned by digest: `registry/repository[:tag]@sha256:<64 hex>`. */
  readonly image: string;
  /** When it reached the environment (ISO 8601, UTC). */
  readonly since: string;
  /** The previous environment it was promoted from; absent when it was set (first environment, or a bypass). */
  readonly from?: string;
  /** The commit in which the release file recorded it in `from` (the proof of the promotion), when the file is in git. */
  readonly commit?: string;
  /** The reason given with `--force` when the promotion rule was bypassed (a hotfix); absent otherwise. */
  readonly bypass?: string;
}

/** What one environment runs of one workload, and what it ran before. */
export interface ReleaseEntry extends ReleaseRecord {
  /** Earlier records, newest first (at most {@link RELEASE_HISTORY_LIMIT}). */
  readonly history: readonly ReleaseRecord[];
}

/** The release state of a platform: per workload, per environment, the image and its provenance. */
export interface ReleaseFileState {
  /** The platform the file belongs to. */
  readonly platform: string;
  /** The environments in promotion order (an image moves from each to the next). */
  readonly environments: readonly string[];
  /** Workload name → environment name → entry. An environment a workload has not reached yet has no entry. */
  readonly workloads: Readonly<Record<string, Readonly<Record<string, ReleaseEntry>>>>;
}

/** A problem with a release file: where in it (`workloads.gateway.prod.image`) and what is wrong. */
export interface ReleaseFileProblem {
  /** Where in the file, e.g. `workloads.gateway.prod.image`; `(file)` for the file as a whole. */
  readonly field: string;
  /** The value seen. */
  readonly value?: unknown;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const COMMIT = /^[0-9a-f]{7,64}$/;
const RECORD_KEYS = new Set(['image', 'since', 'from', 'commit', 'bypass']);

/** The sha256 digest of a reference (`sha256:<hex>`), or undefined when it is not pinned. */
export function digestOf(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  return at >= 0 && isDigestPinned(image) ? image.slice(at + 1) : undefined;
}

/** Why a string is not an image reference pinned by digest, or undefined when it is one. */
export function imageReferenceProblem(image: unknown): string | undefined {
  if (typeof image !== 'string' || image === '') return 'an image reference is required';
  if (!isValidImageReference(image)) return 'is not a valid OCI image reference';
  if (!isDigestPinned(image)) return 'is not pinned by digest (a tag can be moved to other content; a release records immutable images)';
  return undefined;
}

const IMAGE_FIX = 'use `registry/repository[:tag]@sha256:<64 lower-case hex digits>` (the digest your CI pushed, e.g. from `crane digest`)';

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkRecord(value: unknown, field: string, environments: readonly string[], problems: ReleaseFileProblem[]): ReleaseRecord | undefined {
  if (!isMap(value)) {
    problems.push({ field, value, message: 'is not a mapping of image, since, from, commit, bypass', fix: 'write `image: <reference>@sha256:<digest>` and `since: "<ISO time>"` under it' });
    return undefined;
  }
  let ok = true;
  const bad = (p: ReleaseFileProblem) => {
    problems.push(p);
    ok = false;
  };
  for (const key of Object.keys(value)) if (!RECORD_KEYS.has(key) && key !== 'history') bad({ field: `${field}.${key}`, value: value[key], message: 'is not a field of a release record', fix: 'keep image, since, from, commit, bypass and history' });
  const imageProblem = imageReferenceProblem(value.image);
  if (imageProblem) bad({ field: `${field}.image`, value: value.image, message: imageProblem, fix: IMAGE_FIX });
  if (typeof value.since !== 'string' || !TIME.test(value.since) || Number.isNaN(Date.parse(value.since))) {
    bad({ field: `${field}.since`, value: value.since, message: 'is not an ISO 8601 UTC time', fix: 'write it quoted, e.g. "2026-12-07T05:30:00Z"' });
  }
  if (value.from !== undefined && (typeof value.from !== 'string' || !environments.includes(value.from))) {
    bad({ field: `${field}.from`, value: value.from, message: `is not one of the file's environments (${environments.join(', ')})`, fix: 'name the environment the image was promoted from, or leave `from` out' });
  }
  // A tool that rewrites keys but cannot delete them (Kargo's yaml-update) clears `commit` and `bypass` with "".
  const commit = value.commit === '' ? undefined : value.commit;
  const bypass = value.bypass === '' ? undefined : value.bypass;
  if (commit !== undefined && (typeof commit !== 'string' || !COMMIT.test(commit))) {
    bad({ field: `${field}.commit`, value: value.commit, message: 'is not a git commit id', fix: 'write the full lower-case hex commit id, or leave `commit` out' });
  }
  if (bypass !== undefined && (typeof bypass !== 'string' || bypass.trim() === '')) {
    bad({ field: `${field}.bypass`, value: value.bypass, message: 'is not a reason', fix: 'write why the promotion rule was bypassed, e.g. "hotfix for INC-42"' });
  }
  if (!ok) return undefined;
  return {
    image: value.image as string,
    since: value.since as string,
    ...(value.from !== undefined ? { from: value.from as string } : {}),
    ...(commit !== undefined ? { commit: commit as string } : {}),
    ...(bypass !== undefined ? { bypass: bypass as string } : {}),
  };
}

/**
 * Parses a release file (YAML; JSON is YAML too). Returns the state, or every problem found: the file is
 * checked whole, so one run reports all of them.
 */
export function parseRelease(text: string): { state?: ReleaseFileState; problems: ReleaseFileProblem[] } {
  const problems: ReleaseFileProblem[] = [];
  const document = parseDocument(text, { uniqueKeys: true });
  if (document.errors.length > 0) {
    const e = document.errors[0]!;
    const first = e.message.split('\n')[0]!.replace(/:$/, '');
    const where = !/ at line \d+/.test(first) && e.linePos?.[0] ? ` at line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '';
    return { problems: [{ field: '(file)', message: `is not valid YAML: ${first}${where}`, fix: 'fix the YAML syntax (or restore the file with `git checkout -- <file>`)' }] };
  }
  const root: unknown = document.toJS();
  if (!isMap(root)) return { problems: [{ field: '(file)', value: root, message: 'is not a mapping', fix: `start the file with \`apiVersion: ${RELEASE_API_VERSION}\` and \`kind: ${RELEASE_KIND}\`` }] };
  if (root.apiVersion !== RELEASE_API_VERSION) problems.push({ field: 'apiVersion', value: root.apiVersion, message: `is not ${RELEASE_API_VERSION}`, fix: `write \`apiVersion: ${RELEASE_API_VERSION}\`` });
  if (root.kind !== RELEASE_KIND) problems.push({ field: 'kind', value: root.kind, message: `is not ${RELEASE_KIND}`, fix: `write \`kind: ${RELEASE_KIND}\`` });
  for (const key of Object.keys(root)) {
    if (!['apiVersion', 'kind', 'platform', 'environments', 'workloads'].includes(key)) problems.push({ field: key, value: root[key], message: 'is not a field of a release file', fix: 'keep apiVersion, kind, platform, environments and workloads' });
  }
  if (typeof root.platform !== 'string' || !DNS_LABEL.test(root.platform)) problems.push({ field: 'platform', value: root.platform, message: 'is not a platform name (a lower-case DNS label)', fix: 'write the name of the Platform the file belongs to' });
  const environments: string[] = [];
  if (!Array.isArray(root.environments) || root.environments.length === 0) {
    problems.push({ field: 'environments', value: root.environments, message: 'is not a list of environment names', fix: 'list the environments in promotion order, e.g. `environments: [dev, staging, prod]`' });
  } else {
    root.environments.forEach((e, i) => {
      if (typeof e !== 'string' || !DNS_LABEL.test(e)) problems.push({ field: `environments[${i}]`, value: e, message: 'is not an environment name (a lower-case DNS label)', fix: 'use the names of the Platform environments' });
      else if (environments.includes(e)) problems.push({ field: `environments[${i}]`, value: e, message: 'names an environment twice', fix: 'list each environment once' });
      else environments.push(e);
    });
  }
  const workloads: Record<string, Record<string, ReleaseEntry>> = {};
  if (!isMap(root.workloads)) {
    problems.push({ field: 'workloads', value: root.workloads, message: 'is not a mapping of workload names', fix: 'write `workloads:` with one key per workload, then one per environment' });
  } else {
    for (const [name, perEnvironment] of Object.entries(root.workloads)) {
      if (!DNS_LABEL.test(name)) problems.push({ field: `workloads.${name}`, value: name, message: 'is not a workload name (a lower-case DNS label)', fix: 'use the name of the workload construct' });
      if (!isMap(perEnvironment)) {
        problems.push({ field: `workloads.${name}`, value: perEnvironment, message: 'is not a mapping of environments', fix: `write one key per environment (${environments.join(', ')}) under it` });
        continue;
      }
      const entries: Record<string, ReleaseEntry> = {};
      for (const [env, value] of Object.entries(perEnvironment)) {
        const field = `workloads.${name}.${env}`;
        if (!environments.includes(env)) {
          problems.push({ field, value: env, message: `is not one of the file's environments (${environments.join(', ')})`, fix: 'add the environment to `environments`, or remove the entry' });
          continue;
        }
        const record = checkRecord(value, field, environments, problems);
        const history: ReleaseRecord[] = [];
        const rawHistory = isMap(value) ? value.history : undefined;
        if (rawHistory !== undefined && !Array.isArray(rawHistory)) {
          problems.push({ field: `${field}.history`, value: rawHistory, message: 'is not a list', fix: 'write earlier records as a list, newest first' });
        } else {
          (rawHistory ?? []).forEach((h, i) => {
            const checked = checkRecord(h, `${field}.history[${i}]`, environments, problems);
            if (checked) history.push(checked);
          });
        }
        if (record) entries[env] = { ...record, history };
      }
      workloads[name] = entries;
    }
  }
  if (problems.length > 0) return { problems };
  return { state: { platform: root.platform as string, environments, workloads }, problems };
}

/** A YAML scalar for free text and times: a JSON string is a valid YAML double-quoted scalar. */
const quoted = (s: string) => JSON.stringify(s);

function recordLines(record: ReleaseRecord, indent: string, first: string): string[] {
  const lines = [`${first}image: ${record.image}`, `${indent}since: ${quoted(record.since)}`];
  if (record.from !== undefined) lines.push(`${indent}from: ${record.from}`);
  if (record.commit !== undefined) lines.push(`${indent}commit: ${record.commit}`);
  if (record.bypass !== undefined) lines.push(`${indent}bypass: ${quoted(record.bypass)}`);
  return lines;
}

/**
 * The canonical text of a release file. The layout is what keeps promotions mergeable: workload, then
 * environment, then the record on its own lines and the history (newest first) under it. A promotion
 * rewrites the few lines of one workload in one environment and inserts its previous record below them,
 * so two promotions of different workloads change hunks that always have unchanged lines (a workload's or
 * an environment's key) between them, and git merges them without a conflict.
 */
export function formatRelease(state: ReleaseFileState): string {
  const lines = [
    `# Release state of the ${state.platform} platform: per workload and environment, the image (by digest) and where it came from.`,
    '# Written by `cdk8s-delivery release set|promote`; read by the constructs (Release.fromFile). Format: the README, "Releases as data".',
    `apiVersion: ${RELEASE_API_VERSION}`,
    `kind: ${RELEASE_KIND}`,
    `platform: ${state.platform}`,
    `environments: [${state.environments.join(', ')}]`,
    Object.keys(state.workloads).length === 0 ? 'workloads: {}' : 'workloads:',
  ];
  for (const name of Object.keys(state.workloads).sort()) {
    lines.push(`  ${name}:`);
    const entries = state.workloads[name]!;
    for (const env of state.environments) {
      const entry = entries[env];
      if (!entry) continue;
      lines.push(`    ${env}:`, ...recordLines(entry, '      ', '      '));
      if (entry.history.length > 0) {
        lines.push('      history:');
        for (const h of entry.history) lines.push(...recordLines(h, '          ', '        - '));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}
