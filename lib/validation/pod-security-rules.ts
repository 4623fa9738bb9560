import { type Finding, renderValue } from './finding.js';
import { FindingSink, type Manifest, isKind, isRecord, isSet } from './manifest.js';

/**
 * The Pod Security Standards (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
 * checked offline on every pod template, as the PodSecurity admission plugin would at the "latest"
 * version (k8s.io/pod-security-admission `policy/check_*.go`; each rule id below is an upstream check id
 * in kebab case). Upstream evaluates each pod only when it is created, so a Deployment that breaks the
 * profile is accepted and then never gets a pod; here the template is checked where it is written.
 *
 * Restricted includes every baseline check; three restricted checks replace their baseline counterparts
 * (capabilities, volume types, seccomp). Windows pods (`spec.os.name: windows`) skip the restricted
 * allowPrivilegeEscalation, seccomp and capabilities checks, as upstream does since 1.25. Pods with
 * `hostUsers: false` get no relaxation (upstream relaxes them only behind an alpha feature gate).
 */
export const POD_SECURITY_RULES = {
  hostNamespaces: 'pss/host-namespaces',
  privileged: 'pss/privileged',
  capabilitiesBaseline: 'pss/capabilities-baseline',
  hostPathVolumes: 'pss/host-path-volumes',
  hostPorts: 'pss/host-ports',
  appArmorProfile: 'pss/app-armor-profile',
  seLinuxOptions: 'pss/se-linux-options',
  procMount: 'pss/proc-mount',
  seccompProfileBaseline: 'pss/seccomp-profile-baseline',
  sysctls: 'pss/sysctls',
  windowsHostProcess: 'pss/windows-host-process',
  hostProbesAndLifecycle: 'pss/host-probes-and-lifecycle',
  restrictedVolumes: 'pss/restricted-volumes',
  allowPrivilegeEscalation: 'pss/allow-privilege-escalation',
  runAsNonRoot: 'pss/run-as-non-root',
  runAsUser: 'pss/run-as-user',
  capabilitiesRestricted: 'pss/capabilities-restricted',
  seccompProfileRestricted: 'pss/seccomp-profile-restricted',
} as const;

/** A Pod Security Standards profile ("privileged" has no checks, so it is not offered). */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** Capabilities of the container runtime's default set: the only ones baseline lets a container add. */
const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
/** Namespaced, node-isolated sysctls (check_sysctls.go, the 1.32 list). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);
/** SELinux types baseline allows (check_seLinuxOptions.go, the 1.31 list; '' means unset). */
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
/** Volume sources restricted allows (check_restrictedVolumes.go): everything else is node- or storage-specific. */
const RESTRICTED_VOLUME_SOURCES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const PROFILE_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** `<prefix>[i]<suffix>` for each item of `list`. */
function indexed(list: unknown, prefix: string, suffix: string): string[] {
  return Array.isArray(list) ? list.map((_, i) => `${prefix}[${i}]${suffix}`) : [];
}

/** Where a kind keeps its pod template(s): the path of each object that holds `metadata` and `spec`. */
function templatePaths(object: any): string[] {
  if (isKind(object, '', 'Pod')) return [''];
  if (isKind(object, '', 'PodTemplate')) return ['template'];
  if (isKind(object, '', 'ReplicationController')) return ['spec.template'];
  for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']) if (isKind(object, 'apps', kind)) return ['spec.template'];
  if (isKind(object, 'batch', 'Job')) return ['spec.template'];
  if (isKind(object, 'batch', 'CronJob')) return ['spec.jobTemplate.spec.template'];
  if (isKind(object, 'argoproj.io', 'Rollout')) return ['spec.template']; // absent with workloadRef: nothing to check here
  // Experiments run a ReplicaSet per template; job metrics of analyses run a Job; a ScaledJob runs Jobs.
  if (isKind(object, 'argoproj.io', 'Experiment')) return indexed(object.spec?.templates, 'spec.templates', '.template');
  for (const kind of ['AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun']) {
    if (isKind(object, 'argoproj.io', kind)) return indexed(object.spec?.metrics, 'spec.metrics', '.provider.job.spec.template').filter((p) => isRecord(at(object, p)));
  }
  if (isKind(object, 'keda.sh', 'ScaledJob')) return ['spec.jobTargetRef.template'];
  return [];
}

