import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { argoCdProjectNames } from '../gitops/argocd/argocd-target.js';
import { chartFactsOf } from '../gitops/chart-catalogue.js';
import { deepMerge, HelmChart, HelmCrdPolicy } from '../gitops/helm-chart.js';
import { HelmInstallation, renderHelmChart } from '../gitops/helm-release.js';
import { GATEWAY_API_PLUGIN } from '../traffic/traffic-router.js';
import { DeliveryStage, setOutputFolder } from './output-folder.js';
import { EnvironmentChart, PLATFORM_FOLDER } from './platform.js';

/**
 * Chart versions of the controllers whose CRDs are pinned in ../shared/crds; each pin names the tag it was read
 * at (`git show <tag>:<chart>/Chart.yaml` of the chart repository).
 */
export const CONTROLLER_CHARTS = {
  /**
   * argo-helm `argo-rollouts` 2.41.0, the newest release (tag `argo-rollouts-2.41.0` of argoproj/argo-helm; no
   * 2.41.1 exists). Its appVersion is v1.9.0, so the controller image is pinned to `appVersion` v1.9.1 by value;
   * argoproj/argo-rollouts `manifests/crds` do not change between v1.9.0 and v1.9.1.
   */
  argoRollouts: { repoURL: 'https://argoproj.github.io/argo-helm', chart: 'argo-rollouts', version: '2.41.0', appVersion: 'v1.9.1', tag: 'argoproj/argo-helm@argo-rollouts-2.41.0' },
  /** kedacore `keda` 2.20.2 ships KEDA v2.20.2 (tag `v2.20.2` of kedacore/charts, Chart.yaml appVersion 2.20.2). */
  keda: { repoURL: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2', appVersion: 'v2.20.2', tag: 'kedacore/charts@v2.20.2' },
  /** cloudnative-pg `cloudnative-pg` 0.29.0 ships CloudNativePG 1.30.0 (tag `cloudnative-pg-v0.29.0` of cloudnative-pg/charts, appVersion "1.30.0"). */
  cloudNativePg: { repoURL: 'https://cloudnative-pg.github.io/charts', chart: 'cloudnative-pg', version: '0.29.0', appVersion: '1.30.0', tag: 'cloudnative-pg/charts@cloudnative-pg-v0.29.0' },
} as const;

/**
 * The Gateway API traffic-router plugin release registered by default: the newest tag of
 * argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi (`v0.15.0`; no v0.16.0 exists).
 */
export const GATEWAY_API_PLUGIN_VERSION = 'v0.15.0';

/** Pod and container security contexts of the Pod Security "restricted" profile, for chart values. */
const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };

/** CPU architecture of the nodes the Argo Rollouts controller runs on (the plugin is a native binary). */
export enum CpuArchitecture {
  /** x86-64 nodes. */
  AMD64 = 'amd64',
  /** 64-bit ARM nodes (Graviton, Ampere). */
  ARM64 = 'arm64',
}

/** Options shared by every controller. */
export interface ControllerOptions {
  /** Install this controller. Turn it off on a shared cluster where another environment (or team) installs it. @default true */
  readonly enabled?: boolean;
  /** Namespace the controller runs in (created by Argo CD). @default the upstream convention: 'argo-rollouts', 'keda', 'cnpg-system' */
  readonly namespace?: string;
  /** Exact chart version. @default the version in {@link CONTROLLER_CHARTS}, matching the pinned CRDs */
  readonly chartVersion?: string;
  /** What happens to the CRDs the chart templates. @default HelmCrdPolicy.CREATE_REPLACE: installed, upgraded, kept when the release is deleted or pruned */
  readonly crds?: HelmCrdPolicy;
}

/** Options of the Argo Rollouts controller. */
export interface ArgoRolloutsControllerOptions extends ControllerOptions {
  /** Release of `argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi` to download. @default {@link GATEWAY_API_PLUGIN_VERSION} */
  readonly gatewayApiPluginVersion?: string;
  /** Architecture of the plugin binary. @default CpuArchitecture.AMD64 */
  readonly gatewayApiPluginArchitecture?: CpuArchitecture;
  /** SHA-256 of the plugin binary; the controller refuses a download that does not match. @default none: the download is trusted as served */
  readonly gatewayApiPluginSha256?: string;
}

/** Props of {@link PlatformControllers}. */
export interface PlatformControllersProps {
  /** Namespace of the Argo CD Applications. @default 'argocd' */
  readonly argoCdNamespace?: string;
  /** Argo CD project of the Applications. @default the environment's platform project, `<platform>-<environment>-platform` (exactly the cluster-scoped kinds of these charts) */
  readonly project?: string;
  /**
   * Prefix of the Application (or HelmRelease) names, for environments that share one Argo CD but deploy to
   * different clusters, e.g. `bitvault-dev-`. The Helm release names (and so the objects' names) stay the same.
   * @default none: `argo-rollouts`, `keda`, `cloudnative-pg`
   */
  readonly namePrefix?: string;
  /** Argo Rollouts (canary and blue-green). @default installed, with the Gateway API plugin */
  readonly argoRollouts?: ArgoRolloutsControllerOptions;
  /** KEDA (event-driven autoscaling of workers). @default installed */
  readonly keda?: ControllerOptions;
  /**
   * CloudNativePG (PostgresCluster). Its chart 0.29.0 requires Kubernetes 1.29 or newer (Chart.yaml `kubeVersion`):
   * on 1.28 Argo CD and Flux fail to render it.
   * @default installed
   */
  readonly cloudNativePg?: ControllerOptions;
}

