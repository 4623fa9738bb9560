import { envVarProblems } from '../core/env-vars.js';
import { SecretKey } from '../config/secret-reference.js';
import { checkResources, renderResources, resolveResources, ResourceRequirements } from '../core/resources.js';
import { PreStop } from './pre-stop.js';
import { Probe } from './probe.js';
import { containerSecurityContext, PodSecurityOptions } from './security.js';

/** A volume mount of an extra container. */
export interface ExtraVolumeMount {
  /** Name of a volume of the workload (`volumes`), or `tmp` for the pod's /tmp. */
  readonly volume: string;
  /** Where it is mounted. */
  readonly mountPath: string;
  /** Mount it read-only. @default false */
  readonly readOnly?: boolean;
}

/**
 * A container beside the workload's own: an init container that runs to completion before it, or a native sidecar.
 * Each is held to Pod Security "restricted" like the main container (non-root, no privilege escalation, all
 * capabilities dropped, RuntimeDefault seccomp, read-only root filesystem) and gets requests and limits.
 */
export interface ExtraContainer {
  /** Container name, unique in the pod. */
  readonly name: string;
  /** Image. Staging and prod require a digest, as for the workload's own image. */
  readonly image: string;
  /** Command. @default the image's entrypoint */
  readonly command?: readonly string[];
  /** Args. @default the image's cmd */
  readonly args?: readonly string[];
  /** Plain environment variables (no credentials: use `secretEnv`). @default none */
  readonly env?: Readonly<Record<string, string>>;
  /** Environment variables from Secret keys. @default none */
  readonly secretEnv?: Readonly<Record<string, SecretKey>>;
  /** Requests and limits before the environment's resource scale. @default 50m CPU and 64 MiB requested, memory limit equal to the request */
  readonly resources?: ResourceRequirements;
  /** Volumes mounted. @default /tmp only (a writable emptyDir, the root filesystem being read-only) */
  readonly volumeMounts?: readonly ExtraVolumeMount[];
}

/**
 * A native sidecar (Kubernetes 1.29+): an init container with `restartPolicy: Always`, started before the workload's
 * container and stopped after it, so it outlives the app's drain (a proxy, a log shipper).
 */
export interface SidecarContainer extends ExtraContainer {
  /** Container port it serves on, named after the container (at most 15 characters). @default none */
  readonly port?: number;
  /** Readiness probe (on `port`): the pod is Ready only when the sidecar is. @default none */
  readonly readinessProbe?: Probe;
  /**
   * What happens before the sidecar gets SIGTERM, once the workload's container has stopped. Its seconds count in
   * the pod's grace period with the workload's own preStop.
   * @default none
   */
  readonly preStop?: PreStop;
}

const DEFAULT_RESOURCES: ResourceRequirements = { cpuRequestMillis: 50, memoryRequestMebibytes: 64 };
const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

type Problem = { field: string; value: unknown; message: string; fix: string };