function at(object: unknown, dotted: string): unknown {
  if (dotted === '') return object;
  let keys = pathKeys.get(dotted);
  if (keys === undefined) {
    keys = dotted.split(/\.|\[(\d+)\]/).filter((k) => k !== undefined && k !== '');
    if (pathKeys.size >= 10_000) pathKeys.clear();
    pathKeys.set(dotted, keys);
  }
  let o: any = object;
  for (const key of keys) o = isRecord(o) || Array.isArray(o) ? (o as any)[key] : undefined;
  return o;
}
/** The keys of each dotted path, split once: the same few template paths are read for every object. */
const pathKeys = new Map<string, string[]>();

/** The pod specs of an object's pod templates (the same kinds {@link checkPodSecurityStandards} checks), as live references. */
export function podSpecsOf(object: unknown): Record<string, any>[] {
  return templatePaths(object).map((p) => at(object, p)).filter((t): t is Record<string, any> => isRecord(t) && isRecord(t.spec)).map((t) => t.spec);
}

/** One container of the template, with its field path. */
interface Container {
  readonly path: string;
  readonly name: string;
  readonly sc: Record<string, any>;
  readonly raw: Record<string, any>;
}

/** Everything a check needs about one pod template. */
interface Pod {
  readonly sink: FindingSink;
  /** Field path of the pod spec, e.g. `spec.template.spec`. */
  readonly spec: string;
  readonly podSpec: Record<string, any>;
  /** The pod-level securityContext ({} when absent). */
  readonly sc: Record<string, any>;
  readonly metadataPath: string;
  readonly metadata: Record<string, any>;
  readonly containers: readonly Container[];
  readonly windows: boolean;
}

/**
 * Checks the pod template of a Pod, PodTemplate, ReplicationController, Deployment, StatefulSet,
 * DaemonSet, ReplicaSet, Job, CronJob, Argo Rollouts Rollout, every template of an Experiment, the job of every
 * metric of an AnalysisTemplate, ClusterAnalysisTemplate or AnalysisRun, and a KEDA ScaledJob's job, against a
 * Pod Security Standards profile.
 * Other kinds yield nothing. One finding per offending field, at its full path.
 */
export function checkPodSecurityStandards(manifest: Manifest, level: PodSecurityLevel = 'restricted'): Finding[] {
  return templatePaths(manifest.object).flatMap((base) => checkTemplate(manifest, base, level));
}

function checkTemplate(manifest: Manifest, base: string, level: PodSecurityLevel): Finding[] {
  const template = at(manifest.object, base);
  if (!isRecord(template) || !isRecord(template.spec)) return [];
  const join = (key: string) => (base === '' ? key : `${base}.${key}`);
  const spec = join('spec');
  const containers: Container[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    const items = template.spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (!isRecord(c)) return;
      containers.push({ path: `${spec}.${list}[${i}]`, name: String(c.name ?? i), sc: isRecord(c.securityContext) ? c.securityContext : {}, raw: c });
    });
  }
  const pod: Pod = {
    sink: new FindingSink(manifest.location),
    spec,
    podSpec: template.spec,
    sc: isRecord(template.spec.securityContext) ? template.spec.securityContext : {},
    metadataPath: join('metadata'),
    metadata: isRecord(template.metadata) ? template.metadata : {},
    containers,
    windows: template.spec.os?.name === 'windows',
  };
  checkBaseline(pod, level);
  if (level === 'restricted') checkRestricted(pod);
  return pod.sink.findings;
}

