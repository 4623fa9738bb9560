import { Construct } from 'constructs';
import { SecretKey } from '../../config/secret-reference.js';
import { renderResources } from '../../core/resources.js';
import { HelmDataService, HelmDataServiceProps } from './helm-data-service.js';

/** The redis-ha chart version checked against (tag `redis-ha-4.38.0` of DandyDeveloper/charts). */
export const REDIS_HA_CHART_VERSION = '4.38.0';

/** Props of a {@link Redis}. */
export interface RedisProps extends HelmDataServiceProps {
  /**
   * The password clients and replicas authenticate with (`requirepass`/`masterauth`), from an existing
   * Secret. Required: without AUTH, any pod in the cluster can read and flush the data.
   */
  readonly password: SecretKey;
}

/**
 * Redis with Sentinel failover, from the `redis-ha` chart (https://dandydeveloper.github.io/charts):
 * one master and replicas in a StatefulSet, a Sentinel beside each, and the official `redis` image. When
 * the master fails, the Sentinels elect a replica; a rolling update restarts one pod at a time and moves
 * the master away before restarting it.
 *
 * Why this chart: it is the chart Argo CD itself uses for its HA Redis, runs the upstream image as non-root,
 * and needs no operator. (Bitnami's charts moved their images behind a subscription in 2025; a Redis
 * operator would add a CRD and a controller for what Sentinel already does.)
 *
 * Clients use a Sentinel-aware driver against the Service `<name>` (port 26379, master group `mymaster`),
 * or the master through port 6379. The default is 10 GiB per member and 100m CPU / 256 MiB; a
 * PodDisruptionBudget lets evictions take one member at a time. A `hostPath` for the data or the host `/sys` mount
 * of the kernel-settings init container, through `values`, is a synth error: the namespace enforces "restricted".
 */
export class Redis extends HelmDataService {
  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id, props, {
      component: 'redis',
      repoURL: 'https://dandydeveloper.github.io/charts',
      chart: 'redis-ha',
      chartVersion: REDIS_HA_CHART_VERSION,
      storageSize: '10Gi',
      resources: { cpuRequestMillis: 100, memoryRequestMebibytes: 256 },
      // templates/redis-ha-statefulset.yaml at redis-ha-4.38.0.
      unrestrictedSwitches: [
        {
          paths: ['hostPath.path'],
          renders: 'a hostPath volume for the data (templates/redis-ha-statefulset.yaml; with hostPath.chown also the init container "hostpath-chown", run as root), a volume type the restricted profile forbids',
          fix: 'keep the data on the persistent volume (`storageSize`, `storageClass`)',
        },
        {
          paths: ['sysctlImage.enabled', 'sysctlImage.mountHostSys'],
          renders: 'the hostPath volume "host-sys" of the init container "init-sysctl" (templates/redis-ha-statefulset.yaml), a volume type the restricted profile forbids',
          fix: 'tune kernel settings on the nodes, not from the pod',
        },
      ],
    });
    if (!this.propsUsable) return;
    for (const p of props.password.problems('password')) this.problem(p);
    const security = this.restrictedSecurityContexts(1000);
    const sentinelMemory = Math.max(1, Math.ceil(64 * this.environment.resourceScale));
    // templates/redis-ha-statefulset.yaml labels the pods `release: <release>`, `app: redis-ha`.
    this.registerNetwork({ podLabels: { release: this.name, app: 'redis-ha' }, clientPorts: [6379, 26379], metricsPorts: [9121], serviceNames: [this.name], credentials: [props.password.secretName] });
    this.install({
      fullnameOverride: this.name,
      replicas: this.replicas,
      auth: true,
      existingSecret: props.password.secretName,
      authKey: props.password.key,
      persistentVolume: { enabled: true, size: this.storageSize, ...(this.storageClass ? { storageClass: this.storageClass } : {}) },
      redis: {
        resources: renderResources(this.resources),
        // The chart's default `min-replicas-to-write: 1` makes a lone master (dev) refuse every write.
        config: { 'min-replicas-to-write': this.replicas > 1 ? 1 : 0 },
      },
      sentinel: {
        // A majority of the Sentinels must agree before a failover.
        quorum: Math.floor(this.replicas / 2) + 1,
        resources: { requests: { cpu: '50m', memory: `${sentinelMemory}Mi` }, limits: { memory: `${sentinelMemory}Mi` } },
      },
      securityContext: security.pod,
      containerSecurityContext: { ...security.container, readOnlyRootFilesystem: true },
      haproxy: { enabled: false },
      // The chart renders no PodDisruptionBudget by default: a drain could evict several members at once and
      // take the Sentinel quorum with them. One at a time, like the StatefulSet's own rolling update.
      podDisruptionBudget: { maxUnavailable: 1 },
    });
  }
}