/**
 * The controllers the manifests rely on, as Argo CD Applications in the environment's `platform` folder, in
 * the negative waves (deployment strategy, section 3): RBAC (−20), then the operators (−10), before the data
 * services (0) and the workloads that use their CRDs.
 *
 * - Argo Rollouts (chart `argo-rollouts`, one replica, dashboard on, CRDs kept up to date), with the Gateway API
 *   traffic router registered in `argo-rollouts-config` through the chart value `controller.trafficRouterPlugins`
 *   (a list since argo-helm #3014/#3036), and a ClusterRole/ClusterRoleBinding giving its ServiceAccount access to
 *   HTTPRoutes, so canary weights can move (argo-rollouts#4569: a router that cannot edit the route never shifts).
 * - KEDA (chart `keda`) and CloudNativePG (chart `cloudnative-pg`), server-side applied: their CRDs exceed the
 *   256 KiB annotation client-side apply needs.
 *
 * Under a Flux GitOps target each controller is a HelmRepository + HelmRelease instead (CRDs `CreateReplace`,
 * target namespace created on install); the Kustomization of the platform folder waits for them.
 *
 * Controllers are cluster-wide singletons: when several environments share a cluster, enable them in one.
 * Argo CD does not wait for a child Application to be Healthy before the next wave unless the
 * `argoproj.io/Application` health check is added to `argocd-cm` (see ArgoCdHelmApplication).
 */
export class PlatformControllers extends Construct {
  /** The Argo CD Applications (or Flux HelmReleases) emitted, by controller. */
  public readonly applications: { readonly argoRollouts?: HelmInstallation; readonly keda?: HelmInstallation; readonly cloudNativePg?: HelmInstallation };
  /** The Argo Rollouts controller's ServiceAccount (bound to the HTTPRoute ClusterRole). */
  public readonly argoRolloutsServiceAccount = 'argo-rollouts';