const R = POD_SECURITY_RULES;

function checkBaseline(pod: Pod, level: PodSecurityLevel): void {
  const { sink, spec, podSpec, sc } = pod;
  for (const [key, namespace] of [['hostNetwork', 'network'], ['hostPID', 'process (PID)'], ['hostIPC', 'IPC']] as const) {
    if (podSpec[key] === true) sink.add(`${spec}.${key}`, true, R.hostNamespaces, `shares the node's ${namespace} namespace, which the baseline Pod Security profile forbids`, `remove ${key} (it defaults to false)`);
  }
  for (const c of pod.containers) {
    if (c.sc.privileged === true) sink.add(`${c.path}.securityContext.privileged`, true, R.privileged, `makes container "${c.name}" privileged, which disables most isolation; the baseline profile forbids it`, 'remove privileged (it defaults to false)');
    if (level === 'baseline') {
      forEachString(c.sc.capabilities?.add, (cap, i) => {
        if (!DEFAULT_CAPABILITIES.has(cap)) sink.add(`${c.path}.securityContext.capabilities.add[${i}]`, cap, R.capabilitiesBaseline, `adds capability ${cap} beyond the runtime's default set, which the baseline profile forbids`, `remove ${cap} from capabilities.add`);
      });
    }
    if (Array.isArray(c.raw.ports)) {
      c.raw.ports.forEach((p: any, i: number) => {
        if (isSet(p?.hostPort) && p.hostPort !== 0) sink.add(`${c.path}.ports[${i}].hostPort`, p.hostPort, R.hostPorts, 'binds a port on the node, which the baseline profile forbids', 'remove hostPort and reach the pod through a Service');
      });
    }
    if (isSet(c.sc.procMount) && c.sc.procMount !== 'Default') sink.add(`${c.path}.securityContext.procMount`, c.sc.procMount, R.procMount, 'unmasks /proc, which the baseline profile forbids', 'remove procMount (or set it to "Default")');
    checkProbeHosts(pod, c);
  }
  for (const [path, ctx] of securityContexts(pod)) {
    const appArmor = ctx.appArmorProfile?.type;
    if (isRecord(ctx.appArmorProfile) && !PROFILE_TYPES.has(appArmor)) sink.add(`${path}.appArmorProfile.type`, appArmor, R.appArmorProfile, 'overrides or disables the runtime\'s AppArmor profile, which the baseline profile forbids', 'set appArmorProfile.type to "RuntimeDefault" (or "Localhost" with a profile on the nodes), or remove it');
    if (isRecord(ctx.seLinuxOptions)) checkSeLinux(pod, `${path}.seLinuxOptions`, ctx.seLinuxOptions);
    if (ctx.windowsOptions?.hostProcess === true) sink.add(`${path}.windowsOptions.hostProcess`, true, R.windowsHostProcess, 'runs a Windows HostProcess container with privileged access to the node, which the baseline profile forbids', 'remove windowsOptions.hostProcess');
    if (level === 'baseline' && isRecord(ctx.seccompProfile) && !PROFILE_TYPES.has(ctx.seccompProfile.type)) {
      sink.add(`${path}.seccompProfile.type`, ctx.seccompProfile.type, R.seccompProfileBaseline, 'disables seccomp syscall filtering, which the baseline profile forbids', 'set seccompProfile.type to "RuntimeDefault"');
    }
  }
  for (const [key, value] of Object.entries(pod.metadata.annotations ?? {})) {
    if (key.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(value === '' || value === 'runtime/default' || String(value).startsWith('localhost/'))) {
      sink.add(`${pod.metadataPath}.annotations["${key}"]`, value, R.appArmorProfile, 'overrides or disables the runtime\'s AppArmor profile, which the baseline profile forbids', 'remove the annotation, or use "runtime/default" (better: securityContext.appArmorProfile.type "RuntimeDefault")');
    }
  }
  if (Array.isArray(sc.sysctls)) {
    sc.sysctls.forEach((s: any, i: number) => {
      if (!SAFE_SYSCTLS.has(s?.name)) sink.add(`${spec}.securityContext.sysctls[${i}].name`, s?.name, R.sysctls, 'is not one of the namespaced, node-isolated sysctls the baseline profile allows', `remove it, or use one of: ${[...SAFE_SYSCTLS].join(', ')}`);
    });
  }
  if (level === 'baseline' && Array.isArray(podSpec.volumes)) {
    podSpec.volumes.forEach((v: any, i: number) => {
      if (isSet(v?.hostPath)) sink.add(`${spec}.volumes[${i}].hostPath`, v.hostPath, R.hostPathVolumes, 'mounts a directory of the node, which the baseline profile forbids', 'use an emptyDir, a ConfigMap or a PersistentVolumeClaim instead');
    });
  }
}

