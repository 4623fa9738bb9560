import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/validation/finding.js';
import { checkPodSecurityStandards, POD_SECURITY_RULES as R } from '../../lib/validation/pod-security-rules.js';

// A pod spec that meets the restricted profile; each test breaks one thing and pins the exact findings.
const LOCATION = 'out/pod.yaml: Pod/shop/app';
function restrictedSpec(): any {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'app', image: 'registry.example/app:1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }],
  };
}
const pod = (spec: any, metadata: any = {}) => ({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'shop', ...metadata }, spec }, location: LOCATION });
const check = (spec: any, level?: 'baseline' | 'restricted') => checkPodSecurityStandards(pod(spec), level);
const rules = (findings: Finding[]) => findings.map((f) => [f.field, f.value, f.rule]);
const C0 = 'spec.containers[0].securityContext';

describe('checkPodSecurityStandards: where the pod template is', () => {
  const template = { metadata: { labels: { app: 'x' } }, spec: { ...restrictedSpec(), hostPID: true } };
  it.each([
    ['v1', 'Pod', (spec: any) => spec, 'spec.hostPID'],
    ['v1', 'PodTemplate', () => ({ template }), 'template.spec.hostPID'],
    ['v1', 'ReplicationController', () => ({ template }), 'spec.template.spec.hostPID'],
    ['apps/v1', 'Deployment', () => ({ template }), 'spec.template.spec.hostPID'],
    ['apps/v1', 'StatefulSet', () => ({ template }), 'spec.template.spec.hostPID'],
    ['apps/v1', 'DaemonSet', () => ({ template }), 'spec.template.spec.hostPID'],
    ['apps/v1', 'ReplicaSet', () => ({ template }), 'spec.template.spec.hostPID'],
    ['batch/v1', 'Job', () => ({ template }), 'spec.template.spec.hostPID'],
    ['batch/v1', 'CronJob', () => ({ jobTemplate: { spec: { template } } }), 'spec.jobTemplate.spec.template.spec.hostPID'],
    ['argoproj.io/v1alpha1', 'Rollout', () => ({ template }), 'spec.template.spec.hostPID'],
  ])('GIVEN a %s %s sharing the host PID namespace THEN the finding points into its template', (apiVersion, kind, body, field) => {
    const object = kind === 'Pod' ? { apiVersion, kind, metadata: { name: 'x' }, spec: template.spec } : kind === 'PodTemplate' ? { apiVersion, kind, metadata: { name: 'x' }, ...body(undefined) } : { apiVersion, kind, metadata: { name: 'x' }, spec: body(undefined) };
    expect(rules(checkPodSecurityStandards({ object, location: 'x' }))).toEqual([[field, true, R.hostNamespaces]]);
  });

  it('GIVEN a restricted pod THEN nothing is found; GIVEN a kind without pods or a Rollout with workloadRef THEN nothing is checked', () => {
    expect(check(restrictedSpec())).toEqual([]);
    expect(checkPodSecurityStandards({ object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { hostNetwork: true } }, location: 'x' })).toEqual([]);
    expect(checkPodSecurityStandards({ object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'r' }, spec: { workloadRef: { kind: 'Deployment', name: 'd' } } }, location: 'x' })).toEqual([]);
  });
});