  constructor(scope: Construct, id: string, props: PlatformControllersProps = {}) {
    super(scope, id);
    setOutputFolder(this, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    if (!checkProps(this, props)) {
      this.applications = {};
      return;
    }
    const env = EnvironmentChart.of(this);
    const platform = env.platform;
    const labels = { [PART_OF_LABEL]: platform.name, [MANAGED_BY_LABEL]: 'cdk8s-delivery', 'app.kubernetes.io/component': 'platform-controller' };
    const project = props.project ?? argoCdProjectNames(platform.name, env.environment.name).platform;
    const common = { argoCdNamespace: props.argoCdNamespace, project, labels, wave: SyncWave.OPERATOR, createNamespace: true, serverSideApply: true };
    const prefix = props.namePrefix ?? '';
    if (prefix !== '' && !/^[a-z0-9][-a-z0-9]*-$/.test(prefix)) {
      reportProblem(this, { field: 'namePrefix', value: prefix, message: 'is not a name prefix', fix: 'use lower-case letters, digits and dashes, ending in "-", e.g. "bitvault-dev-"' });
    }
    const applications: Record<string, HelmInstallation> = {};

    const rollouts = props.argoRollouts ?? {};
    if (rollouts.enabled ?? true) {
      const namespace = this.namespaceOf('argoRollouts', rollouts, 'argo-rollouts');
      env.network.setControllerNamespace('argoRollouts', namespace);
      const chart = this.chart('argoRollouts', rollouts, {
        fullnameOverride: 'argo-rollouts',
        controller: { replicas: 1, image: { tag: CONTROLLER_CHARTS.argoRollouts.appVersion }, trafficRouterPlugins: [this.gatewayApiPlugin(rollouts)] },
        // The controller pod and container (templates/controller/deployment.yaml).
        podSecurityContext: RESTRICTED_POD,
        containerSecurityContext: RESTRICTED_CONTAINER,
        // The dashboard's container gets `{}` from the chart: rejected where "restricted" is enforced.
        dashboard: { enabled: true, podSecurityContext: RESTRICTED_POD, containerSecurityContext: RESTRICTED_CONTAINER },
        providerRBAC: { providers: { gatewayAPI: true } },
      });
      applications.argoRollouts = renderHelmChart(this, 'argo-rollouts', chart, { ...common, name: `${prefix}argo-rollouts`, destinationNamespace: namespace });
      this.emitHttpRouteRbac(namespace, labels);
    }
    const keda = props.keda ?? {};
    if (keda.enabled ?? true) {
      const perComponent = <T>(value: T) => ({ operator: value, metricServer: value, webhooks: value });
      const values = { securityContext: perComponent(RESTRICTED_CONTAINER), podSecurityContext: perComponent(RESTRICTED_POD) };
      const namespace = this.namespaceOf('keda', keda, 'keda');
      env.network.setControllerNamespace('keda', namespace);
      applications.keda = renderHelmChart(this, 'keda', this.chart('keda', keda, values), { ...common, name: `${prefix}keda`, destinationNamespace: namespace });
    }
    const cnpg = props.cloudNativePg ?? {};
    if (cnpg.enabled ?? true) {
      // The image's user is 10001 (the chart's default); the chart's own contexts, stated rather than inherited.
      const values = { podSecurityContext: RESTRICTED_POD, containerSecurityContext: { ...RESTRICTED_CONTAINER, runAsUser: 10001, runAsGroup: 10001 } };
      const namespace = this.namespaceOf('cloudNativePg', cnpg, 'cnpg-system');
      env.network.setControllerNamespace('cloudNativePg', namespace);
      applications.cloudNativePg = renderHelmChart(this, 'cloudnative-pg', this.chart('cloudNativePg', cnpg, values), { ...common, name: `${prefix}cloudnative-pg`, destinationNamespace: namespace });
    }
    this.applications = applications;
  }

  private chart(key: keyof typeof CONTROLLER_CHARTS, options: ControllerOptions, values: Record<string, unknown>): HelmChart {
    const pinned = CONTROLLER_CHARTS[key];
    const crds = options.crds ?? HelmCrdPolicy.CREATE_REPLACE;
    // These charts template their CRDs: the policy must reach them through the chart's own values.
    const catalogued = chartFactsOf(pinned.repoURL, pinned.chart, pinned.version)?.crdValues?.[crds] ?? {};
    // Under Flux the CRDs are kept by `helm.sh/resource-policy: keep` alone: Argo CD's Prune=false means nothing there.
    const crdValues = EnvironmentChart.of(this).platform.gitops?.kind === 'flux' ? withoutArgoCdKeys(catalogued) : catalogued;
    return HelmChart.of({ repoURL: pinned.repoURL, chart: pinned.chart, version: options.chartVersion ?? pinned.version, values: deepMerge(crdValues, values), crds });
  }

  private namespaceOf(key: string, options: ControllerOptions, fallback: string): string {
    const namespace = options.namespace ?? fallback;
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace) || namespace.length > 63) {
      reportProblem(this, { field: `${key}.namespace`, value: namespace, message: 'is not a valid namespace name', fix: 'use a lower-case DNS label of at most 63 characters' });
    }
    return namespace;
  }

  private gatewayApiPlugin(options: ArgoRolloutsControllerOptions): Record<string, string> {
    const version = options.gatewayApiPluginVersion ?? GATEWAY_API_PLUGIN_VERSION;
    const architecture = options.gatewayApiPluginArchitecture ?? CpuArchitecture.AMD64;
    if (!/^v[0-9]+\.[0-9]+\.[0-9]+$/.test(version)) {
      reportProblem(this, { field: 'argoRollouts.gatewayApiPluginVersion', value: version, message: 'is not an exact release tag', fix: `use a tag such as "${GATEWAY_API_PLUGIN_VERSION}"` });
    }
    const plugin: Record<string, string> = {
      name: GATEWAY_API_PLUGIN,
      location: `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${version}/gatewayapi-plugin-linux-${architecture}`,
    };
    if (options.gatewayApiPluginSha256 !== undefined) {
      if (!/^[a-f0-9]{64}$/.test(options.gatewayApiPluginSha256)) {
        reportProblem(this, { field: 'argoRollouts.gatewayApiPluginSha256', value: options.gatewayApiPluginSha256, message: 'is not a SHA-256 (64 lower-case hex digits)', fix: 'use the checksum published with the plugin release' });
      }
      plugin.sha256 = options.gatewayApiPluginSha256;
    }
    return plugin;
  }

  /** Gateway API access for the controller's ServiceAccount, independent of the chart's own provider RBAC. */
  private emitHttpRouteRbac(namespace: string, labels: Record<string, string>): void {
    const name = 'argo-rollouts-gateway-api';
    const metadata = () => ({ name, labels: { ...labels }, annotations: syncWaveAnnotations(SyncWave.RBAC) });
    new ApiObject(this, 'httproute-cluster-role', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata(),
      rules: [{ apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'watch', 'update', 'patch'] }],
    });
    new ApiObject(this, 'httproute-cluster-role-binding', {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: this.argoRolloutsServiceAccount, namespace }],
    });
  }
}

/** A copy of chart values without `argocd.argoproj.io/…` keys (annotations for Argo CD), and without maps left empty. */
function withoutArgoCdKeys(values: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (key.startsWith('argocd.argoproj.io/')) continue;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const inner = withoutArgoCdKeys(value as Record<string, unknown>);
      if (Object.keys(inner).length > 0) out[key] = inner;
    } else out[key] = value;
  }
  return out;
}