function checkRestricted(pod: Pod): void {
  const { sink, spec, podSpec, sc } = pod;
  if (Array.isArray(podSpec.volumes)) {
    podSpec.volumes.forEach((v: any, i: number) => {
      const sources = isRecord(v) ? Object.keys(v).filter((k) => k !== 'name' && isSet(v[k])) : [];
      // A volume without a source is defaulted to an emptyDir by the API server before admission.
      if (sources.length === 0 || sources.some((s) => RESTRICTED_VOLUME_SOURCES.has(s))) return;
      sink.add(`${spec}.volumes[${i}]`, sources.join(','), R.restrictedVolumes, `volume ${renderValue(v?.name)} uses a volume type the restricted profile forbids (it allows ${[...RESTRICTED_VOLUME_SOURCES].join(', ')})`, 'use a PersistentVolumeClaim (or an ephemeral, emptyDir, configMap, secret, projected, downwardAPI or csi volume) instead');
    });
  }
  const podNonRoot = sc.runAsNonRoot === true;
  if (sc.runAsNonRoot === false) sink.add(`${spec}.securityContext.runAsNonRoot`, false, R.runAsNonRoot, 'lets containers run as root, which the restricted profile forbids', 'set runAsNonRoot: true (and a non-zero runAsUser)');
  if (sc.runAsUser === 0) sink.add(`${spec}.securityContext.runAsUser`, 0, R.runAsUser, 'runs containers as root (UID 0), which the restricted profile forbids', 'set runAsUser to a non-zero UID, e.g. 65532');
  const podSeccomp = isRecord(sc.seccompProfile) && PROFILE_TYPES.has(sc.seccompProfile.type);
  if (!pod.windows && isRecord(sc.seccompProfile) && !podSeccomp) sink.add(`${spec}.securityContext.seccompProfile.type`, sc.seccompProfile.type, R.seccompProfileRestricted, 'is not a seccomp profile the restricted profile allows', 'set seccompProfile.type to "RuntimeDefault" (or "Localhost")');
  for (const c of pod.containers) {
    const scPath = `${c.path}.securityContext`;
    if (!pod.windows && c.sc.allowPrivilegeEscalation !== false) {
      sink.add(`${scPath}.allowPrivilegeEscalation`, c.sc.allowPrivilegeEscalation, R.allowPrivilegeEscalation, `lets container "${c.name}" gain privileges (setuid binaries); the restricted profile requires false`, 'set securityContext.allowPrivilegeEscalation: false');
    }
    if (c.sc.runAsNonRoot === false || (!isSet(c.sc.runAsNonRoot) && !podNonRoot)) {
      sink.add(`${scPath}.runAsNonRoot`, c.sc.runAsNonRoot, R.runAsNonRoot, `lets container "${c.name}" run as root${isSet(c.sc.runAsNonRoot) ? '' : ': neither it nor the pod sets runAsNonRoot: true'}; the restricted profile requires it`, 'set runAsNonRoot: true in the pod securityContext (or the container\'s)');
    }
    if (c.sc.runAsUser === 0) sink.add(`${scPath}.runAsUser`, 0, R.runAsUser, `runs container "${c.name}" as root (UID 0), which the restricted profile forbids`, 'set runAsUser to a non-zero UID, e.g. 65532');
    if (pod.windows) continue;
    if (isRecord(c.sc.seccompProfile) ? !PROFILE_TYPES.has(c.sc.seccompProfile.type) : !podSeccomp) {
      const set = isRecord(c.sc.seccompProfile);
      sink.add(`${scPath}.seccompProfile${set ? '.type' : ''}`, set ? c.sc.seccompProfile.type : undefined, R.seccompProfileRestricted, set ? `is not a seccomp profile the restricted profile allows (container "${c.name}")` : `leaves container "${c.name}" without a seccomp profile: neither it nor the pod sets one`, 'set seccompProfile.type: RuntimeDefault in the pod securityContext');
    }
    const caps = isRecord(c.sc.capabilities) ? c.sc.capabilities : {};
    if (!(Array.isArray(caps.drop) && caps.drop.includes('ALL'))) sink.add(`${scPath}.capabilities.drop`, caps.drop, R.capabilitiesRestricted, `keeps the runtime's default capabilities in container "${c.name}"; the restricted profile requires dropping ALL`, 'set securityContext.capabilities.drop: ["ALL"]');
    forEachString(caps.add, (cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') sink.add(`${scPath}.capabilities.add[${i}]`, cap, R.capabilitiesRestricted, `adds capability ${cap}; the restricted profile allows adding only NET_BIND_SERVICE`, `remove ${cap} from capabilities.add`);
    });
  }
}

