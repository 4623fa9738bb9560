import { Duration } from 'cdk8s';
import { exactSeconds, goDuration, isWholeSeconds } from '../../core/duration.js';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../../core/labels.js';
import { Finding } from '../../validation/finding.js';
import { GITOPS_INSTANCE_ANNOTATION } from '../../validation/gitops-tree.js';
import { GitOpsObject, GitOpsRenderContext, IGitOpsTarget } from '../gitops-target.js';
import { GitOpsUnit } from '../units.js';
import { adaptForFlux, dependenciesOf, isMigrationUnit, pluginManagedRouteIgnores, rolloutHealthChecks } from './kustomization-spec.js';

/** The namespace `flux install` and `flux bootstrap` put Flux in. */
export const FLUX_NAMESPACE = 'flux-system';

/** The Git reference Flux checks out. Create with {@link FluxGitRef.branch}, `.tag` or `.commit`. */
export class FluxGitRef {
  /** Follow a branch: every commit is deployed. */
  public static branch(name: string): FluxGitRef {
    return new FluxGitRef('branch', name);
  }

  /** Stay on a tag: a new release is a change of this prop. */
  public static tag(name: string): FluxGitRef {
    return new FluxGitRef('tag', name);
  }

  /** Stay on one commit (40 hex digits). */
  public static commit(sha: string): FluxGitRef {
    return new FluxGitRef('commit', sha);
  }

  private constructor(
    /** `branch`, `tag` or `commit`: the field of the GitRepository's `spec.ref`. */
    public readonly kind: 'branch' | 'tag' | 'commit',
    /** The branch, tag or commit. */
    public readonly value: string,
  ) {}

  /** Problems with the reference (fields relative to `field`). */
  public problems(field: string): Finding[] {
    const bad = this.kind === 'commit' ? !/^[0-9a-f]{40}$/.test(this.value) : !/^[^\s~^:?*[\\]+$/.test(this.value ?? '');
    if (!bad) return [];
    const fix = this.kind === 'commit' ? 'use the full 40-character lower-case commit SHA' : `use a ${this.kind} name without spaces or ~^:?*[\\`;
    return [{ location: 'gitops', field: `${field}.${this.kind}`, value: this.value, rule: 'props/invalid', message: `is not a valid Git ${this.kind}`, fix }];
  }
}

/** Props of {@link GitOpsTarget.flux}. */
export interface FluxTargetProps {
  /**
   * URL of the Git repository holding dist/: `https://…` or `ssh://git@host/org/repo.git`. Flux refuses the
   * scp-like `git@host:org/repo.git` form.
   */
  readonly url: string;
  /** Branch, tag or commit to deploy. @default FluxGitRef.branch('main') */
  readonly ref?: FluxGitRef;
  /** Secret (in the Flux namespace) with the credentials of a private repository. @default none: a public repository */
  readonly secretName?: string;
  /** Namespace Flux runs in; every GitRepository, Kustomization, HelmRepository and HelmRelease goes there. @default 'flux-system' */
  readonly namespace?: string;
  /** How often the repository is polled for new commits. @default 1 minute */
  readonly sourceInterval?: Duration;
  /** How often each Kustomization re-applies its folder, correcting drift (also the Helm charts' interval). @default 10 minutes */
  readonly interval?: Duration;
  /** How soon a failed Kustomization is retried. @default 2 minutes */
  readonly retryInterval?: Duration;
  /**
   * How long a Kustomization may take to apply and become healthy before it is reported failed (and retried):
   * long enough for the default canary (two analyses of five one-minute measurements) to promote.
   * @default 15 minutes
   */
  readonly timeout?: Duration;
}

/**
 * Flux per environment:
 * - `<platform>/<env>/flux/`: a GitRepository for the repository and one Kustomization per unit folder, with
 *   `dependsOn` reproducing the stage order (platform → data → migrations → apps), `prune` and `wait`; the
 *   migration units are forced (a new image recreates the immutable Job); Rollouts get CEL health checks and
 *   plugin-managed HTTPRoute weights are ignored;
 * - every object of the unit folders speaks Flux ({@link FluxTarget.adapt}): no Argo CD annotation is written, the
 *   deletion protection of data services is `kustomize.toolkit.fluxcd.io/prune: disabled`;
 * - `<platform>/<env>/bootstrap/kustomization-<platform>-<env>.yaml`: the root Kustomization, which applies the
 *   `flux/` folder. Apply it and the GitRepository once by hand; from then on Git drives everything.
 *
 * Do not run `flux bootstrap --path` at a folder under dist/: bootstrap commits `flux-system/` there, and the
 * next synth, which replaces dist/ as a whole, would delete it, so the commit after that prunes Flux itself.
 */
export class FluxTarget implements IGitOpsTarget {
  /** `flux`: charts of this platform become HelmRepository + HelmRelease pairs (see renderHelmChart). */
  public readonly kind = 'flux';
  /** Namespace of the Flux objects. */
  public readonly namespace: string;
  /** Interval of the Kustomizations and Helm charts. */
  public readonly interval: Duration;
  private readonly ref: FluxGitRef;
  private readonly sourceInterval: Duration;
  private readonly retryInterval: Duration;
  private readonly timeout: Duration;

  constructor(private readonly props: FluxTargetProps) {
    this.namespace = props.namespace ?? FLUX_NAMESPACE;
    this.ref = props.ref ?? FluxGitRef.branch('main');
    this.interval = props.interval ?? Duration.minutes(10);
    this.sourceInterval = props.sourceInterval ?? Duration.minutes(1);
    this.retryInterval = props.retryInterval ?? Duration.minutes(2);
    this.timeout = props.timeout ?? Duration.minutes(15);
  }