/** Problems with init containers and sidecars (fields `initContainers[i]…`, `sidecars[i]…`). */
export function checkExtraContainers(init: readonly ExtraContainer[], sidecars: readonly SidecarContainer[], mainName: string, volumeNames: readonly string[]): Problem[] {
  const out: Problem[] = [];
  const seen = new Set([mainName]);
  const all: [string, ExtraContainer][] = [...init.map((c, i) => [`initContainers[${i}]`, c] as [string, ExtraContainer]), ...sidecars.map((c, i) => [`sidecars[${i}]`, c] as [string, ExtraContainer])];
  for (const [field, c] of all) {
    if (!NAME.test(c.name ?? '') || c.name.length > 63) out.push({ field: `${field}.name`, value: c.name, message: 'is not a container name', fix: 'use a lower-case DNS label, e.g. "proxy"' });
    else if (seen.has(c.name)) out.push({ field: `${field}.name`, value: c.name, message: 'is used by another container of the pod', fix: 'give every container a distinct name' });
    seen.add(c.name);
    for (const p of checkResources(c.resources)) out.push({ ...p, field: `${field}.${p.field}` });
    for (const [name, key] of Object.entries(c.secretEnv ?? {})) for (const p of key.problems(`${field}.secretEnv.${name}`)) out.push(p);
    out.push(...envVarProblems(c.env, `${field}.env`), ...envVarProblems(c.secretEnv, `${field}.secretEnv`, { values: false }));
    (c.volumeMounts ?? []).forEach((m, i) => {
      if (m.volume !== 'tmp' && !volumeNames.includes(m.volume)) out.push({ field: `${field}.volumeMounts[${i}].volume`, value: m.volume, message: 'names no volume of the workload', fix: `declare it in \`volumes\`, or use one of ${['tmp', ...volumeNames].map((n) => `"${n}"`).join(', ')}` });
      if (!m.mountPath?.startsWith('/')) out.push({ field: `${field}.volumeMounts[${i}].mountPath`, value: m.mountPath, message: 'must be an absolute path', fix: 'use e.g. "/var/cache/app"' });
    });
  }
  sidecars.forEach((s, i) => {
    if (s.port !== undefined && !(Number.isInteger(s.port) && s.port >= 1 && s.port <= 65535)) out.push({ field: `sidecars[${i}].port`, value: s.port, message: 'must be a port number from 1 to 65535', fix: 'set port to e.g. 15090' });
    if (s.port !== undefined && s.name.length > 15) out.push({ field: `sidecars[${i}].name`, value: s.name, message: 'names the sidecar\'s port too, and a port name has at most 15 characters', fix: 'use a shorter name' });
    for (const p of s.readinessProbe?.problems(`sidecars[${i}].readinessProbe`) ?? []) out.push(p);
    if (s.preStop && !(Number.isInteger(s.preStop.seconds) && s.preStop.seconds >= 0)) out.push({ field: `sidecars[${i}].preStop`, value: s.preStop.seconds, message: 'must wait a whole number of seconds of at least 0', fix: 'use PreStop.sleep(5)' });
  });
  return out;
}

/** The seconds the sidecars' preStop hooks add to the pod's shutdown (they run one after another, in reverse order). */
export function sidecarShutdownSeconds(sidecars: readonly SidecarContainer[]): number {
  return sidecars.reduce((sum, s) => sum + (s.preStop?.seconds ?? 0), 0);
}

/** Renders one extra container, restricted, with resources scaled like the workload's. */
export function renderExtraContainer(c: ExtraContainer | SidecarContainer, options: { resourceScale: number; security?: PodSecurityOptions; sidecar: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    securityContext: containerSecurityContext({ ...options.security, readOnlyRootFilesystem: true }),
    resources: renderResources(resolveResources({ ...DEFAULT_RESOURCES, ...c.resources }, options.resourceScale)),
  };
  if (options.sidecar) out.restartPolicy = 'Always';
  if (c.command) out.command = [...c.command];
  if (c.args) out.args = [...c.args];
  const env = [
    ...Object.entries(c.env ?? {}).map(([name, value]) => ({ name, value })),
    ...Object.entries(c.secretEnv ?? {}).map(([name, key]) => ({ name, valueFrom: key.renderValueFrom() })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (env.length > 0) out.env = env;
  const sidecar = c as SidecarContainer;
  if (options.sidecar && sidecar.port !== undefined) out.ports = [{ name: c.name, containerPort: sidecar.port, protocol: 'TCP' }];
  if (options.sidecar && sidecar.readinessProbe) out.readinessProbe = sidecar.readinessProbe.render(sidecar.port ?? c.name);
  const preStop = options.sidecar ? sidecar.preStop?.render() : undefined;
  if (preStop) out.lifecycle = { preStop };
  out.volumeMounts = [{ name: 'tmp', mountPath: '/tmp' }, ...(c.volumeMounts ?? []).filter((m) => m.volume !== 'tmp').map((m) => ({ name: m.volume, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true } : {}) }))];
  return out;
}
