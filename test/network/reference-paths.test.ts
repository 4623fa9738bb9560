import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { distManifests, helmInstallsIn, helmTemplate } from '../helm.js';
import { type EvalPod, NetworkPolicyEvaluator, type NetworkPolicyManifest } from './network-policy-evaluator.js';

/**
 * Issue 23's acceptance: every reference environment in the committed dist/, judged from its NetworkPolicies alone by
 * the evaluator (test/network/network-policy-evaluator.ts), with the pods the cluster would run:
 *
 * - the workloads' and the migration Job's pod templates, as written in dist/;
 * - the data services' and controllers' pods as their pinned charts render them with the values in dist/ (a real
 *   Helm, test/helm.ts): their real labels and container ports;
 * - CloudNativePG's instance pods, labelled `cnpg.io/cluster: <cluster>` with ports 5432 (postgresql), 8000 (the
 *   instance manager's status) and 9187 (metrics), as the operator creates them (cloudnative-pg docs, "Security":
 *   the operator reaches the instances on 8000 and 5432);
 * - what the platform does not install: the Gateway proxies (in the Gateway's namespace, or Envoy Gateway's
 *   `envoy-gateway-system` for the homelab), Prometheus in `monitoring`, CoreDNS in `kube-system`, and pods nobody
 *   wired: one in the environment's namespace, one in a namespace of its own.
 */

type Manifest = Record<string, any>;

const DIST = distManifests();
const ENVIRONMENTS = [...new Set(DIST.map((o) => o.path.split('/').slice(0, 3).join('/')))].filter((p) => p.split('/').length === 3 && !p.endsWith('.md')).sort();

/** Where a platform's ingress proxies run (the homelab's GatewayClass is Envoy Gateway's: proxies in its own namespace). */
const PROXY_NAMESPACE_OF_PLATFORM: Record<string, string | undefined> = { homelab: 'envoy-gateway-system' };

function podTemplateOf(m: Manifest): Manifest | undefined {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Rollout', 'ReplicaSet'].includes(m.kind)) return m.spec?.template;
  return undefined;
}

