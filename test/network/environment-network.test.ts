import { App } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { SecretKey } from '../../lib/config/secret-reference.js';
import { Environment } from '../../lib/core/environment.js';
import { SyncWave } from '../../lib/core/sync-wave.js';
import { PostgresBackup } from '../../lib/data/postgres/postgres-backup.js';
import { PostgresCluster } from '../../lib/data/postgres/postgres-cluster.js';
import { mentionsService } from '../../lib/network/environment-network.js';
import { NetworkPeer } from '../../lib/network/network-peer.js';
import { NetworkPolicies } from '../../lib/network/network-policies.js';
import { EnvironmentChart, Platform } from '../../lib/platform/platform.js';
import { Probe } from '../../lib/pod/probe.js';
import { synthesize } from '../../lib/synth/synthesizer.js';
import { TrafficRouter } from '../../lib/traffic/traffic-router.js';
import { Strategy } from '../../lib/delivery/strategy.js';
import { formatFinding } from '../../lib/validation/finding.js';
import { SchemaValidator } from '../../lib/validation/schema-validator.js';
import { QueueWorker } from '../../lib/workloads/queue-worker.js';
import { StatelessService } from '../../lib/workloads/stateless-service.js';
import { DIGEST_IMAGE, synthFindings } from '../helpers.js';
import { type EvalPod, NetworkPolicyEvaluator, type NetworkPolicyManifest } from './network-policy-evaluator.js';

/** Issue 23: the NetworkPolicies every environment gets, their derivations, explicit peers and opt-out. */

const NS = 'acme-prod';

function synth(define: (env: EnvironmentChart) => void, networkPolicies?: NetworkPolicies) {
  const app = new App();
  const platform = new Platform(app, 'acme', { environments: [Environment.prod()], networkPolicies });
  platform.forEachEnvironment(define);
  return synthesize(app);
}

const policiesOf = (objects: ReturnType<typeof synth>) => objects.filter((o) => o.manifest.kind === 'NetworkPolicy');
const policy = (objects: ReturnType<typeof synth>, name: string) => policiesOf(objects).find((o) => o.manifest.metadata.name === name)!.manifest;
const api = (env: EnvironmentChart, name: string, props: Partial<ConstructorParameters<typeof StatelessService>[2]> = {}) =>
  new StatelessService(env, name, { image: DIGEST_IMAGE, readinessProbe: Probe.httpGet('/readyz'), replicas: 3, environments: { prod: { strategy: Strategy.rolling() } }, ...props });
const evaluatorOf = (objects: ReturnType<typeof synth>) =>
  new NetworkPolicyEvaluator([{ name: NS }, { name: 'monitoring' }, { name: 'kube-system' }, { name: 'partners' }], policiesOf(objects).map((o) => o.manifest as NetworkPolicyManifest));
const podOf = (name: string, port = 8080): EvalPod => ({ name, namespace: NS, labels: { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'acme' }, ports: [{ name: 'http', containerPort: port }] });

let validator: SchemaValidator;
beforeAll(async () => {
  validator = await SchemaValidator.load();
});

