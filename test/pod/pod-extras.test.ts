import { beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { PreStop } from '../../lib/pod/pre-stop.js';
import { Probe } from '../../lib/pod/probe.js';
import { NodeSelectorOperator, TaintEffect } from '../../lib/pod/scheduling.js';
import { WorkloadVolume } from '../../lib/pod/volumes.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { Singleton } from '../../lib/workloads/singleton.js';
import { StatelessService, StatelessServiceProps } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, manifestOf, synthFindings, synthPlatform } from '../helpers.js';

/** Issue 23: scheduling, identity, images, init containers, native sidecars, volumes and readiness gates. */

const SIDECAR_IMAGE = `ghcr.io/acme/proxy@sha256:${'c'.repeat(64)}`;
const base: StatelessServiceProps = { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), environments: { prod: { strategy: Strategy.rolling() } } };
const podOf = (objects: ReturnType<typeof synthPlatform>, env = 'prod', kind = 'Deployment', name = 'api') => manifestOf(objects, env, kind, name).spec.template.spec;
const failures = (define: Parameters<typeof synthPlatform>[0]) => synthFindings(() => synthPlatform(define, [Environment.prod()])).map(formatFinding).join('\n');

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('scheduling: tolerations, nodeSelector, node affinity, priorityClassName', () => {
  const objects = synthPlatform((env) => new StatelessService(env, 'api', {
    ...base,
    tolerations: [{ key: 'dedicated', value: 'api', effect: TaintEffect.NO_SCHEDULE }, { key: 'node.kubernetes.io/unreachable', effect: TaintEffect.NO_EXECUTE, tolerationSeconds: 60 }],
    nodeSelector: { 'kubernetes.io/arch': 'arm64' },
    nodeAffinity: { required: [{ key: 'topology.kubernetes.io/zone', operator: NodeSelectorOperator.IN, values: ['eu-west-1a', 'eu-west-1b'] }], preferred: [{ weight: 50, requirements: [{ key: 'spot', operator: NodeSelectorOperator.DOES_NOT_EXIST }] }] },
    priorityClassName: 'high-priority',
    environments: { dev: { nodeSelector: {}, priorityClassName: 'low-priority' }, prod: { strategy: Strategy.rolling() } },
  }));

  it('renders them on the pod template', () => {
    const pod = podOf(objects);
    expect(pod.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 },
    ]);
    expect(pod.nodeSelector).toEqual({ 'kubernetes.io/arch': 'arm64' });
    expect(pod.affinity.nodeAffinity).toEqual({
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['eu-west-1a', 'eu-west-1b'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'spot', operator: 'DoesNotExist' }] } }],
    });
    expect(pod.priorityClassName).toBe('high-priority');
  });

  it('takes per-environment overrides', () => {
    const dev = podOf(objects, 'dev');
    expect(dev.nodeSelector).toBeUndefined();
    expect(dev.priorityClassName).toBe('low-priority');
    expect(dev.tolerations).toHaveLength(2);
  });

  it('reports bad tolerations, labels, operators and weights with their fields', () => {
    const text = failures((env) => new StatelessService(env, 'api', {
      ...base,
      tolerations: [{ key: 'dedicated', tolerationSeconds: 30 }],
      nodeSelector: { 'kubernetes.io/arch': 'not a value' },
      nodeAffinity: { required: [{ key: 'zone', operator: NodeSelectorOperator.IN }], preferred: [{ weight: 0, requirements: [{ key: 'gen', operator: NodeSelectorOperator.GT, values: ['x'] }] }] },
      priorityClassName: 'High',
    }));
    expect(text).toContain('tolerations[0].tolerationSeconds = 30: only applies to the NoExecute effect');
    expect(text).toContain('nodeSelector.kubernetes.io/arch');
    expect(text).toContain('nodeAffinity.required[0].values');
    expect(text).toContain('nodeAffinity.preferred[0].weight');
    expect(text).toContain('nodeAffinity.preferred[0].requirements[0].values');
    expect(text).toContain('priorityClassName = "High"');
  });
});

