import { Autoscaling } from '../../autoscaling/autoscaling.js';
import { ConfigSource } from '../../config/config-source.js';
import { SecretKey } from '../../config/secret-reference.js';
import { ResourceRequirements } from '../../core/resources.js';
import { DisruptionBudget } from '../../disruption/disruption-budget.js';
import { MonitoringProps } from '../../observability/monitoring.js';
import { NetworkPeer } from '../../network/network-peer.js';
import { PreStop } from '../../pod/pre-stop.js';
import { Probe } from '../../pod/probe.js';
import { PodSecurityOptions } from '../../pod/security.js';
import { ExtraContainer, SidecarContainer } from '../../pod/containers.js';
import { NodeAffinity, Toleration } from '../../pod/scheduling.js';
import { WorkloadVolume } from '../../pod/volumes.js';

/** Where the pods may run; every field may differ per environment (issue 23). */
export interface SchedulingProps {
  /** Taints the pods tolerate, e.g. `[{ key: 'nvidia.com/gpu', effect: TaintEffect.NO_SCHEDULE }]`. @default none */
  readonly tolerations?: readonly Toleration[];
  /** Node labels the pods require, e.g. `{ 'kubernetes.io/arch': 'arm64' }`. @default none: any node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Required and preferred node label requirements. @default none */
  readonly nodeAffinity?: NodeAffinity;
  /** PriorityClass of the pods (it must exist in the cluster). @default the cluster's default priority */
  readonly priorityClassName?: string;
}

/** What may differ per environment, for every workload class. */
export interface WorkloadOverrides extends SchedulingProps {
  /** Image for this environment (e.g. dev runs a newer build). @default the workload's `image` */
  readonly image?: string;
  /**
   * Replica count in this environment, as is: the environment's replica scale applies to the workload's `replicas`,
   * never to this override.
   * @default the workload's `replicas`, scaled by the environment's replica scale
   */
  readonly replicas?: number;
  /**
   * Autoscaling in this environment, its bounds as is (not scaled by the environment's replica scale).
   * @default the workload's `autoscaling`, its bounds scaled by the environment's replica scale
   */
  readonly autoscaling?: Autoscaling;
  /** Requests and limits before the environment's resource scale. @default the workload's `resources` */
  readonly resources?: ResourceRequirements;
  /** Extra environment variables, merged over the workload's `env`. @default none */
  readonly env?: Readonly<Record<string, string>>;
}

