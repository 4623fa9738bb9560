import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goDuration } from '../../core/duration.js';
import { reportProblem } from '../../core/problems.js';
import { checkProps } from '../../core/props/check-props.js';
import { HelmChart, HelmCrdPolicy } from '../helm-chart.js';
import { FLUX_NAMESPACE } from './flux-target.js';
import { FLUX_PRUNE_DISABLED } from './kustomization-spec.js';


/** Props of a {@link FluxHelmRelease}. */
export interface FluxHelmReleaseProps {
  /** Name of the HelmRelease and of its HelmRepository, unique in the Flux namespace (include the environment when several share one Flux). */
  readonly name: string;
  /** The chart, its pinned version, its values and its CRD policy. */
  readonly chart: HelmChart;
  /** Namespace the chart's objects are installed into (Helm keeps the release record beside the HelmRelease). */
  readonly targetNamespace: string;
  /** Labels of both objects. @default none */
  readonly labels?: Readonly<Record<string, string>>;
  /** Namespace of the HelmRelease and HelmRepository. @default 'flux-system' */
  readonly fluxNamespace?: string;
  /** How often the repository index is refreshed and the release reconciled. @default 10 minutes */
  readonly interval?: Duration;
  /** Let Helm create the target namespace on install. Leave it off when another object owns the namespace. @default false */
  readonly createNamespace?: boolean;
  /**
   * Keep the HelmRelease when its file disappears from Git (`kustomize.toolkit.fluxcd.io/prune: disabled`):
   * the release keeps running until someone deletes the HelmRelease on purpose, which uninstalls the chart.
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/**
 * A pinned Helm chart under Flux: a HelmRepository (source.toolkit.fluxcd.io/v1) for the chart's repository and
 * a HelmRelease (helm.toolkit.fluxcd.io/v2) that installs `chart@version` from it into `targetNamespace`.
 *
 * - Values are the typed object (`spec.values`), so a diff shows exactly which value changed.
 * - CRDs follow {@link HelmCrdPolicy} on install and upgrade (`CreateReplace` by default): Helm alone never
 *   upgrades the CRDs of a chart's `crds/` folder, and a newer controller on an older CRD loses fields.
 * - A failed install or upgrade is retried three times; a failed upgrade rolls back to the last release.
 *
 * The Kustomization of the folder waits for the HelmRelease to be Ready (kstatus reads its Ready condition),
 * so the next stage starts only once the chart is installed and its workloads are up.
 */
export class FluxHelmRelease extends Construct {
  /** The HelmRelease's name. */
  public readonly name: string;
  /** The HelmRelease object. */
  public readonly apiObject: ApiObject;
  /** The HelmRepository object. */
  public readonly repository: ApiObject;

  constructor(scope: Construct, id: string, props: FluxHelmReleaseProps) {
    super(scope, id);
    const usable = checkProps(this, props);
    this.name = String(props.name);
    if (!usable) {
      // Reported by the props check; the synth fails, so these objects are never written.
      this.repository = new ApiObject(this, 'helm-repository', { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository', metadata: { name: this.name } });
      this.apiObject = new ApiObject(this, 'helm-release', { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: this.name } });
      return;
    }
    for (const p of props.chart.problems('chart')) reportProblem(this, p);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name) || props.name.length > 63) {
      reportProblem(this, { field: 'name', value: props.name, message: 'is not a valid HelmRelease name: helm-controller copies it into the `helm.toolkit.fluxcd.io/name` label of every object it installs, so it must be a lower-case DNS label of at most 63 characters', fix: 'use lower-case letters, digits and dashes, at most 63' });
    }

    const chart = props.chart;
    const namespace = props.fluxNamespace ?? FLUX_NAMESPACE;
    const interval = goDuration(props.interval ?? Duration.minutes(10));
    const labels = { ...(props.labels ?? {}) };
    // No Argo CD wave: Flux orders the units by their Kustomizations' dependsOn.
    const annotations = (): Record<string, string> | undefined => (props.deletionProtection ? { [FLUX_PRUNE_DISABLED.key]: FLUX_PRUNE_DISABLED.value } : undefined);

    this.repository = new ApiObject(this, 'helm-repository', {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmRepository',
      metadata: { name: props.name, namespace, labels: { ...labels }, ...(annotations() ? { annotations: annotations() } : {}) },
      spec: { url: chart.repoURL, interval },
    });

    const install: Record<string, unknown> = { crds: crdPolicy(chart.crds), remediation: { retries: 3 } };
    if (props.createNamespace) install.createNamespace = true;
    const spec: Record<string, unknown> = {
      interval,
      releaseName: chart.releaseName,
      targetNamespace: props.targetNamespace,
      chart: { spec: { chart: chart.chart, version: chart.version, sourceRef: { kind: 'HelmRepository', name: props.name } } },
      install,
      upgrade: { crds: crdPolicy(chart.crds), cleanupOnFail: true, remediation: { retries: 3, strategy: 'rollback' } },
    };
    if (Object.keys(chart.values).length > 0) spec.values = chart.values;

    this.apiObject = new ApiObject(this, 'helm-release', {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: props.name, namespace, labels, ...(annotations() ? { annotations: annotations() } : {}) },
      spec,
    });
  }
}

function crdPolicy(policy: HelmCrdPolicy): string {
  // The enum values are the Flux names already ('CreateReplace', 'Skip'); spelt out so a new enum member fails here.
  switch (policy) {
    case HelmCrdPolicy.CREATE_REPLACE:
      return 'CreateReplace';
    case HelmCrdPolicy.SKIP:
      return 'Skip';
  }
}
