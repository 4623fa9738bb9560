import { checkFactory } from '../core/props/check-props.js';
/**
 * A Helm chart to install, pinned to one version, independent of the GitOps tool that installs it.
 *
 * Argo CD renders it as an Application with a Helm source (./argocd/helm-application.ts); a Flux target
 * renders the same value as a HelmRepository plus a HelmRelease (`spec.chart.spec.{chart,version}`,
 * `spec.values`, `install.crds`/`upgrade.crds` from {@link HelmCrdPolicy}). Constructs describe the chart
 * once and never reach into either tool's fields.
 */

/** What happens to the CustomResourceDefinitions a chart ships. */
export enum HelmCrdPolicy {
  /**
   * Create the CRDs and keep them up to date on upgrades (Flux `CreateReplace`; Argo CD applies the
   * chart's CRDs like any other object). Operators need this: a newer controller on an older CRD
   * silently drops the fields it added.
   */
  CREATE_REPLACE = 'CreateReplace',
  /** Leave CRDs alone: another installation owns them (Argo CD `helm.skipCrds`, Flux `Skip`). */
  SKIP = 'Skip',
}

/** Props of {@link HelmChart.of}. */
export interface HelmChartProps {
  /** URL of the chart repository (its index.yaml), e.g. `https://argoproj.github.io/argo-helm`. */
  readonly repoURL: string;
  /** Chart name in that repository, e.g. `argo-rollouts`. */
  readonly chart: string;
  /**
   * Exact chart version (SemVer, e.g. `2.41.1`). Ranges, `latest` and `*` are refused: a chart that moves
   * on its own breaks "git revert restores the previous state".
   */
  readonly version: string;
  /** Helm release name; also the prefix of most objects the chart creates. @default the chart name */
  readonly releaseName?: string;
  /** Values passed to the chart (plain JSON; reference Secrets, never inline secret values). @default none */
  readonly values?: Readonly<Record<string, unknown>>;
  /** What happens to the CRDs the chart ships. @default HelmCrdPolicy.CREATE_REPLACE */
  readonly crds?: HelmCrdPolicy;
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
const CHART_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A chart from an HTTP(S) Helm repository, pinned to an exact version. Create with {@link HelmChart.of}. */
export class HelmChart {
  /** A pinned chart. Check it with {@link HelmChart.problems}. */
  public static of(props: HelmChartProps): HelmChart {
    return checkFactory(new HelmChart(props.repoURL, props.chart, props.version, props.releaseName ?? props.chart, props.values ?? {}, props.crds ?? HelmCrdPolicy.CREATE_REPLACE), 'HelmChart.of', [props]);
  }

  private constructor(
    /** Repository URL. */
    public readonly repoURL: string,
    /** Chart name. */
    public readonly chart: string,
    /** Exact chart version. */
    public readonly version: string,
    /** Helm release name. */
    public readonly releaseName: string,
    /** Chart values. */
    public readonly values: Readonly<Record<string, unknown>>,
    /** CRD handling. */
    public readonly crds: HelmCrdPolicy,
  ) {}

  /** The same chart with `values` deep-merged over its values (objects merge, everything else replaces). */
  public withValues(values: Readonly<Record<string, unknown>> | undefined): HelmChart {
    if (!values) return this;
    return checkFactory(new HelmChart(this.repoURL, this.chart, this.version, this.releaseName, deepMerge(this.values, values), this.crds), 'HelmChart#withValues', [values]);
  }

  /** Problems with the pin (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!SEMVER.test(this.version)) {
      out.push({
        field: `${field}.version`,
        value: this.version,
        message: 'is not an exact chart version: a range, "latest" or "*" lets the installed chart change without a commit, so a revert would not restore it',
        fix: 'pin an exact SemVer version such as "2.41.1" (see `helm search repo <repo>/<chart> --versions`)',
      });
    }
    if (!/^https:\/\/[^\s/]+/.test(this.repoURL)) {
      out.push({ field: `${field}.repoURL`, value: this.repoURL, message: 'is not an https:// chart repository URL', fix: 'use the https URL of the repository index, e.g. "https://argoproj.github.io/argo-helm"' });
    }
    if (!CHART_NAME.test(this.chart)) {
      out.push({ field: `${field}.chart`, value: this.chart, message: 'is not a chart name', fix: 'use the chart name only (e.g. "keda"), not "<repo>/<chart>" or a URL' });
    }
    // An invalid chart name is reported once, not again as the release name it defaulted to.
    if (this.releaseName !== this.chart && (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.releaseName) || this.releaseName.length > 53)) {
      out.push({ field: `${field}.releaseName`, value: this.releaseName, message: 'is not a Helm release name (lower-case DNS label of at most 53 characters)', fix: 'use lower-case letters, digits and dashes' });
    }
    return out;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of plain JSON objects: `over` wins; arrays and scalars replace. Inputs are not modified. */
export function deepMerge(base: Readonly<Record<string, unknown>>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}
