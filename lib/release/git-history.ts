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
