import { execFileSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { parseRelease, ReleaseFileState } from './release-file.js';

/** How many commits of the release file are searched for the proof of a promotion. */
const MAX_COMMITS = 500;

function run(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return undefined;
  }
}

/**
 * The blobs named by `specs` (`<commit>:<path>`), read by one `git cat-file --batch`: the text of each that is a file
 * there, null for each that is missing there (no such commit in the clone, or no such file in it). A spec answered
 * otherwise (a folder there, an ambiguous short commit id) is left out, as is every spec when git fails.
 */
export function readBlobs(cwd: string, specs: readonly string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  // One spec per line: a spec with a line break (or NUL) cannot be asked this way.
  const asked = specs.filter((s) => !/[\n\r\0]/.test(s));
  if (asked.length === 0) return out;
  let batch: Buffer;
  try {
    batch = execFileSync('git', ['cat-file', '--batch'], { cwd, input: `${asked.join('\n')}\n`, stdio: ['pipe', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch {
    return out;
  }
  // Each answer: `<oid> <type> <size>\n<content>\n`, or `<spec> missing\n` (and `<spec> ambiguous\n`), in order.
  let offset = 0;
  for (const spec of asked) {
    const headerEnd = batch.indexOf(0x0a, offset);
    if (headerEnd < 0) break;
    const header = batch.subarray(offset, headerEnd).toString('utf8');
    offset = headerEnd + 1;
    if (header === `${spec} missing`) {
      out.set(spec, null);
      continue;
    }
    const [, type, size] = header.split(' ');
    if (size === undefined || !/^\d+$/.test(size)) continue; // ambiguous: nothing follows the header
    if (type === 'blob') out.set(spec, batch.subarray(offset, offset + Number(size)).toString('utf8'));
    offset += Number(size) + 1;
  }
  return out;
}

/**
 * The git history of one release file, when the file is in a git work tree (and git is installed): the versions
 * committed, to prove that an image ran in an environment before it was promoted to the next one. Read-only.
 */
export class ReleaseGitHistory {
  /** The history of `file`, or undefined when the file is not in a git work tree (or git is not installed). */
  public static of(file: string): ReleaseGitHistory | undefined {
    let real: string;
    try {
      real = realpathSync(file);
    } catch {
      return undefined;
    }
    const dir = path.dirname(real);
    const top = run(dir, ['rev-parse', '--show-toplevel'])?.trim();
    if (!top) return undefined;
    return new ReleaseGitHistory(top, path.relative(realpathSync(top), real).split(path.sep).join('/'));
  }

  private readonly versions = new Map<string, { readonly missing: true } | { readonly state: ReleaseFileState | null }>();
  private commits?: string[];

  private constructor(
    /** The work tree's top folder. */
    public readonly top: string,
    /** The file's path in the repository. */
    public readonly file: string,
  ) {}

  /** The commits that changed the file, newest first (at most 500). */
  public fileCommits(): readonly string[] {
    this.commits ??= (run(this.top, ['log', '--format=%H', `-n${MAX_COMMITS}`, '--', this.file]) ?? '').split('\n').filter(Boolean);
    return this.commits;
  }

  /**
   * Reads the file at each of `commits` in one git process (`git cat-file --batch`), for {@link stateAt} to answer
   * from: a synth checks every proof commit of the file, and a `git show` per commit was a process each. A commit
   * the batch does not answer plainly (an ambiguous short id, a folder at that path) is left to `stateAt`'s own
   * `git show`, so the states are the same either way.
   */
  public prefetch(commits: readonly string[]): void {
    const wanted = [...new Set(commits)].filter((c) => !this.versions.has(c));
    if (wanted.length === 0) return;
    const blobs = readBlobs(this.top, wanted.map((c) => `${c}:${this.file}`));
    for (const commit of wanted) {
      const text = blobs.get(`${commit}:${this.file}`);
      if (text !== undefined) this.versions.set(commit, text === null ? { missing: true } : { state: parseRelease(text).state ?? null });
    }
  }

  /**
   * The release state as committed at `commit`; undefined when the commit is not in this clone (a shallow clone,
   * a squashed branch) or the file did not exist there, null when the file there does not parse.
   */
  public stateAt(commit: string): ReleaseFileState | null | undefined {
    if (!this.versions.has(commit)) {
      const text = run(this.top, ['show', `${commit}:${this.file}`]);
      this.versions.set(commit, text === undefined ? { missing: true } : { state: parseRelease(text).state ?? null });
    }
    const version = this.versions.get(commit)!;
    return 'missing' in version ? undefined : version.state;
  }

  /**
   * The commit that proves `digest` ran in `environment` for `workload`: the oldest commit of the latest run of
   * committed versions recording it there. Undefined when the latest committed version does not record it (the
   * record is uncommitted: nothing deployed it from git yet).
   */
  public proofCommit(workload: string, environment: string, digest: string): string | undefined {
    let proof: string | undefined;
    for (const commit of this.fileCommits()) {
      const image = this.stateAt(commit)?.workloads[workload]?.[environment]?.image;
      if (image === undefined || !image.endsWith(`@${digest}`)) break;
      proof = commit;
    }
    return proof;
  }
}
