import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import { NetworkPeer } from './network-peer.js';
import { NetworkPolicies } from './network-policies.js';

/** The operators that reach pods of an environment. */
export type NetworkController = 'argoRollouts' | 'keda' | 'cloudNativePg';

/** A port in a policy: a number, or the name of a container port. */
export type PolicyPort = number | string;

/** The label the API server sets on every namespace (Kubernetes 1.22+), naming it. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * One group of pods of an environment, as its network policy sees it: who they are (labels), what they serve, and
 * what they are given that says whom they talk to. Constructs register it; its policy is computed at synth, once
 * every construct of the environment has registered, so both ends of every path are known.
 */
export interface NetworkEndpoint {
  /** The construct (workload, data service, migration). */
  readonly construct: IConstruct;
  /** Name of its NetworkPolicy. */
  readonly name: string;
  /** Labels every pod of it carries (the policy's podSelector). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Ports its clients connect to (pod ports, not Service ports). */
  clientPorts: PolicyPort[];
  /** Ports Prometheus scrapes. */
  metricsPorts: PolicyPort[];
  /** Its pods talk to each other on every port (replication, gossip, Raft). */
  members: boolean;
  /** Namespaces of the proxies that route traffic to it (empty: not routed). */
  ingressNamespaces: string[];
  /** Operators that reach it, on which ports. */
  controllers: { controller: NetworkController; ports: PolicyPort[] }[];
  /** It must reach the Kubernetes API server (and, for Postgres, an object store). */
  needsKubernetesApi: boolean;
  needsObjectStore: boolean;
  /** Secrets whose keys let a client in: a pod reading one connects to this endpoint. */
  credentials: string[];
  /** Names of its Services: a pod given `<service>.<namespace>` connects to it. */
  serviceNames: string[];
  /** Secrets its own pods read. */
  readsSecrets: string[];
  /** Its plain environment variable values (host names of what it connects to). */
  envValues: string[];
  /** What it connects to, known by construction (a migration's database). */
  connectsTo: IConstruct[];
  /** Explicit peers. */
  allowTo: NetworkPeer[];
  allowFrom: NetworkPeer[];
}

const NETWORKS = new WeakMap<IConstruct, EnvironmentNetwork>();

/**
 * The NetworkPolicies of one environment's namespace, in the environment's `platform` folder (the first GitOps unit
 * to sync) at wave {@link SyncWave.NETWORK_POLICY}, before any data service, migration or workload starts:
 *
 * - `default-deny`: every pod of the namespace is isolated for ingress and egress;
 * - `allow-dns`: every pod may query the cluster DNS (UDP and TCP 53);
 * - one policy per workload, data service and migration Job, named after it, allowing what the platform knows.
 */
export class EnvironmentNetwork extends Construct {
  /** The network of the environment `scope` is in, if that environment has one. */
  public static of(scope: IConstruct): EnvironmentNetwork | undefined {
    for (const c of [...scope.node.scopes].reverse()) {
      const network = NETWORKS.get(c);
      if (network) return network;
    }
    return undefined;
  }

  /** The endpoints registered, in registration order. */
  private readonly endpoints = new Map<IConstruct, NetworkEndpoint>();
  private readonly controllerNamespaces = new Map<NetworkController, string>();
  /** The connections, computed once at synth (every policy reads them); a registration clears them. */
  private edgeCache?: Edge[];
  private edgeIndex?: { readonly to: Map<NetworkEndpoint, Edge[]>; readonly from: Map<NetworkEndpoint, Edge[]> };

