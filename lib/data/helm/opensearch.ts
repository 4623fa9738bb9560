import { Construct } from 'constructs';
import { SecretKey } from '../../config/secret-reference.js';
import { renderResources } from '../../core/resources.js';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';

/** The official `opensearch` chart version checked against: 3.6.0, OpenSearch 3.6.0 (tag `opensearch-3.6.0` of opensearch-project/helm-charts, the newest; no 3.8.0 exists). */
export const OPENSEARCH_CHART_VERSION = '3.6.0';

/** Props of an {@link OpenSearch}. */
export interface OpenSearchProps extends HelmDataServiceProps {
  /**
   * The initial `admin` password (`OPENSEARCH_INITIAL_ADMIN_PASSWORD`), from an existing Secret. Required:
   * OpenSearch 2.12 and later refuse to start the security plugin's setup without it.
   */
  readonly adminPassword: SecretKey;
}

/**
 * An OpenSearch cluster from the official chart (https://opensearch-project.github.io/helm-charts/): one
 * node group with the cluster-manager, data and ingest roles, as a StatefulSet that rolls one node at a
 * time; index replicas on the other nodes keep every shard available meanwhile (cluster health yellow,
 * never red, when each index has at least one replica).
 *
 * The JVM heap is half the memory request (OpenSearch's own rule: the rest is file-system cache). The
 * `fsgroup-volume` init container, which runs as root, is off — `fsGroup` sets the volume ownership — so
 * the pods pass the "restricted" Pod Security profile. Nodes need `vm.max_map_count ≥ 262144`, set on the
 * host: the chart's privileged sysctl init container is left off. Turning either of them, or the pod sysctl, on
 * through `values` is a synth error: the namespace enforces "restricted". With one member (dev) the chart runs in
 * single-node discovery mode. The defaults are 8 GiB per node and 1 CPU / 2 GiB.
 * Clients connect to the Service `<name>-master` on port 9200.
 */
export class OpenSearch extends HelmDataService {
  constructor(scope: Construct, id: string, props: OpenSearchProps) {
    super(scope, id, props, {
      component: 'opensearch',
      repoURL: 'https://opensearch-project.github.io/helm-charts/',
      chart: 'opensearch',
      chartVersion: OPENSEARCH_CHART_VERSION,
      storageSize: '8Gi',
      resources: { cpuRequestMillis: 1000, memoryRequestMebibytes: 2048 },
      // templates/statefulset.yaml at opensearch-3.6.0 fixes these containers' security contexts.
      unrestrictedSwitches: [
        {
          paths: ['persistence.enableInitChown', 'persistence.enabled'],
          renders: 'the init container "fsgroup-volume", which templates/statefulset.yaml runs as root (runAsUser: 0) whatever the values say',
          fix: 'leave persistence.enableInitChown false: the pod\'s fsGroup 1000 already gives the volume to the OpenSearch user',
        },
        {
          paths: ['sysctlInit.enabled'],
          renders: 'the init container "sysctl", which templates/statefulset.yaml runs privileged and as root whatever the values say',
          fix: 'set vm.max_map_count to at least 262144 on the nodes (node image, bootstrap script or a privileged DaemonSet in a namespace of its own)',
        },
        {
          paths: ['sysctl.enabled'],
          renders: 'the pod sysctl vm.max_map_count (templates/statefulset.yaml), which is not one of the namespaced sysctls even the baseline profile allows',
          fix: 'set vm.max_map_count to at least 262144 on the nodes (node image, bootstrap script or a privileged DaemonSet in a namespace of its own)',
        },
      ],
    });
    if (!this.propsUsable) return;
    for (const p of props.adminPassword.problems('adminPassword')) this.problem(p);
    const security = this.restrictedSecurityContexts(1000);
    const heap = Math.max(1, Math.floor(this.resources.memoryRequestMebibytes / 2));
    // The chart's selector labels (templates/_helpers.tpl): name `opensearch`, instance the release.
    this.registerNetwork({
      podLabels: { 'app.kubernetes.io/name': 'opensearch', 'app.kubernetes.io/instance': this.name },
      clientPorts: [9200],
      metricsPorts: [9600],
      serviceNames: [`${this.name}-master`, `${this.name}-master-headless`],
      credentials: [props.adminPassword.secretName],
    });
    this.install({
      clusterName: this.name,
      nodeGroup: 'master',
      masterService: `${this.name}-master`,
      replicas: this.replicas,
      singleNode: this.replicas === 1,
      opensearchJavaOpts: `-Xms${heap}m -Xmx${heap}m`,
      resources: renderResources(this.resources),
      persistence: { enabled: true, enableInitChown: false, size: this.storageSize, ...(this.storageClass ? { storageClass: this.storageClass } : {}) },
      extraEnvs: [{ name: 'OPENSEARCH_INITIAL_ADMIN_PASSWORD', valueFrom: props.adminPassword.renderValueFrom() }],
      podSecurityContext: security.pod,
      securityContext: security.container,
      // Both set vm.max_map_count from the pod (a privileged init container, an unsafe pod sysctl): the node's job.
      sysctl: { enabled: false },
      sysctlInit: { enabled: false },
    });
  }
}