describe('identity and images: createServiceAccount, imagePullSecrets', () => {
  it('gives the workload a ServiceAccount of its own, token not mounted, before the workload', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', { ...base, createServiceAccount: true, imagePullSecrets: ['ghcr-pull'] }), [Environment.prod()]);
    const sa = manifestOf(objects, 'prod', 'ServiceAccount', 'api');
    expect(sa.automountServiceAccountToken).toBe(false);
    expect(Number(sa.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(20);
    const pod = podOf(objects);
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.imagePullSecrets).toEqual([{ name: 'ghcr-pull' }]);
  });

  it('mounts the token only when asked', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', { ...base, createServiceAccount: true, security: { automountServiceAccountToken: true } }), [Environment.prod()]);
    expect(manifestOf(objects, 'prod', 'ServiceAccount', 'api').automountServiceAccountToken).toBe(true);
  });

  it('refuses createServiceAccount with serviceAccountName, and bad pull Secret names', () => {
    const text = failures((env) => new StatelessService(env, 'api', { ...base, createServiceAccount: true, serviceAccountName: 'shared', imagePullSecrets: ['Bad Secret'] }));
    expect(text).toContain('createServiceAccount = true: is set together with serviceAccountName "shared"');
    expect(text).toContain('imagePullSecrets[0] = "Bad Secret"');
  });
});

describe('init containers and native sidecars', () => {
  const objects = synthPlatform((env) => new StatelessService(env, 'api', {
    ...base,
    terminationGracePeriodSeconds: 40,
    resources: { cpuRequestMillis: 200, memoryRequestMebibytes: 256 },
    volumes: [WorkloadVolume.emptyDir('cache', '/var/cache/api', { sizeLimitMebibytes: 512 })],
    initContainers: [{ name: 'warm-cache', image: SIDECAR_IMAGE, command: ['warm'], volumeMounts: [{ volume: 'cache', mountPath: '/cache' }] }],
    sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, port: 15090, readinessProbe: Probe.httpGet('/ready'), preStop: PreStop.sleep(10), resources: { cpuRequestMillis: 100, memoryRequestMebibytes: 128 }, secretEnv: { TOKEN: SecretKey.of('proxy', 'token') } }],
  }));

  it('renders the sidecar first with restartPolicy Always, then the init containers, each restricted with resources', () => {
    const pod = podOf(objects);
    expect(pod.initContainers.map((c: any) => [c.name, c.restartPolicy])).toEqual([['proxy', 'Always'], ['warm-cache', undefined]]);
    for (const c of pod.initContainers) {
      expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
    }
    const proxy = pod.initContainers[0];
    expect(proxy.ports).toEqual([{ name: 'proxy', containerPort: 15090, protocol: 'TCP' }]);
    expect(proxy.readinessProbe.httpGet.port).toBe(15090);
    expect(proxy.lifecycle.preStop).toEqual({ sleep: { seconds: 10 } });
    expect(proxy.env).toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'proxy', key: 'token' } } }]);
    expect(pod.initContainers[1].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, { name: 'cache', mountPath: '/cache' }]);
  });

  it('scales the extra containers\' resources with the environment (dev: half)', () => {
    const dev = podOf(objects, 'dev');
    expect(dev.initContainers[0].resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(podOf(objects).initContainers[0].resources.requests).toEqual({ cpu: '100m', memory: '128Mi' });
  });

  it('mounts the workload\'s volumes into its container, with their size limits', () => {
    const pod = podOf(objects);
    expect(pod.volumes).toContainEqual({ name: 'cache', emptyDir: { sizeLimit: '512Mi' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'cache', mountPath: '/var/cache/api' });
  });

  it('passes the core schema and Pod Security "restricted" (the synth runs both)', () => {
    const deployment = manifestOf(objects, 'prod', 'Deployment', 'api');
    expect(validator.validate(deployment, 'api')).toEqual([]);
  });

  it('counts the sidecars\' preStop in the grace period: the sidecar must outlive the app\'s drain', () => {
    const text = failures((env) => new StatelessService(env, 'api', { ...base, terminationGracePeriodSeconds: 12, sidecars: [{ name: 'proxy', image: SIDECAR_IMAGE, preStop: PreStop.sleep(10) }] }));
    expect(text).toContain("terminationGracePeriodSeconds = 12: must be a whole number greater than the preStop time (5s) plus the sidecars' preStop (10s)");
    expect(text).toContain('set terminationGracePeriodSeconds to at least 25');
  });

  it('holds sidecar images to the environment\'s image policy, and reports names, mounts and resources', () => {
    const text = failures((env) => new StatelessService(env, 'api', {
      ...base,
      initContainers: [{ name: 'api', image: 'ghcr.io/acme/tool:1.0', volumeMounts: [{ volume: 'nope', mountPath: 'relative' }] }],
      sidecars: [{ name: 'a-very-long-sidecar-name', image: SIDECAR_IMAGE, port: 9000, resources: { cpuRequestMillis: -1 } }],
    }));
    expect(text).toContain('initContainers[0].image');
    expect(text).toContain('initContainers[0].name = "api": is used by another container of the pod');
    expect(text).toContain('initContainers[0].volumeMounts[0].volume = "nope"');
    expect(text).toContain('initContainers[0].volumeMounts[0].mountPath');
    expect(text).toContain('sidecars[0].name');
    expect(text).toContain('sidecars[0].resources.cpuRequestMillis');
  });
});