  /**
   * @param chart the environment's chart: constructs below it find this network
   * @param folder the construct of the environment's platform folder, where the policies are written
   */
  constructor(chart: IConstruct, folder: Construct, private readonly namespace: string, private readonly partOf: string, public readonly policies: NetworkPolicies) {
    super(folder, 'network');
    NETWORKS.set(chart, this);
    for (const p of policies.problems('networkPolicies')) reportProblem(chart, p);
    if (!policies.enabled) return;
    this.policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = policies.props.dns;
    const dnsPorts = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];
    this.policy('allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [dns ? { to: [this.peerSelector(dns)], ports: dnsPorts } : { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: dnsPorts }],
    });
  }

  /** Whether policies are emitted. */
  public get enabled(): boolean {
    return this.policies.enabled;
  }

  /** Records where an operator runs in this environment (PlatformControllers calls it). */
  public setControllerNamespace(controller: NetworkController, namespace: string): void {
    this.controllerNamespaces.set(controller, namespace);
  }

  /**
   * Registers a group of pods and writes its policy (computed at synth). Explicit peers are checked now: a peer named
   * by `NetworkPeer.of` must be registered already (defined earlier) in this same environment.
   */
  public register(endpoint: Omit<NetworkEndpoint, 'clientPorts' | 'metricsPorts' | 'members' | 'ingressNamespaces' | 'controllers' | 'needsKubernetesApi' | 'needsObjectStore' | 'credentials' | 'serviceNames' | 'readsSecrets' | 'envValues' | 'connectsTo' | 'allowTo' | 'allowFrom'> & Partial<NetworkEndpoint>): NetworkEndpoint {
    const full: NetworkEndpoint = {
      clientPorts: [], metricsPorts: [], members: false, ingressNamespaces: [], controllers: [], needsKubernetesApi: false, needsObjectStore: false,
      credentials: [], serviceNames: [], readsSecrets: [], envValues: [], connectsTo: [], allowTo: [], allowFrom: [],
      ...endpoint,
    };
    for (const [key, peers] of [['allowTo', full.allowTo], ['allowFrom', full.allowFrom]] as const) {
      peers.forEach((peer, i) => {
        for (const p of peer.problems(`${key}[${i}]`)) reportProblem(full.construct, p);
        const target = peer.peer.target;
        if (peer.kind === 'construct' && target && !this.endpoints.has(target)) {
          reportProblem(full.construct, {
            field: `${key}[${i}]`,
            value: target.node.path,
            message: EnvironmentNetwork.of(target) === this ? 'names a construct that runs no pods of its own, or is defined after this one' : 'names a construct of another environment',
            fix: `name a workload, data service or migration of the same environment defined before this one (or use ${key === 'allowTo' ? 'allowFrom on the other end' : 'allowTo on the other end'})`,
          });
        }
      });
    }
    // A second construct of the same name already has its own objects reported as duplicates: no third report here.
    const taken = [...this.endpoints.values()].some((e) => e.name === full.name);
    this.endpoints.set(full.construct, full);
    this.edgeCache = undefined;
    this.edgeIndex = undefined;
    if (this.enabled && !taken) this.policy(full.name, Lazy.any({ produce: () => this.specOf(full) }), full.construct.node.id);
    return full;
  }

  /** The endpoint a construct registered, if any. */
  public endpointOf(construct: IConstruct): NetworkEndpoint | undefined {
    return this.endpoints.get(construct);
  }

  private policy(name: string, spec: unknown, id: string = name): void {
    new ApiObject(this, `policy-${id}-${name}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name,
        namespace: this.namespace,
        labels: { [PART_OF_LABEL]: this.partOf, [MANAGED_BY_LABEL]: 'cdk8s-delivery' },
        annotations: syncWaveAnnotations(SyncWave.NETWORK_POLICY),
      },
      spec,
    });
  }

  /** The connections of the environment: client → server, with the ports of the server. */
  private edges(): Edge[] {
    this.edgeCache ??= this.computeEdges();
    return this.edgeCache;
  }

  private computeEdges(): Edge[] {
    const out: Edge[] = [];
    const all = [...this.endpoints.values()];
    // The edge of each (from, to) pair, found by pair rather than by a scan of the edges so far.
    const byPair = new Map<NetworkEndpoint, Map<NetworkEndpoint, Edge>>();
    const add = (from: NetworkEndpoint, to: NetworkEndpoint, ports?: readonly number[]) => {
      if (from === to) return;
      let fromEdges = byPair.get(from);
      if (!fromEdges) byPair.set(from, (fromEdges = new Map()));
      const existing = fromEdges.get(to);
      const wanted = ports ? [...ports] : to.clientPorts.length > 0 ? [...to.clientPorts] : undefined;
      if (!existing) {
        const edge = { from, to, ports: wanted };
        out.push(edge);
        fromEdges.set(to, edge);
      } else if (existing.ports && wanted) existing.ports = [...new Set([...existing.ports, ...wanted])];
      else existing.ports = undefined;
    };
    // Only services with credentials or host names can be derived targets (data services): n × d, not n².
    const connectedTo = new Set(all.flatMap((x) => x.connectsTo));
    const derivable = all.filter((e) => e.credentials.length > 0 || e.serviceNames.length > 0 || connectedTo.has(e.construct));
    for (const from of all) {
      for (const to of derivable) {
        if (from === to) continue;
        const byCredentials = to.credentials.some((s) => from.readsSecrets.includes(s));
        const byHost = to.serviceNames.some((service) => from.envValues.some((v) => mentionsService(v, service, this.namespace)));
        if (byCredentials || byHost || from.connectsTo.includes(to.construct)) add(from, to);
      }
      for (const peer of from.allowTo) {
        const to = peer.peer.target && this.endpoints.get(peer.peer.target);
        if (peer.kind === 'construct' && to) add(from, to, peer.ports);
      }
      for (const peer of from.allowFrom) {
        const client = peer.peer.target && this.endpoints.get(peer.peer.target);
        if (peer.kind === 'construct' && client) add(client, from, peer.ports);
      }
    }
    return out;
  }

  /** The edges of the environment by server and by client, in the order of {@link edges}. */
  private edgesByEndpoint(): { readonly to: Map<NetworkEndpoint, Edge[]>; readonly from: Map<NetworkEndpoint, Edge[]> } {
    if (this.edgeIndex) return this.edgeIndex;
    const to = new Map<NetworkEndpoint, Edge[]>();
    const from = new Map<NetworkEndpoint, Edge[]>();
    const push = (m: Map<NetworkEndpoint, Edge[]>, k: NetworkEndpoint, edge: Edge) => {
      const list = m.get(k);
      if (list) list.push(edge);
      else m.set(k, [edge]);
    };
    for (const edge of this.edges()) {
      push(to, edge.to, edge);
      push(from, edge.from, edge);
    }
    this.edgeIndex = { to, from };
    return this.edgeIndex;
  }

  private specOf(e: NetworkEndpoint): Record<string, unknown> {
    const edges = this.edgesByEndpoint();
    const ns = (name: string) => ({ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: name } } });
    const pods = (labels: Readonly<Record<string, string>>) => ({ podSelector: { matchLabels: { ...labels } } });
    const options = this.policies.props;
    const ingress: Record<string, unknown>[] = [];
    const egress: Record<string, unknown>[] = [];
    if (e.members) {
      ingress.push({ from: [pods(e.podLabels)] });
      egress.push({ to: [pods(e.podLabels)] });
    }
    for (const edge of edges.to.get(e) ?? []) ingress.push(withPorts({ from: [pods(edge.from.podLabels)] }, edge.ports));
    for (const edge of edges.from.get(e) ?? []) egress.push(withPorts({ to: [pods(edge.to.podLabels)] }, edge.ports));
    if (e.ingressNamespaces.length > 0 && e.clientPorts.length > 0) {
      const namespaces = options.ingressControllerNamespaces ?? e.ingressNamespaces;
      ingress.push(withPorts({ from: [...new Set(namespaces)].sort().map(ns) }, e.clientPorts));
    }
    if (e.metricsPorts.length > 0) ingress.push(withPorts({ from: [ns(options.prometheusNamespace ?? 'monitoring')] }, e.metricsPorts));
    for (const c of e.controllers) ingress.push(withPorts({ from: [ns(this.controllerNamespace(c.controller))] }, c.ports));
    if (e.needsKubernetesApi) egress.push(this.peerRule('to', options.kubernetesApi ?? NetworkPeer.cidr('0.0.0.0/0', { ports: [443, 6443] }), undefined));
    if (e.needsObjectStore && options.objectStore) egress.push(this.peerRule('to', options.objectStore, undefined));
    for (const peer of e.allowTo) if (peer.kind !== 'construct') egress.push(this.peerRule('to', peer, undefined));
    for (const peer of e.allowFrom) if (peer.kind !== 'construct') ingress.push(this.peerRule('from', peer, e.clientPorts.length > 0 ? e.clientPorts : undefined));
    const spec: Record<string, unknown> = { podSelector: { matchLabels: { ...e.podLabels } }, policyTypes: ['Ingress', 'Egress'] };
    if (ingress.length > 0) spec.ingress = ingress;
    if (egress.length > 0) spec.egress = egress;
    return spec;
  }

  private controllerNamespace(controller: NetworkController): string {
    const fallback = { argoRollouts: 'argo-rollouts', keda: 'keda', cloudNativePg: 'cnpg-system' }[controller];
    return this.controllerNamespaces.get(controller) ?? this.policies.props.controllerNamespaces?.[controller] ?? fallback;
  }

  private peerSelector(peer: NetworkPeer): Record<string, unknown> {
    if (peer.kind === 'cidr') return { ipBlock: { cidr: peer.peer.cidr } };
    const selector: Record<string, unknown> = { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.peer.namespace } } };
    if (peer.peer.podLabels) selector.podSelector = { matchLabels: { ...peer.peer.podLabels } };
    return selector;
  }

  private peerRule(direction: 'to' | 'from', peer: NetworkPeer, fallbackPorts: PolicyPort[] | undefined): Record<string, unknown> {
    return withPorts({ [direction]: [this.peerSelector(peer)] }, peer.ports ? [...peer.ports] : fallbackPorts);
  }
}

/** A rule with its ports (TCP), or without a `ports` field (every port) when there are none. */
function withPorts(rule: Record<string, unknown>, ports: readonly PolicyPort[] | undefined): Record<string, unknown> {
  if (!ports || ports.length === 0) return rule;
  return { ...rule, ports: ports.map((port) => ({ protocol: 'TCP', port })) };
}

/** True when `value` names the Service `service` of `namespace` by its DNS name (`service.namespace[.svc[.cluster.local]]`). */
export function mentionsService(value: string, service: string, namespace: string): boolean {
  const key = `${service}\n${namespace}`;
  let pattern = SERVICE_PATTERNS.get(key);
  if (!pattern) {
    // Compiled once per Service and namespace: every workload's environment values are tested against it.
    const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
    pattern = new RegExp(`(^|[^-a-z0-9.])${escape(service)}\\.${escape(namespace)}(\\.svc(\\.[-a-z0-9.]+)?)?($|[^-a-z0-9.])`);
    SERVICE_PATTERNS.set(key, pattern);
  }
  return pattern.test(value);
}

const SERVICE_PATTERNS = new Map<string, RegExp>();

/** A connection of the environment: client → server, with the ports of the server (undefined: every port). */
type Edge = { from: NetworkEndpoint; to: NetworkEndpoint; ports: PolicyPort[] | undefined };
