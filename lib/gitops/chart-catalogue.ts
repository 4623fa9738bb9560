/**
 * What the charts this library pins create, for the values this library sets: read from each chart's templates at
 * its release tag (see `source`) and checked against `helm template` of those charts with the values of every
 * installation the library emits (test/gitops/chart-render.test.ts); values added through a data service's
 * `values` escape hatch may render more. Argo CD projects are derived from it (a platform project
 * allows exactly these cluster-scoped kinds) and synth checks every Helm Application against its project
 * with it. A chart or version not listed here is installed as given, without kind checks.
 */
import { HelmCrdPolicy } from './helm-chart.js';

/** A Kubernetes kind with its API group ('' for the core group). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** What one pinned chart version renders. */
export interface ChartFacts {
  readonly repoURL: string;
  readonly chart: string;
  readonly version: string;
  /** Where the templates were read: `owner/repo@tag:path`. */
  readonly source: string;
  /** Cluster-scoped kinds the chart creates. */
  readonly clusterKinds: readonly GroupKind[];
  /** Namespaced kinds the chart creates (in the release namespace unless `extraNamespaces` says otherwise). */
  readonly namespacedKinds: readonly GroupKind[];
  /**
   * The values that carry a {@link HelmCrdPolicy} for a chart that templates its CRDs (Argo CD's `skipCrds` and
   * Flux's `install.crds` cover only a chart's `crds/` folder). CREATE_REPLACE also keeps the CRDs when the
   * release goes away: `helm.sh/resource-policy: keep` (Helm uninstall, so Flux; Argo CD's cascade delete
   * skips CRDs itself, controller/appcontroller.go `shouldBeDeleted`) and `Prune=false` (an Argo CD prune
   * deletes them otherwise, and every custom resource with them).
   */
  readonly crdValues?: { readonly [policy in HelmCrdPolicy]: Readonly<Record<string, unknown>> };
  /** Objects the chart writes outside the release namespace. */
  readonly extraNamespaces: readonly { readonly namespace: string; readonly kinds: readonly GroupKind[] }[];
}

const KEEP = { 'helm.sh/resource-policy': 'keep', 'argocd.argoproj.io/sync-options': 'Prune=false' };

const core = (kind: string): GroupKind => ({ group: '', kind });
const rbac = (kind: string): GroupKind => ({ group: 'rbac.authorization.k8s.io', kind });
const CRD: GroupKind = { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition' };
const admission = (kind: string): GroupKind => ({ group: 'admissionregistration.k8s.io', kind });
const apps = (kind: string): GroupKind => ({ group: 'apps', kind });
const PDB: GroupKind = { group: 'policy', kind: 'PodDisruptionBudget' };
const NAMESPACED_RBAC = [rbac('Role'), rbac('RoleBinding')];

/** Every chart version this library pins (controllers and data services). */
export const CHART_CATALOGUE: readonly ChartFacts[] = [
  {
    repoURL: 'https://argoproj.github.io/argo-helm',
    chart: 'argo-rollouts',
    version: '2.41.0',
    source: 'argoproj/argo-helm@argo-rollouts-2.41.0:charts/argo-rollouts/templates',
    // templates/crds/*.yaml: `installCRDs`; `keepCRDs` adds helm.sh/resource-policy: keep; `crdAnnotations` the rest.
    crdValues: {
      [HelmCrdPolicy.CREATE_REPLACE]: { installCRDs: true, keepCRDs: true, crdAnnotations: { 'argocd.argoproj.io/sync-options': KEEP['argocd.argoproj.io/sync-options'] } },
      [HelmCrdPolicy.SKIP]: { installCRDs: false },
    },
    clusterKinds: [CRD, rbac('ClusterRole'), rbac('ClusterRoleBinding')],
    namespacedKinds: [core('ConfigMap'), core('Service'), core('ServiceAccount'), apps('Deployment')],
    extraNamespaces: [],
  },
  {
    repoURL: 'https://kedacore.github.io/charts',
    chart: 'keda',
    version: '2.20.2',
    source: 'kedacore/charts@v2.20.2:keda/templates',
    // templates/crds/*.yaml: `crds.install`, and `crds.additionalAnnotations` on every CRD (none by default).
    crdValues: {
      [HelmCrdPolicy.CREATE_REPLACE]: { crds: { install: true, additionalAnnotations: KEEP } },
      [HelmCrdPolicy.SKIP]: { crds: { install: false } },
    },
    clusterKinds: [CRD, rbac('ClusterRole'), rbac('ClusterRoleBinding'), { group: 'apiregistration.k8s.io', kind: 'APIService' }, admission('ValidatingWebhookConfiguration')],
    namespacedKinds: [core('Service'), core('ServiceAccount'), apps('Deployment'), ...NAMESPACED_RBAC],
    // metrics-server/clusterrolebinding.yaml: a RoleBinding to extension-apiserver-authentication-reader.
    extraNamespaces: [{ namespace: 'kube-system', kinds: [rbac('RoleBinding')] }],
  },
  {
    repoURL: 'https://cloudnative-pg.github.io/charts',
    chart: 'cloudnative-pg',
    version: '0.29.0',
    source: 'cloudnative-pg/charts@cloudnative-pg-v0.29.0:charts/cloudnative-pg/templates',
    // templates/crds/crds.yaml: `crds.create`; every CRD carries helm.sh/resource-policy: keep already, and the
    // chart has no value for further CRD annotations (Argo CD prune protection: see the README).
    crdValues: {
      [HelmCrdPolicy.CREATE_REPLACE]: { crds: { create: true } },
      [HelmCrdPolicy.SKIP]: { crds: { create: false } },
    },
    clusterKinds: [CRD, rbac('ClusterRole'), rbac('ClusterRoleBinding'), admission('MutatingWebhookConfiguration'), admission('ValidatingWebhookConfiguration')],
    namespacedKinds: [core('ConfigMap'), core('Service'), core('ServiceAccount'), apps('Deployment')],
    extraNamespaces: [],
  },
  {
    repoURL: 'https://dandydeveloper.github.io/charts',
    chart: 'redis-ha',
    version: '4.38.0',
    source: 'DandyDeveloper/charts@redis-ha-4.38.0:charts/redis-ha/templates',
    clusterKinds: [],
    // The Pod is the chart's `helm test` hook (Argo CD and Flux do not run it unless asked).
    namespacedKinds: [core('ConfigMap'), core('Service'), core('ServiceAccount'), core('Pod'), apps('StatefulSet'), PDB, ...NAMESPACED_RBAC],
    extraNamespaces: [],
  },
  {
    repoURL: 'https://nats-io.github.io/k8s/helm/charts/',
    chart: 'nats',
    version: '2.12.3',
    source: 'nats-io/k8s@nats-2.12.3:helm/charts/nats/templates',
    clusterKinds: [],
    namespacedKinds: [core('ConfigMap'), core('Service'), apps('StatefulSet'), PDB],
    extraNamespaces: [],
  },
  {
    repoURL: 'https://opensearch-project.github.io/helm-charts/',
    chart: 'opensearch',
    version: '3.6.0',
    source: 'opensearch-project/helm-charts@opensearch-3.6.0:charts/opensearch/templates',
    clusterKinds: [],
    namespacedKinds: [core('ConfigMap'), core('Service'), apps('StatefulSet'), PDB],
    extraNamespaces: [],
  },
];

/** The facts of one chart version, if this library pins it. */
export function chartFactsOf(repoURL: string, chart: string, version: string): ChartFacts | undefined {
  return CHART_CATALOGUE.find((c) => c.repoURL === repoURL && c.chart === chart && c.version === version);
}