describe('NetworkPolicies.isolated (the default)', () => {
  it('GIVEN any platform THEN the platform folder holds default-deny (ingress and egress) and allow-dns, in the network-policy wave', () => {
    const objects = synth((env) => api(env, 'orders'));
    const deny = objects.find((o) => o.path === 'acme/prod/platform/networkpolicy-default-deny.yaml')!.manifest;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(deny.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe(String(SyncWave.NETWORK_POLICY));
    expect(SyncWave.NETWORK_POLICY).toBeLessThan(SyncWave.DATA);
    const dns = policy(objects, 'allow-dns');
    expect(dns.spec.egress).toEqual([{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }]);
    expect(objects.find((o) => o.path === 'acme/prod/platform/networkpolicy-orders.yaml')).toBeDefined();
  });

  it('every NetworkPolicy passes the pinned core schema (networking.k8s.io/v1)', () => {
    const objects = synth((env) => {
      const orders = api(env, 'orders', { trafficRouter: TrafficRouter.nginx({ host: 'orders.example.com' }) });
      api(env, 'billing', { allowFrom: [NetworkPeer.of(orders), NetworkPeer.namespace('partners', { podLabels: { app: 'sync' }, ports: [8080] })], allowTo: [NetworkPeer.cidr('203.0.113.0/24', { ports: [443] })] });
    });
    const found = policiesOf(objects).flatMap((o) => validator.validate(o.manifest, o.path));
    expect(found).toEqual([]);
    expect(validator.knows('networking.k8s.io/v1', 'NetworkPolicy')).toBe(true);
    // The schema does judge them: a mistyped field is caught.
    const broken = { ...policy(objects, 'billing'), spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: true }] }] } };
    expect(validator.validate(broken, 'broken').map((f) => f.field)).toContain('spec.ingress[0].ports[0].port');
  });

  it('derives a workload → Postgres path from the Secret it reads (egress on the workload, ingress on Postgres)', () => {
    const objects = synth((env) => {
      const db = new PostgresCluster(env, 'db', { image: `ghcr.io/cloudnative-pg/postgresql:17@sha256:${'b'.repeat(64)}`, storageSize: '1Gi', backup: PostgresBackup.none('test') });
      api(env, 'orders', { secretEnv: { DATABASE_PASSWORD: SecretKey.of(db.appSecretName, 'password') } });
      api(env, 'unrelated');
    });
    const e = evaluatorOf(objects);
    const pg: EvalPod = { name: 'db-1', namespace: NS, labels: { 'cnpg.io/cluster': 'db' }, ports: [{ containerPort: 5432 }] };
    expect(e.allows(podOf('orders'), pg, 5432)).toBe(true);
    expect(e.allows(podOf('orders'), pg, 8000)).toBe(false);
    expect(e.allows(podOf('unrelated'), pg, 5432)).toBe(false);
  });

  it('derives a path from a `<service>.<namespace>` host name in env, and not from a bare word', () => {
    expect(mentionsService('nats://nats.acme-prod.svc.cluster.local:4222', 'nats', NS)).toBe(true);
    expect(mentionsService('postgres-rw.acme-prod:5432', 'postgres-rw', NS)).toBe(true);
    expect(mentionsService('nats-headless.acme-prod.svc:8222', 'nats', NS)).toBe(false);
    expect(mentionsService('nats', 'nats', NS)).toBe(false);
    expect(mentionsService('nats.other-ns.svc', 'nats', NS)).toBe(false);
    // The pattern is compiled once per Service and namespace: the same Service in another namespace is another pattern.
    expect(mentionsService('nats.other-ns.svc', 'nats', 'other-ns')).toBe(true);
    expect(mentionsService('nats.acme-prod.svc', 'nats', 'other-ns')).toBe(false);
    expect(mentionsService('nats.acme-prod.svc', 'nats', NS)).toBe(true);
    expect(mentionsService('postgres.acme-prod.svc', 'nats', NS)).toBe(false);
  });

  it('allowTo / allowFrom with NetworkPeer.of open both ends, on the server\'s container port unless ports are given', () => {
    const objects = synth((env) => {
      const orders = api(env, 'orders', { port: 9000 });
      api(env, 'billing', { allowFrom: [NetworkPeer.of(orders)] });
      new QueueWorker(env, 'mailer', { image: DIGEST_IMAGE, allowTo: [NetworkPeer.of(orders, { ports: [9000] })] });
    });
    const e = evaluatorOf(objects);
    const mailer: EvalPod = { name: 'mailer', namespace: NS, labels: { 'app.kubernetes.io/name': 'mailer', 'app.kubernetes.io/part-of': 'acme' } };
    expect(e.allows(podOf('orders', 9000), podOf('billing'), 8080)).toBe(true);
    expect(e.allows(podOf('billing'), podOf('orders', 9000), 9000)).toBe(false);
    expect(e.allows(mailer, podOf('orders', 9000), 9000)).toBe(true);
    expect(e.allows(mailer, podOf('billing'), 8080)).toBe(false);
  });

  it('allowFrom a namespace and allowTo a CIDR write namespaceSelector and ipBlock peers', () => {
    const objects = synth((env) => api(env, 'orders', { allowFrom: [NetworkPeer.namespace('partners')], allowTo: [NetworkPeer.cidr('203.0.113.0/24', { ports: [443] })] }));
    const e = evaluatorOf(objects);
    expect(e.allows({ name: 'x', namespace: 'partners', labels: {} }, podOf('orders'), 8080)).toBe(true);
    expect(e.allows(podOf('orders'), { ip: '203.0.113.9' }, 443)).toBe(true);
    expect(e.allows(podOf('orders'), { ip: '203.0.113.9' }, 80)).toBe(false);
    expect(e.allows(podOf('orders'), { ip: '198.51.100.1' }, 443)).toBe(false);
  });

  it('routes from the router\'s proxies: the Gateway\'s namespace, ingress-nginx, or the namespaces given', () => {
    const gateway = synth((env) => api(env, 'orders', { trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public', gatewayNamespace: 'gateway-system' }) }));
    expect(policy(gateway, 'orders').spec.ingress[0]).toEqual({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }], ports: [{ protocol: 'TCP', port: 8080 }] });
    const nginx = synth((env) => api(env, 'orders', { trafficRouter: TrafficRouter.nginx({ host: 'orders.example.com' }) }));
    expect(policy(nginx, 'orders').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('ingress-nginx');
    const envoy = synth((env) => api(env, 'orders', { trafficRouter: TrafficRouter.gatewayApi({ gatewayName: 'public' }) }), NetworkPolicies.isolated({ ingressControllerNamespaces: ['envoy-gateway-system'], prometheusNamespace: 'observability' }));
    expect(policy(envoy, 'orders').spec.ingress[0].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('envoy-gateway-system');
    expect(policy(envoy, 'orders').spec.ingress[1].from[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('observability');
  });

  it('reports bad peers and options with the construct path, field, value and fix, all at once', () => {
    const findings = synthFindings(() =>
      synth((env) => {
        api(env, 'orders', { allowTo: [NetworkPeer.cidr('10.0.0.0/33'), NetworkPeer.namespace('Bad_NS')] });
        // The environment's chart runs no pods of its own.
        api(env, 'billing', { allowFrom: [NetworkPeer.of(env)] });
      }, NetworkPolicies.isolated({ prometheusNamespace: 'Mon' })),
    ).map(formatFinding);
    expect(findings.join('\n')).toContain('allowTo[0].cidr');
    expect(findings.join('\n')).toContain('allowTo[1].namespace');
    expect(findings.join('\n')).toContain('allowFrom[0]');
    expect(findings.join('\n')).toContain('runs no pods of its own, or is defined after this one');
    expect(findings.join('\n')).toContain('networkPolicies.prometheusNamespace');
  });
});

describe('NetworkPolicies.disabled (the opt-out)', () => {
  it('emits no NetworkPolicy at all', () => {
    const objects = synth((env) => api(env, 'orders'), NetworkPolicies.disabled('the CNI enforces no policies'));
    expect(policiesOf(objects)).toEqual([]);
  });

  it('requires a reason', () => {
    const findings = synthFindings(() => synth((env) => api(env, 'orders'), NetworkPolicies.disabled(' '))).map(formatFinding);
    expect(findings.join('\n')).toContain('turns network isolation off without a reason');
  });
});
