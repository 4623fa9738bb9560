import { Construct } from 'constructs';
import { renderResources } from '../../core/resources.js';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';

/** The official `nats` chart version checked against (tag `nats-2.12.3` of nats-io/k8s; chart major.minor follows NATS Server 2.12). */
export const NATS_CHART_VERSION = '2.12.3';

/** Props of a {@link Nats}. */
export interface NatsProps extends HelmDataServiceProps {}

/**
 * NATS with JetStream from the official chart (https://nats-io.github.io/k8s/helm/charts/): a StatefulSet of
 * servers forming a cluster, JetStream on a file store per member. Streams replicated across 3 members
 * keep a Raft quorum while the StatefulSet rolls one member at a time (lame-duck mode drains clients first).
 *
 * With one member (dev) the cluster block is off: the chart refuses a JetStream cluster of fewer than 2.
 * The defaults are a 10 GiB file store per member and 100m CPU / 256 MiB; nats-box is not installed.
 * Clients connect to the Service `<name>` on port 4222; KEDA's nats-jetstream scaler reads the monitoring
 * endpoint `<name>-headless:8222`.
 */
export class Nats extends HelmDataService {
  constructor(scope: Construct, id: string, props: NatsProps = {}) {
    super(scope, id, props, {
      component: 'nats',
      repoURL: 'https://nats-io.github.io/k8s/helm/charts/',
      chart: 'nats',
      chartVersion: NATS_CHART_VERSION,
      storageSize: '10Gi',
      resources: { cpuRequestMillis: 100, memoryRequestMebibytes: 256 },
    });
    if (!this.propsUsable) return;
    const security = this.restrictedSecurityContexts(1000);
    const container = { ...security.container, readOnlyRootFilesystem: true };
    // The chart's selector labels (templates/_helpers.tpl); KEDA's nats-jetstream scaler reads the monitoring port.
    this.registerNetwork({
      podLabels: { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/instance': this.name },
      clientPorts: [4222],
      metricsPorts: [7777],
      serviceNames: [this.name, `${this.name}-headless`],
      controllers: [{ controller: 'keda', ports: [8222] }],
    });
    this.install({
      fullnameOverride: this.name,
      config: {
        cluster: { enabled: this.replicas > 1, replicas: this.replicas },
        jetstream: {
          enabled: true,
          fileStore: { enabled: true, pvc: { enabled: true, size: this.storageSize, ...(this.storageClass ? { storageClassName: this.storageClass } : {}) } },
        },
      },
      // The 1.x/2.x chart renders each container and the pod template from files and merges `merge` into them.
      container: { merge: { resources: renderResources(this.resources), securityContext: container } },
      reloader: { merge: { securityContext: container } },
      // Off unless turned on through `values` (metrics): its container is restricted too when it is.
      promExporter: { merge: { securityContext: container } },
      podTemplate: { merge: { spec: { securityContext: security.pod } } },
      natsBox: { enabled: false },
    });
  }
}
