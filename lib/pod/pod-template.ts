import { renderResources, ResolvedResources } from '../core/resources.js';
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
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
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
  if (input.port !== undefined) container.ports = [{ name: 'http', containerPort: input.port, protocol: 'TCP' }];
  const env = Object.entries(input.env ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([name, value]) => ({ name, value }));
  if (env.length > 0) container.env = env;
  if (input.readinessProbe) container.readinessProbe = input.readinessProbe.render(probePort);
  if (input.livenessProbe) container.livenessProbe = input.livenessProbe.render(probePort);
  if (input.startupProbe) container.startupProbe = input.startupProbe.render(probePort);
  if (input.preStop) container.lifecycle = { preStop: input.preStop.render() };
  if (readOnlyRoot) container.volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }];

  const spec: Record<string, unknown> = {
    automountServiceAccountToken: input.security?.automountServiceAccountToken ?? false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(input.security),
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    containers: [container],
  };
  if (input.serviceAccountName) spec.serviceAccountName = input.serviceAccountName;
  if (readOnlyRoot) spec.volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  if (input.spreadSelector) {
    spec.topologySpreadConstraints = [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: input.spreadSelector } },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: input.spreadSelector } },
    ];
  }
  return { metadata: { labels: input.labels }, spec };
}
