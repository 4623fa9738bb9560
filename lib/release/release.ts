import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IConstruct } from 'constructs';
import { reportProblem } from '../core/problems.js';
import { attachedProblems, checkFactory } from '../core/props/check-props.js';
import { EnvironmentChart, Platform } from '../platform/platform.js';
import { ReleaseGitHistory } from './git-history.js';
import { parseRelease, ReleaseFileProblem, ReleaseFileState } from './release-file.js';
import { PromotionViolation, promotionViolations, proofCommits } from './release-operations.js';

/** Options of {@link Release.fromFile}. */
export interface ReleaseFileOptions {
  /**
   * Whether the promotion rule is cross-checked against the file's git history: a record naming the commit that
   * proves a promotion must match the file as committed there.
   * @default true: when the file is in a git work tree and the commit is in the clone (a shallow clone skips it)
   */
  readonly gitHistory?: boolean;
}

/**
 * The release state of a platform, read from its release file: per workload and environment, the image (pinned by
 * digest) and where it came from. Workloads take their image from it per environment, so shipping is a change of
 * data (`cdk8s-delivery release set|promote`, Renovate, Argo CD Image Updater, Kargo) and rolling back is `git
 * revert` of that change.
 *
 * ```ts
 * const release = Release.fromFile(new URL('./release.yaml', import.meta.url));
 * platform.forEachEnvironment((env) => {
 *   new StatelessService(env, 'gateway', { image: release.image(env, 'gateway'), ... });
 * });
 * ```
 *
 * The first {@link image} call of a platform checks the file (its format, its platform and environments against
 * the Platform's) and the promotion rule: an image reaches an environment only after it ran in the previous one,
 * unless the record holds a bypass reason. Problems are reported with the construct path, field, value and fix,
 * and fail the synth with every other problem.
 */
export class Release {
  /** Reads a release file (YAML or JSON). Never throws: an unreadable or malformed file is reported at synth. */
  public static fromFile(file: string | URL, options: ReleaseFileOptions = {}): Release {
    return checkFactory(Release.read(file, options), 'Release.fromFile', [file, options]);
  }