/** Props shared by every workload class. */
export interface WorkloadProps extends SchedulingProps {
  /** Name of the workload and of its objects. @default the construct id */
  readonly name?: string;
  /** Container image. Staging and prod require a digest (`repo@sha256:...`). */
  readonly image: string;
  /** Container command. @default the image's entrypoint */
  readonly command?: readonly string[];
  /** Container args. @default the image's cmd */
  readonly args?: readonly string[];
  /**
   * Plain environment variables. A name that says it holds a credential (…PASSWORD, …TOKEN, …SECRET,
   * …API_KEY, …) with a literal value fails the synth: use `secretEnv`.
   * @default none
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables read from existing Secrets (`SecretKey.of('db-app', 'password')`). @default none */
  readonly secretEnv?: Readonly<Record<string, SecretKey>>;
  /**
   * Configuration emitted as content-hashed, immutable ConfigMaps: a change rolls out through the
   * workload's strategy, and the previous ConfigMap is pruned last.
   * @default none
   */
  readonly config?: readonly ConfigSource[];
  /** Requests and limits before the environment's resource scale. @default 100m CPU and 128 MiB requested, memory limit equal to the request */
  readonly resources?: ResourceRequirements;
  /** Replica count before the environment's replica scale; ignored when `autoscaling` is set. @default the class default (3 for services) */
  readonly replicas?: number;
  /** Autoscaling. @default none: `replicas` pods */
  readonly autoscaling?: Autoscaling;
  /** Readiness probe. Required for classes that serve traffic. @default none */
  readonly readinessProbe?: Probe;
  /** Liveness probe. @default none: a liveness probe that fails under load restarts healthy pods */
  readonly livenessProbe?: Probe;
  /** Startup probe for slow starters. @default none */
  readonly startupProbe?: Probe;
  /** What happens before SIGTERM. @default the class default, e.g. a 5 s sleep for services */
  readonly preStop?: PreStop;
  /** Seconds between SIGTERM and SIGKILL, after preStop. @default the class default, e.g. 30 s for services */
  readonly terminationGracePeriodSeconds?: number;
  /** Pod security opt-outs. @default restricted profile, UID/GID 65532, read-only root filesystem */
  readonly security?: PodSecurityOptions;
  /** ServiceAccount the pods run as. @default the namespace's default ServiceAccount, with its token not mounted */
  readonly serviceAccountName?: string;
  /**
   * Give the workload a ServiceAccount of its own, named after it (its token is not mounted unless
   * `security.automountServiceAccountToken` asks for it), to bind Roles or cloud identities (IRSA, Workload
   * Identity) to this workload alone. Not with `serviceAccountName`.
   * @default false: `serviceAccountName`, or the namespace's default ServiceAccount
   */
  readonly createServiceAccount?: boolean;
  /** Secrets with registry credentials for private images (`kubernetes.io/dockerconfigjson`). @default none */
  readonly imagePullSecrets?: readonly string[];
  /** Init containers, run to completion in order before the sidecars and the workload's container start. @default none */
  readonly initContainers?: readonly ExtraContainer[];
  /**
   * Native sidecars (Kubernetes 1.29+): init containers with `restartPolicy: Always`, started before the workload's
   * container and stopped after it. Their preStop seconds count in `terminationGracePeriodSeconds`.
   * @default none
   */
  readonly sidecars?: readonly SidecarContainer[];
  /**
   * Volumes mounted into the workload's container: `WorkloadVolume.emptyDir(...)` (sized scratch space), or for a
   * `Singleton` `WorkloadVolume.persistent(...)` (a PersistentVolumeClaim).
   * @default none beyond /tmp and the config files
   */
  readonly volumes?: readonly WorkloadVolume[];
  /** Disruption budget. @default DisruptionBudget.maxUnavailable(1) */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Prometheus scraping of the pods (a PodMonitor) and, for a service with an SLO, its recording rules and burn-rate
   * alerts (a PrometheusRule). @default see {@link MonitoringProps}: services with an SLO are scraped and watched
   */
  readonly monitoring?: MonitoringProps;
  /**
   * Further peers the pods may connect to, beyond what the network policies derive (the data services whose Secret
   * keys are in `secretEnv` or whose `<service>.<namespace>` host names are in `env`), e.g.
   * `[NetworkPeer.of(bitvaultd)]` or `[NetworkPeer.cidr('203.0.113.10/32', { ports: [443] })]`.
   * @default none beyond the derived paths and DNS
   */
  readonly allowTo?: readonly NetworkPeer[];
  /**
   * Further peers that may connect to the pods' container port, beyond the derived ones (the ingress controller when
   * routed, Prometheus on the `http` and `metrics` ports), e.g. `[NetworkPeer.of(gateway)]`.
   * @default none beyond the derived paths
   */
  readonly allowFrom?: readonly NetworkPeer[];
}

/** Defaults that differ by workload class. */
export interface ClassDefaults {
  /** The `app.kubernetes.io/component` label value. */
  readonly component: string;
  readonly replicas: number;
  readonly preStop: PreStop;
  readonly terminationGracePeriodSeconds: number;
  readonly requiresReadinessProbe: boolean;
  /** The class runs one pod, stopped before its successor (a Singleton): it may own PersistentVolumeClaims. */
  readonly allowsPersistentVolumes?: boolean;
}