describe('volumes', () => {
  it('gives a Singleton a PersistentVolumeClaim of its own, before it, kept when removed from Git', () => {
    const objects = synthPlatform((env) => new Singleton(env, 'ledger', { image: DIGEST_IMAGE, volumes: [WorkloadVolume.persistent('data', '/var/lib/ledger', { storageSize: '20Gi', storageClass: 'fast' })] }), [Environment.prod()]);
    const claim = manifestOf(objects, 'prod', 'PersistentVolumeClaim', 'ledger-data');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } }, storageClassName: 'fast' });
    expect(claim.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const pod = podOf(objects, 'prod', 'Deployment', 'ledger');
    expect(pod.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'ledger-data' } });
    expect(validator.validate(claim, 'claim')).toEqual([]);
  });

  it('refuses a persistent volume on a replicated workload, and bad names and sizes', () => {
    const text = failures((env) => new QueueWorker(env, 'worker', { image: DIGEST_IMAGE, volumes: [WorkloadVolume.persistent('data', '/data', { storageSize: '20GB' }), WorkloadVolume.emptyDir('tmp', '/scratch', { sizeLimitMebibytes: 0 })] }));
    expect(text).toContain('volumes[0] = "data": is a ReadWriteOnce claim');
    expect(text).toContain('volumes[0].storageSize = "20GB"');
    expect(text).toContain('volumes[1].name = "tmp"');
    expect(text).toContain('volumes[1].sizeLimitMebibytes = 0');
  });
});

describe('readiness gates', () => {
  it('renders the condition types (AWS Load Balancer Controller, GKE NEG)', () => {
    const objects = synthPlatform((env) => new StatelessService(env, 'api', { ...base, readinessGates: ['target-health.elbv2.k8s.aws/k8s-acme-api-0123456789', 'cloud.google.com/load-balancer-neg-ready'] }), [Environment.prod()]);
    expect(podOf(objects).readinessGates).toEqual([{ conditionType: 'target-health.elbv2.k8s.aws/k8s-acme-api-0123456789' }, { conditionType: 'cloud.google.com/load-balancer-neg-ready' }]);
  });

  it('reports a gate that is no condition type', () => {
    expect(failures((env) => new StatelessService(env, 'api', { ...base, readinessGates: ['not a condition'] }))).toContain('readinessGates[0] = "not a condition": is not a pod condition type');
  });
});
