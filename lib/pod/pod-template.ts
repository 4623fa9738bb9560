import { renderResources, ResolvedResources } from '../core/resources.js';
import { ExtraContainer, renderExtraContainer, SidecarContainer } from './containers.js';
import { PodScheduling, renderScheduling } from './scheduling.js';
import { WorkloadVolume } from './volumes.js';
import { PreStop } from './pre-stop.js';
import { Probe } from './probe.js';
import { containerSecurityContext, podSecurityContext, PodSecurityOptions } from './security.js';

/** Everything needed to render a secure single-container pod template. */
export interface PodTemplateInput {
  /** Pod labels (include the selector labels). */
  readonly labels: Record<string, string>;
  /** Container name. */
  readonly containerName: string;
  readonly image: string;
  /** Named container port `http`, if the workload serves traffic. */
  readonly port?: number;
  /** Named container port `metrics`, when Prometheus scrapes the pods on a port of their own. */
  readonly metricsPort?: number;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables from Secret keys: name → `valueFrom`. */
  readonly secretEnv?: Readonly<Record<string, Record<string, unknown>>>;
  /** ConfigMaps exposed as environment variables. */
  readonly envFromConfigMaps?: readonly string[];
  /** ConfigMaps mounted as files: volume name, ConfigMap name, mount path. */
  readonly configMounts?: readonly { readonly volume: string; readonly configMap: string; readonly mountPath: string }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
  readonly resources: ResolvedResources;
  readonly preStop?: PreStop;
  readonly terminationGracePeriodSeconds: number;
  readonly serviceAccountName?: string;
  readonly security?: PodSecurityOptions;
  /** Spread replicas across nodes with these selector labels. */
  readonly spreadSelector?: Record<string, string>;
  /** Tolerations, node selector and affinity, priority class. */
  readonly scheduling?: PodScheduling;
  /** Secrets holding registry credentials. */
  readonly imagePullSecrets?: readonly string[];
  /** Init containers, run to completion in order before the sidecars and the main container start. */
  readonly initContainers?: readonly ExtraContainer[];
  /** Native sidecars (init containers with `restartPolicy: Always`), started first, stopped last. */
  readonly sidecars?: readonly SidecarContainer[];
  /** The environment's resource scale, applied to the extra containers' resources. @default 1 */
  readonly resourceScale?: number;
  /** Volumes of the workload, mounted into the main container; `claimName` names a persistent volume's claim. */
  readonly volumes?: readonly { readonly volume: WorkloadVolume; readonly claimName: string }[];
  /** Pod readiness gates: condition types that must be True before the pod is Ready. */
  readonly readinessGates?: readonly string[];
}

/**
 * Renders a pod template that passes the Pod Security Standards "restricted" profile, with requests and
 * limits, probes and graceful shutdown. Shared by every workload class, so none can forget a piece.
 */
export function renderPodTemplate(input: PodTemplateInput): Record<string, unknown> {
  const readOnlyRoot = input.security?.readOnlyRootFilesystem ?? true;
  const probePort = input.port ?? 'http';
  const container: Record<string, unknown> = {
    name: input.containerName,
    image: input.image,
    imagePullPolicy: 'IfNotPresent',
    securityContext: containerSecurityContext(input.security),
    resources: renderResources(input.resources),
  };
  if (input.command) container.command = [...input.command];
  if (input.args) container.args = [...input.args];
  const ports: Record<string, unknown>[] = [];
  if (input.port !== undefined) ports.push({ name: 'http', containerPort: input.port, protocol: 'TCP' });
  if (input.metricsPort !== undefined) ports.push({ name: 'metrics', containerPort: input.metricsPort, protocol: 'TCP' });
  if (ports.length > 0) container.ports = ports;
  const env: Record<string, unknown>[] = [
    ...Object.entries(input.env ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(input.secretEnv ?? {}).map(([name, valueFrom]) => ({ name, valueFrom })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (env.length > 0) container.env = env;
  if (input.envFromConfigMaps?.length) container.envFrom = input.envFromConfigMaps.map((name) => ({ configMapRef: { name } }));
  if (input.readinessProbe) container.readinessProbe = input.readinessProbe.render(probePort);
  if (input.livenessProbe) container.livenessProbe = input.livenessProbe.render(probePort);
  if (input.startupProbe) container.startupProbe = input.startupProbe.render(probePort);
  const preStop = input.preStop?.render();
  if (preStop) container.lifecycle = { preStop };
  const mounts = [
    ...(input.configMounts ?? []).map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: true })),
    ...(input.volumes ?? []).map((v) => ({ name: v.volume.name, mountPath: v.volume.mountPath, readOnly: false })),
  ];
  if (readOnlyRoot) mounts.unshift({ name: 'tmp', mountPath: '/tmp', readOnly: false });
  if (mounts.length > 0) container.volumeMounts = mounts.map((m) => (m.readOnly ? m : { name: m.name, mountPath: m.mountPath }));

  const spec: Record<string, unknown> = {
    automountServiceAccountToken: input.security?.automountServiceAccountToken ?? false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(input.security),
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    containers: [container],
  };
  if (input.serviceAccountName) spec.serviceAccountName = input.serviceAccountName;
  // Sidecars first: an init container after them can use them (a proxy, a secrets agent).
  const extra = [
    ...(input.sidecars ?? []).map((c) => renderExtraContainer(c, { resourceScale: input.resourceScale ?? 1, security: input.security, sidecar: true })),
    ...(input.initContainers ?? []).map((c) => renderExtraContainer(c, { resourceScale: input.resourceScale ?? 1, security: input.security, sidecar: false })),
  ];
  if (extra.length > 0) spec.initContainers = extra;
  if (input.imagePullSecrets?.length) spec.imagePullSecrets = input.imagePullSecrets.map((name) => ({ name }));
  if (input.readinessGates?.length) spec.readinessGates = input.readinessGates.map((conditionType) => ({ conditionType }));
  Object.assign(spec, renderScheduling(input.scheduling ?? {}));
  const volumes: Record<string, unknown>[] = [
    ...(input.configMounts ?? []).map((m) => ({ name: m.volume, configMap: { name: m.configMap } })),
    ...(input.volumes ?? []).map((v) => v.volume.render(v.claimName)),
  ];
  // Extra containers always get a writable /tmp (their root filesystem is read-only).
  if (readOnlyRoot || extra.length > 0) volumes.unshift({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
  if (volumes.length > 0) spec.volumes = volumes;
  if (input.spreadSelector) {
    spec.topologySpreadConstraints = [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: input.spreadSelector } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: input.spreadSelector } },
    ];
  }
  return { metadata: { labels: input.labels }, spec };
}