  /** Problems with the props: the URL form Flux accepts, the ref, names and durations. */
  public problems(): Finding[] {
    const out: Finding[] = [];
    const url = this.props.url ?? '';
    if (!/^(https?|ssh):\/\/[^\s]+$/.test(url)) {
      const scp = /^[^\s/@]+@[^\s:]+:.+$/.exec(url);
      out.push({
        location: 'gitops',
        field: 'url',
        value: this.props.url,
        rule: 'props/invalid',
        message: scp ? 'is an scp-like Git address, which the Flux GitRepository refuses (its url must start with http://, https:// or ssh://)' : 'is not a Git URL Flux can clone',
        fix: scp ? `write it as "ssh://${url.replace(':', '/')}"` : 'use e.g. "https://github.com/org/platform.git" or "ssh://git@github.com/org/platform.git"',
      });
    }
    out.push(...this.ref.problems('ref'));
    const dns = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
    for (const [field, value] of [['namespace', this.props.namespace], ['secretName', this.props.secretName]] as const) {
      if (value !== undefined && !(dns.test(value) && value.length <= 63)) {
        out.push({ location: 'gitops', field, value, rule: 'props/invalid', message: 'is not a lower-case DNS label', fix: 'use lower-case letters, digits and dashes (at most 63)' });
      }
    }
    for (const [field, value, min] of [['sourceInterval', this.sourceInterval, 1], ['interval', this.interval, 60], ['retryInterval', this.retryInterval, 1], ['timeout', this.timeout, 1]] as const) {
      if (!isWholeSeconds(value, min)) {
        out.push({ location: 'gitops', field, value: exactSeconds(value), rule: 'props/invalid', message: `must be a whole number of seconds of at least ${min}`, fix: `use e.g. Duration.minutes(${field === 'timeout' ? 15 : 10})` });
      }
    }
    return out;
  }

  /** The GitRepository, one Kustomization per unit and the root Kustomization of one environment. */
  public render(ctx: GitOpsRenderContext): GitOpsObject[] {
    const name = `${ctx.platform}-${ctx.environment}`;
    const labels = { [PART_OF_LABEL]: ctx.platform, [MANAGED_BY_LABEL]: 'cdk8s-delivery', 'app.kubernetes.io/component': 'gitops' };
    const base = `${ctx.platform}/${ctx.environment}`;
    const inRepo = (path: string) => repoPath(ctx.outputPath, path);
    const out: GitOpsObject[] = [];

    const source: Record<string, unknown> = { interval: goDuration(this.sourceInterval), url: this.props.url, ref: { [this.ref.kind]: this.ref.value } };
    if (this.props.secretName) source.secretRef = { name: this.props.secretName };
    out.push({
      path: `${base}/flux/gitrepository-${name}.yaml`,
      manifest: { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: this.metadata(name, labels), spec: source },
    });

    for (const unit of ctx.units) {
      const unitName = `${name}-${unit.folder}`;
      out.push({ path: `${base}/flux/kustomization-${unitName}.yaml`, manifest: this.unitKustomization(unitName, name, inRepo(unit.path), unit, ctx.units, labels) });
    }

    out.push({
      path: `${base}/bootstrap/kustomization-${name}.yaml`,
      manifest: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        // Applied by hand into this environment's Flux, one per cluster: the root every check reads the clusters from.
        metadata: { ...this.metadata(name, labels), annotations: { [GITOPS_INSTANCE_ANNOTATION]: name } },
        // Only applies the Flux objects; each unit Kustomization carries the health of its own folder.
        spec: { ...this.timing(), path: inRepo(`${base}/flux`), sourceRef: { kind: 'GitRepository', name }, prune: true, wait: false },
      },
    });
    return out;
  }

  private unitKustomization(name: string, source: string, path: string, unit: GitOpsUnit, units: readonly GitOpsUnit[], labels: Record<string, string>): Record<string, any> {
    const spec: Record<string, unknown> = { ...this.timing(), path, sourceRef: { kind: 'GitRepository', name: source }, prune: true, wait: true };
    const dependencies = dependenciesOf(unit, units);
    if (dependencies.length > 0) spec.dependsOn = dependencies.map((d) => ({ name: `${source}-${d.folder}` }));
    // A Job's pod template is immutable: a new image must replace the Job, which re-runs the migration.
    if (isMigrationUnit(unit)) spec.force = true;
    const health = rolloutHealthChecks(unit);
    if (health.length > 0) spec.healthCheckExprs = health;
    const ignore = pluginManagedRouteIgnores(unit);
    if (ignore.length > 0) spec.ignore = ignore;
    return { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: this.metadata(name, labels), spec };
  }

  private timing(): Record<string, string> {
    return { interval: goDuration(this.interval), retryInterval: goDuration(this.retryInterval), timeout: goDuration(this.timeout) };
  }

  /** Rewrites the constructs' Argo CD annotations for Flux (./kustomization-spec.ts): no Argo CD wording in Flux output. */
  public adapt(manifest: Record<string, any>): void {
    adaptForFlux(manifest);
  }

  private metadata(name: string, labels: Record<string, string>): Record<string, unknown> {
    return { name, namespace: this.namespace, labels: { ...labels } };
  }
}

/** `./<outputPath>/<path>`: a folder of the output as a Kustomization path in the repository. */
function repoPath(outputPath: string, path: string): string {
  const root = outputPath.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return root === '' || root === '.' ? `./${path}` : `./${root}/${path}`;
}