describe('checkPodSecurityStandards: baseline checks', () => {
  it('GIVEN hostNetwork, hostPID and hostIPC THEN each is reported with the exact finding', () => {
    const findings = check({ ...restrictedSpec(), hostNetwork: true, hostPID: true, hostIPC: true, });
    expect(findings[0]).toEqual<Finding>({ location: LOCATION, field: 'spec.hostNetwork', value: true, rule: R.hostNamespaces, message: "shares the node's network namespace, which the baseline Pod Security profile forbids", fix: 'remove hostNetwork (it defaults to false)' });
    expect(rules(findings)).toEqual([['spec.hostNetwork', true, R.hostNamespaces], ['spec.hostPID', true, R.hostNamespaces], ['spec.hostIPC', true, R.hostNamespaces]]);
  });

  it('GIVEN a privileged init container, a hostPort, an unmasked /proc and a probe aimed at another host THEN each is reported', () => {
    const spec = restrictedSpec();
    spec.initContainers = [{ name: 'init', image: 'x', securityContext: { ...spec.containers[0].securityContext, privileged: true } }];
    spec.containers[0].ports = [{ containerPort: 80 }, { containerPort: 443, hostPort: 443 }];
    spec.containers[0].securityContext.procMount = 'Unmasked';
    spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 80, host: '10.0.0.1' } };
    spec.containers[0].lifecycle = { preStop: { tcpSocket: { port: 80, host: 'metadata.internal' } } };
    expect(rules(check(spec))).toEqual([
      ['spec.initContainers[0].securityContext.privileged', true, R.privileged],
      ['spec.containers[0].ports[1].hostPort', 443, R.hostPorts],
      [`${C0}.procMount`, 'Unmasked', R.procMount],
      ['spec.containers[0].readinessProbe.httpGet.host', '10.0.0.1', R.hostProbesAndLifecycle],
      ['spec.containers[0].lifecycle.preStop.tcpSocket.host', 'metadata.internal', R.hostProbesAndLifecycle],
    ]);
  });

  it('GIVEN AppArmor, SELinux and HostProcess overrides THEN each is reported; allowed values pass', () => {
    const spec = restrictedSpec();
    spec.securityContext.appArmorProfile = { type: 'Unconfined' };
    spec.securityContext.seLinuxOptions = { type: 'spc_t', user: 'system_u', role: 'sysadm_r', level: 's0:c1' };
    spec.containers[0].securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-app' };
    spec.containers[0].securityContext.seLinuxOptions = { type: 'container_engine_t' };
    spec.containers[0].securityContext.windowsOptions = { hostProcess: true };
    const findings = checkPodSecurityStandards(pod(spec, { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/x': 'localhost/k8s-x' } }));
    expect(rules(findings)).toEqual([
      ['spec.securityContext.appArmorProfile.type', 'Unconfined', R.appArmorProfile],
      ['spec.securityContext.seLinuxOptions.type', 'spc_t', R.seLinuxOptions],
      ['spec.securityContext.seLinuxOptions.user', 'system_u', R.seLinuxOptions],
      ['spec.securityContext.seLinuxOptions.role', 'sysadm_r', R.seLinuxOptions],
      [`${C0}.windowsOptions.hostProcess`, true, R.windowsHostProcess],
      ['metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]', 'unconfined', R.appArmorProfile],
    ]);
  });

  it('GIVEN unsafe and safe sysctls THEN only the unsafe one is reported', () => {
    const spec = restrictedSpec();
    spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_keepalive_time', value: '60' }, { name: 'kernel.msgmax', value: '65536' }, { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }];
    expect(rules(check(spec))).toEqual([['spec.securityContext.sysctls[1].name', 'kernel.msgmax', R.sysctls]]);
  });

  it('GIVEN the baseline level THEN hostPath, non-default capabilities and Unconfined seccomp use the baseline checks, and root is allowed', () => {
    const spec = {
      securityContext: { seccompProfile: { type: 'Unconfined' }, runAsUser: 0 },
      containers: [{ name: 'app', image: 'x', securityContext: { capabilities: { add: ['CHOWN', 'NET_ADMIN'] } } }],
      volumes: [{ name: 'host', hostPath: { path: '/var/run' } }, { name: 'nfs', nfs: { server: 'n', path: '/' } }],
    };
    expect(rules(check(spec, 'baseline'))).toEqual([
      [`${C0}.capabilities.add[1]`, 'NET_ADMIN', R.capabilitiesBaseline],
      ['spec.securityContext.seccompProfile.type', 'Unconfined', R.seccompProfileBaseline],
      ['spec.volumes[0].hostPath', { path: '/var/run' }, R.hostPathVolumes],
    ]);
  });
});

describe('checkPodSecurityStandards: restricted checks', () => {
  it('GIVEN a container with no securityContext and a pod with none THEN every restricted requirement is reported at the container', () => {
    const spec = { containers: [{ name: 'app', image: 'x' }] };
    expect(check(spec)).toEqual<Finding[]>([
      { location: LOCATION, field: `${C0}.allowPrivilegeEscalation`, value: undefined, rule: R.allowPrivilegeEscalation, message: 'lets container "app" gain privileges (setuid binaries); the restricted profile requires false', fix: 'set securityContext.allowPrivilegeEscalation: false' },
      { location: LOCATION, field: `${C0}.runAsNonRoot`, value: undefined, rule: R.runAsNonRoot, message: 'lets container "app" run as root: neither it nor the pod sets runAsNonRoot: true; the restricted profile requires it', fix: "set runAsNonRoot: true in the pod securityContext (or the container's)" },
      { location: LOCATION, field: `${C0}.seccompProfile`, value: undefined, rule: R.seccompProfileRestricted, message: 'leaves container "app" without a seccomp profile: neither it nor the pod sets one', fix: 'set seccompProfile.type: RuntimeDefault in the pod securityContext' },
      { location: LOCATION, field: `${C0}.capabilities.drop`, value: undefined, rule: R.capabilitiesRestricted, message: 'keeps the runtime\'s default capabilities in container "app"; the restricted profile requires dropping ALL', fix: 'set securityContext.capabilities.drop: ["ALL"]' },
    ]);
  });

  it('GIVEN explicit bad values at pod and container level THEN each is reported where it is set', () => {
    const spec = restrictedSpec();
    spec.securityContext = { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'Unconfined' } };
    spec.containers[0].securityContext = { allowPrivilegeEscalation: true, runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } };
    expect(rules(check(spec))).toEqual([
      ['spec.securityContext.runAsNonRoot', false, R.runAsNonRoot],
      ['spec.securityContext.runAsUser', 0, R.runAsUser],
      ['spec.securityContext.seccompProfile.type', 'Unconfined', R.seccompProfileRestricted],
      [`${C0}.allowPrivilegeEscalation`, true, R.allowPrivilegeEscalation],
      [`${C0}.runAsUser`, 0, R.runAsUser],
      [`${C0}.capabilities.add[1]`, 'SYS_ADMIN', R.capabilitiesRestricted],
    ]);
  });

  it('GIVEN non-core volume types THEN each volume is reported with its type; a hostPath is reported once, by the restricted check', () => {
    const spec = restrictedSpec();
    // A volume without a source becomes an emptyDir (API server defaulting) before admission: allowed.
    spec.volumes.push({ name: 'host', hostPath: { path: '/' } }, { name: 'repo', gitRepo: { repository: 'x' } }, { name: 'data', persistentVolumeClaim: { claimName: 'd' } }, { name: 'empty' });
    expect(check(spec)[0]).toEqual<Finding>({
      location: LOCATION, field: 'spec.volumes[2]', value: 'hostPath', rule: R.restrictedVolumes,
      message: 'volume "host" uses a volume type the restricted profile forbids (it allows configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)',
      fix: 'use a PersistentVolumeClaim (or an ephemeral, emptyDir, configMap, secret, projected, downwardAPI or csi volume) instead',
    });
    expect(rules(check(spec))).toEqual([
      ['spec.volumes[2]', 'hostPath', R.restrictedVolumes],
      ['spec.volumes[3]', 'gitRepo', R.restrictedVolumes],
    ]);
  });

  it('GIVEN a Windows pod THEN the restricted privilege-escalation, seccomp and capabilities checks do not apply, but runAsNonRoot does', () => {
    const spec = { os: { name: 'windows' }, containers: [{ name: 'app', image: 'x' }] };
    expect(rules(check(spec))).toEqual([[`${C0}.runAsNonRoot`, undefined, R.runAsNonRoot]]);
  });
});