function podFrom(m: Manifest, namespace: string): EvalPod | undefined {
  const template = podTemplateOf(m);
  if (!template) return undefined;
  const containers = [...(template.spec?.containers ?? []), ...(template.spec?.initContainers ?? [])];
  return {
    name: `${m.kind}/${m.metadata.name}`,
    namespace: m.metadata.namespace ?? namespace,
    labels: template.metadata?.labels ?? {},
    ports: containers.flatMap((c: Manifest) => (c.ports ?? []).map((p: Manifest) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' }))),
  };
}

interface Environment {
  readonly path: string;
  readonly platform: string;
  readonly namespace: string;
  readonly manifests: Manifest[];
  readonly policies: NetworkPolicyManifest[];
  readonly pods: EvalPod[];
  readonly evaluator: NetworkPolicyEvaluator;
  readonly proxies: EvalPod[];
  readonly prometheus: EvalPod;
  readonly dns: EvalPod;
  readonly strangerHere: EvalPod;
  readonly strangerElsewhere: EvalPod;
}

async function loadEnvironment(envPath: string): Promise<Environment> {
  const objects = DIST.filter((o) => o.path.startsWith(`${envPath}/`));
  const manifests = objects.map((o) => o.manifest);
  const platform = envPath.split('/')[1];
  const namespace = manifests.find((m) => m.kind === 'Namespace')!.metadata.name as string;
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy') as NetworkPolicyManifest[];
  const pods: EvalPod[] = [];
  for (const m of manifests) {
    const p = podFrom(m, namespace);
    if (p) pods.push(p);
    if (m.kind === 'Cluster' && String(m.apiVersion).startsWith('postgresql.cnpg.io/')) {
      pods.push({ name: `cnpg/${m.metadata.name}-1`, namespace, labels: { 'cnpg.io/cluster': m.metadata.name, 'cnpg.io/podRole': 'instance', role: 'primary' }, ports: [{ name: 'postgresql', containerPort: 5432 }, { name: 'status', containerPort: 8000 }, { name: 'metrics', containerPort: 9187 }] });
    }
  }
  for (const install of helmInstallsIn(objects)) {
    const result = await helmTemplate({ chartFolder: `${install.chart}-${install.version}`, releaseName: install.releaseName, namespace: install.namespace, values: install.values, kubeVersion: '1.35.0', includeCrds: false });
    if (!result.ok) throw new Error(`${install.source}: ${result.error}`);
    for (const doc of YAML.parseAllDocuments(result.yaml)) {
      const m = doc.toJSON() as Manifest | null;
      if (!m || m.metadata?.annotations?.['helm.sh/hook']) continue;
      const p = podFrom(m, install.namespace);
      if (p) pods.push(p);
    }
  }
  const gatewayNamespaces = new Set<string>(manifests.filter((m) => m.kind === 'HTTPRoute').flatMap((m) => (m.spec.parentRefs ?? []).map((r: Manifest) => r.namespace ?? namespace)));
  const proxyNamespaces = PROXY_NAMESPACE_OF_PLATFORM[platform] ? [PROXY_NAMESPACE_OF_PLATFORM[platform]!] : [...gatewayNamespaces];
  const proxies = proxyNamespaces.map((ns) => ({ name: `proxy/${ns}`, namespace: ns, labels: { 'app.kubernetes.io/name': 'gateway-proxy' } }));
  const prometheus = { name: 'prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const dns = { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] };
  const strangerHere = { name: 'stranger', namespace, labels: { app: 'debug-shell' } };
  const strangerElsewhere = { name: 'stranger', namespace: 'unrelated', labels: { app: 'debug-shell' } };
  const namespaces = [...new Set([namespace, 'monitoring', 'kube-system', 'unrelated', ...proxyNamespaces, ...pods.map((p) => p.namespace)])].map((name) => ({ name }));
  return { path: envPath, platform, namespace, manifests, policies, pods, evaluator: new NetworkPolicyEvaluator(namespaces, policies), proxies, prometheus, dns, strangerHere, strangerElsewhere };
}

/** The pods a Service selects, with the container port its `port` targets. */
function serviceBackends(env: Environment, serviceName: string, port: number): { pod: EvalPod; port: number }[] {
  const service = env.manifests.find((m) => m.kind === 'Service' && m.metadata.name === serviceName);
  if (!service) throw new Error(`${env.path}: no Service ${serviceName}`);
  const entry = (service.spec.ports as Manifest[]).find((p) => p.port === port)!;
  const selector = service.spec.selector as Record<string, string>;
  return env.pods
    .filter((p) => p.namespace === env.namespace && Object.entries(selector).every(([k, v]) => p.labels[k] === v))
    .map((pod) => ({ pod, port: typeof entry.targetPort === 'number' ? entry.targetPort : entry.targetPort === undefined ? entry.port : pod.ports!.find((c) => c.name === entry.targetPort)!.containerPort }));
}

const byLabels = (env: Environment, labels: Record<string, string>) => env.pods.filter((p) => p.namespace === env.namespace && Object.entries(labels).every(([k, v]) => p.labels[k] === v));
const workloadPods = (env: Environment) => env.pods.filter((p) => p.namespace === env.namespace && p.labels['app.kubernetes.io/managed-by'] === 'cdk8s-delivery');
const containerEnv = (env: Environment, pod: EvalPod): Manifest[] => {
  const m = env.manifests.find((x) => `${x.kind}/${x.metadata.name}` === pod.name);
  return (m ? podTemplateOf(m)?.spec?.containers ?? [] : []).flatMap((c: Manifest) => c.env ?? []);
};

describe.each(ENVIRONMENTS)('network policies of %s prove every needed path, and nothing else', (envPath) => {
  let env: Environment;
  beforeAll(async () => {
    env = await loadEnvironment(envPath);
  }, 120_000);

  it('isolates every pod of the namespace for ingress and egress (a default deny selects them all)', () => {
    expect(env.pods.filter((p) => p.namespace === env.namespace).length).toBeGreaterThanOrEqual(3);
    for (const pod of env.pods.filter((p) => p.namespace === env.namespace)) {
      expect(env.evaluator.isolated(pod, 'Ingress'), pod.name).toBe(true);
      expect(env.evaluator.isolated(pod, 'Egress'), pod.name).toBe(true);
    }
  });

  it('lets every pod of the namespace resolve names: kube-dns on UDP and TCP 53', () => {
    for (const pod of env.pods.filter((p) => p.namespace === env.namespace)) {
      expect(env.evaluator.allows(pod, env.dns, 53, 'UDP'), pod.name).toBe(true);
      expect(env.evaluator.allows(pod, env.dns, 53, 'TCP'), pod.name).toBe(true);
    }
  });

  it('lets the gateway proxies reach every backend of every route, on the port its Service targets', () => {
    const routes = env.manifests.filter((m) => m.kind === 'HTTPRoute');
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      for (const ref of route.spec.rules.flatMap((r: Manifest) => r.backendRefs ?? [])) {
        const backends = serviceBackends(env, ref.name, ref.port);
        expect(backends.length, `${route.metadata.name} → ${ref.name}`).toBeGreaterThan(0);
        for (const proxy of env.proxies) for (const b of backends) expect(env.evaluator.allows(proxy, b.pod, b.port), `${proxy.name} → ${b.pod.name}:${b.port}`).toBe(true);
      }
    }
  });

  it('lets each pod that reads a data service\'s credentials or names its Service reach it on its client port', () => {
    const checked: string[] = [];
    for (const pod of [...workloadPods(env)]) {
      const vars = containerEnv(env, pod);
      const secrets = vars.map((v) => v.valueFrom?.secretKeyRef?.name).filter(Boolean);
      const values = vars.map((v) => String(v.value ?? ''));
      for (const cluster of env.manifests.filter((m) => m.kind === 'Cluster')) {
        if (!secrets.includes(`${cluster.metadata.name}-app`)) continue;
        for (const pg of byLabels(env, { 'cnpg.io/cluster': cluster.metadata.name })) {
          expect(env.evaluator.allows(pod, pg, 5432), `${pod.name} → ${pg.name}:5432`).toBe(true);
          checked.push(`${pod.name}→postgres`);
        }
      }
      if (values.some((v) => /(^|\/)nats\.[-a-z0-9]+\.svc/.test(v))) {
        for (const nats of byLabels(env, { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' })) {
          expect(env.evaluator.allows(pod, nats, 4222), `${pod.name} → ${nats.name}:4222`).toBe(true);
          checked.push(`${pod.name}→nats`);
        }
      }
      if (secrets.includes('redis-auth')) {
        for (const redis of byLabels(env, { app: 'redis-ha' })) {
          for (const port of [6379, 26379]) expect(env.evaluator.allows(pod, redis, port), `${pod.name} → ${redis.name}:${port}`).toBe(true);
          checked.push(`${pod.name}→redis`);
        }
      }
    }
    if (env.platform === 'bitvault') {
      // bitvaultd, the workers and the migration use Postgres, the workers NATS, the gateway's rate limiter Redis.
      expect(new Set(checked)).toEqual(new Set(['Rollout/bitvaultd→postgres', 'Deployment/workers→postgres', 'Deployment/workers→nats', 'Rollout/gateway→redis', 'Job/bitvaultd-migrate→postgres'].map((s) => (envPath.endsWith('prod') ? s : s.replace('Rollout/', 'Deployment/')))));
    }
  });

  it('lets the migration Job reach its database on 5432', () => {
    const jobs = env.pods.filter((p) => p.name.startsWith('Job/') && p.labels['app.kubernetes.io/component'] === 'migration');
    if (env.platform === 'bitvault') expect(jobs.length).toBe(1);
    for (const job of jobs) for (const pg of byLabels(env, { 'cnpg.io/cluster': 'postgres' })) expect(env.evaluator.allows(job, pg, 5432), job.name).toBe(true);
  });

  it('lets Prometheus scrape every workload\'s http/metrics port and the data services\' exporters, and nothing else of theirs', () => {
    for (const pod of env.pods.filter((p) => p.namespace === env.namespace)) {
      const managed = pod.labels['app.kubernetes.io/managed-by'] === 'cdk8s-delivery';
      for (const port of pod.ports ?? []) {
        // A workload serves its metrics on `http` (or a `metrics` port); a data service's `http` is its client API.
        const metrics = port.name === 'metrics' || (managed && port.name === 'http');
        expect(env.evaluator.allows(env.prometheus, pod, port.containerPort, port.protocol), `prometheus → ${pod.name}:${port.name}`).toBe(metrics);
      }
    }
  });

  it('lets the operators reach what they manage: CloudNativePG the instances (8000, 5432), KEDA the NATS monitor (8222), Argo Rollouts the smoke-tested frontends', () => {
    const operator = (name: string) => env.pods.find((p) => p.namespace !== env.namespace && p.labels['app.kubernetes.io/name'] === name);
    const cnpg = operator('cloudnative-pg');
    const keda = env.pods.find((p) => p.labels['app'] === 'keda-operator' || p.labels['app.kubernetes.io/name'] === 'keda-operator');
    const rollouts = operator('argo-rollouts');
    if (env.platform === 'bitvault') {
      expect(cnpg && keda && rollouts).toBeTruthy();
      for (const pg of byLabels(env, { 'cnpg.io/cluster': 'postgres' })) for (const port of [8000, 5432]) expect(env.evaluator.allows(cnpg!, pg, port), `cnpg → ${pg.name}:${port}`).toBe(true);
      for (const nats of byLabels(env, { 'app.kubernetes.io/name': 'nats', 'app.kubernetes.io/component': 'nats' })) expect(env.evaluator.allows(keda!, nats, 8222), `keda → ${nats.name}:8222`).toBe(true);
    }
    for (const template of env.manifests.filter((m) => m.kind === 'AnalysisTemplate' && m.metadata.name.endsWith('-smoke-test'))) {
      const frontend = template.metadata.name.replace(/-smoke-test$/, '');
      for (const b of serviceBackends(env, `${frontend}-preview`, 80)) expect(env.evaluator.allows(rollouts!, b.pod, b.port), `argo-rollouts → ${b.pod.name}`).toBe(true);
    }
  });

  it('keeps the members of each data service in touch (replication, Sentinel, cluster routes)', () => {
    const groups: Record<string, string>[] = [{ 'cnpg.io/cluster': 'postgres' }, { app: 'redis-ha' }, { 'app.kubernetes.io/name': 'nats' }, { 'app.kubernetes.io/name': 'opensearch' }];
    for (const labels of groups) {
      const members = byLabels(env, labels);
      for (const a of members) for (const b of members) for (const port of b.ports ?? []) expect(env.evaluator.allows(a, b, port.containerPort, port.protocol), `${a.name} → ${b.name}:${port.containerPort}`).toBe(true);
    }
  });

  it('lets a pod nobody wired reach nothing but DNS, and be reached by nobody, in the namespace or from another', () => {
    const targets = [...env.pods, env.prometheus, ...env.proxies];
    for (const target of targets) {
      for (const port of target.ports?.length ? target.ports : [{ containerPort: 80, protocol: 'TCP' }]) {
        expect(env.evaluator.allows(env.strangerHere, target, port.containerPort, port.protocol), `stranger → ${target.name}:${port.containerPort}`).toBe(false);
      }
    }
    expect(env.evaluator.allows(env.strangerHere, { ip: '203.0.113.7' }, 443)).toBe(false);
    for (const stranger of [env.strangerHere, env.strangerElsewhere]) {
      for (const pod of env.pods.filter((p) => p.namespace === env.namespace)) {
        for (const port of pod.ports ?? []) expect(env.evaluator.allows(stranger, pod, port.containerPort, port.protocol), `${stranger.namespace}/stranger → ${pod.name}:${port.containerPort}`).toBe(false);
      }
    }
  });
});