/** The pod securityContext and every container's, with their field paths. */
function securityContexts(pod: Pod): [string, Record<string, any>][] {
  return [[`${pod.spec}.securityContext`, pod.sc], ...pod.containers.map((c): [string, Record<string, any>] => [`${c.path}.securityContext`, c.sc])];
}

function checkSeLinux(pod: Pod, path: string, options: Record<string, any>): void {
  if (!SELINUX_TYPES.has(options.type ?? '')) pod.sink.add(`${path}.type`, options.type, R.seLinuxOptions, 'is an SELinux type the baseline profile forbids', `remove it, or use one of: ${[...SELINUX_TYPES].filter(Boolean).join(', ')}`);
  for (const key of ['user', 'role'] as const) {
    if (isSet(options[key]) && options[key] !== '') pod.sink.add(`${path}.${key}`, options[key], R.seLinuxOptions, `sets a custom SELinux ${key}, which the baseline profile forbids`, `remove seLinuxOptions.${key}`);
  }
}

/** Probes and lifecycle handlers may not aim at another host (baseline since 1.34). */
function checkProbeHosts(pod: Pod, c: Container): void {
  const handlers: [string, any][] = [
    ['livenessProbe', c.raw.livenessProbe], ['readinessProbe', c.raw.readinessProbe], ['startupProbe', c.raw.startupProbe],
    ['lifecycle.postStart', c.raw.lifecycle?.postStart], ['lifecycle.preStop', c.raw.lifecycle?.preStop],
  ];
  for (const [key, handler] of handlers) {
    for (const action of ['httpGet', 'tcpSocket'] as const) {
      const host = handler?.[action]?.host;
      if (typeof host === 'string' && host !== '') pod.sink.add(`${c.path}.${key}.${action}.host`, host, R.hostProbesAndLifecycle, 'sends the kubelet\'s requests to another host, which the baseline profile forbids', 'remove host: the kubelet then targets the pod\'s own IP');
    }
  }
}

function forEachString(list: unknown, visit: (value: string, index: number) => void): void {
  if (Array.isArray(list)) list.forEach((v, i) => visit(String(v), i));
}