  private static read(file: string | URL, options: ReleaseFileOptions): Release {
    // A path of the wrong type (JavaScript) is reported by the factory's props check.
    if (typeof file !== 'string' && !(file instanceof URL)) return new Release(String(file), undefined, [], options);
    const resolved = file instanceof URL ? fileURLToPath(file) : file;
    let text: string;
    try {
      text = readFileSync(resolved, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${error instanceof Error ? error.message : String(error)})`;
      return new Release(resolved, undefined, [{ field: '(file)', message: reason, fix: 'create it with `cdk8s-delivery release set <workload>=<image>@sha256:<digest> --env <first environment> --new --file <file>`, or fix the path' }], options);
    }
    const parsed = parseRelease(text);
    return new Release(resolved, parsed.state, parsed.problems, options);
  }

  /** The file read. */
  public readonly file: string;
  /** The release state; undefined when the file could not be read or parsed. */
  public readonly state?: ReleaseFileState;

  private readonly checked = new WeakSet<Platform>();
  private violations?: PromotionViolation[];

  private constructor(file: string, state: ReleaseFileState | undefined, private readonly fileProblems: readonly ReleaseFileProblem[], private readonly options: ReleaseFileOptions) {
    this.file = file;
    this.state = state;
  }

  /**
   * The image `workload` runs in the environment of `scope` (an {@link EnvironmentChart} or a construct inside one).
   * A workload the file has no image for in that environment is reported on `scope` (and gets an empty image).
   */
  public image(scope: IConstruct, workload: string): string {
    const chart = EnvironmentChart.of(scope);
    this.check(chart.platform);
    const environment = chart.environment.name;
    const entry = this.state?.workloads[workload]?.[environment];
    if (this.state && !entry) {
      const known = this.state.workloads[workload];
      reportProblem(scope, {
        field: `release.workloads.${workload}.${environment}`,
        value: undefined,
        rule: 'release/no-image',
        message: known
          ? `${this.displayName()} has no ${environment} image for ${workload} yet (it runs in ${Object.keys(known).join(', ') || 'no environment'})`
          : `${this.displayName()} has no workload ${workload} (it has ${Object.keys(this.state.workloads).sort().join(', ') || 'none'})`,
        fix: known
          ? `promote it: \`cdk8s-delivery release promote --from ${this.state.environments[this.state.environments.indexOf(environment) - 1] ?? '<previous>'} --to ${environment} --workload ${workload} --file ${this.displayName()}\``
          : `add it: \`cdk8s-delivery release set ${workload}=<image>@sha256:<digest> --env ${this.state.environments[0]} --new --file ${this.displayName()}\`, or check the name`,
      });
    }
    return entry?.image ?? '';
  }

  /**
   * Whether `workload` has reached the environment of `scope` (the file has an image for it there). A platform
   * defines a new workload only where it runs, `if (release.runs(env, 'api')) new StatelessService(...)`, so it
   * appears in each environment as it is promoted there.
   */
  public runs(scope: IConstruct, workload: string): boolean {
    const chart = EnvironmentChart.of(scope);
    this.check(chart.platform);
    return this.state?.workloads[workload]?.[chart.environment.name] !== undefined;
  }

  /** Every workload's image in `environment` (workloads that have none there are left out). */
  public images(environment: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [workload, entries] of Object.entries(this.state?.workloads ?? {})) {
      const entry = entries[environment];
      if (entry) out[workload] = entry.image;
    }
    return out;
  }

  /** The promotion rule's violations, cross-checked against git history unless turned off (computed once). */
  public promotionViolations(): readonly PromotionViolation[] {
    if (!this.state) return [];
    // Git is asked only for a file that names proof commits (one process to find the work tree, one to read them all).
    this.violations ??= promotionViolations(this.state, this.options.gitHistory === false || proofCommits(this.state).length === 0 ? undefined : ReleaseGitHistory.of(this.file));
    return this.violations;
  }

  private displayName(): string {
    const relative = path.relative(process.cwd(), this.file);
    return relative && !relative.startsWith('..') ? relative : this.file;
  }

  /** Once per platform: the file's problems, its platform and environments, and the promotion rule. */
  private check(platform: Platform): void {
    if (this.checked.has(platform)) return;
    this.checked.add(platform);
    const name = this.displayName();
    for (const p of attachedProblems(this).problems) reportProblem(platform, { ...p, field: `release(Release.fromFile).${p.field}` });
    for (const p of this.fileProblems) {
      reportProblem(platform, { field: `release${p.field === '(file)' ? '' : `.${p.field}`}`, value: p.value ?? name, rule: 'release/file', message: `${name}${p.field === '(file)' ? '' : ` ${p.field}`} ${p.message}`, fix: p.fix });
    }
    if (!this.state) return;
    if (this.state.platform !== platform.name) {
      reportProblem(platform, { field: 'release.platform', value: this.state.platform, rule: 'release/file', message: `${name} is the release of platform ${this.state.platform}, not ${platform.name}`, fix: "give each platform its own release file, or correct the file's `platform`" });
    }
    const own = platform.environments.map((e) => e.environment.name);
    if (own.join() !== this.state.environments.join()) {
      reportProblem(platform, {
        field: 'release.environments',
        value: this.state.environments,
        rule: 'release/file',
        message: `${name} lists the environments ${this.state.environments.join(' → ')}, but the platform has ${own.join(' → ')}`,
        fix: `list the platform's environments in promotion order: \`environments: [${own.join(', ')}]\``,
      });
    }
    for (const v of this.promotionViolations()) {
      const chart = platform.environments.find((e) => e.environment.name === v.environment) ?? platform;
      reportProblem(chart, { field: `release.workloads.${v.workload}.${v.environment}.image`, value: v.image, rule: 'release/promotion', message: `${name}: ${v.workload} ${v.message}`, fix: v.fix });
    }
  }
}
