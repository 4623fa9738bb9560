/**
 * A NetworkPolicy evaluator (networking.k8s.io/v1), for tests that judge emitted policies by what they allow rather
 * than by their shape. It implements the API's semantics as the Kubernetes documentation states them
 * (kubernetes/website content/en/docs/concepts/services-networking/network-policies.md):
 *
 * - a pod is isolated for a direction only when some policy of its namespace selects it (podSelector; `{}` selects
 *   every pod) and lists that direction in `policyTypes`; without `policyTypes`, Ingress always, and Egress when the
 *   policy has an `egress` section;
 * - policies are additive: a connection is allowed in a direction when the pod is not isolated for it, or when any
 *   rule of any policy selecting the pod (of that type) matches; a connection needs the source's egress and the
 *   destination's ingress;
 * - a rule matches when one of its peers matches (none given: every peer) and one of its ports does (none given:
 *   every port); a peer with podSelector only selects pods of the policy's own namespace, namespaceSelector only every
 *   pod of the selected namespaces, both together the selected pods of the selected namespaces, ipBlock an address
 *   range minus its `except`;
 * - a port is a number (with `endPort`, a range) or the name of a container port of the destination pod, with its
 *   protocol (TCP when left out); a port entry without `port` matches every port of its protocol.
 */

/** A label selector (matchLabels and matchExpressions, ANDed; empty selects everything). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }[];
}

/** A pod as the evaluator sees it. */
export interface EvalPod {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Container ports (named or not). */
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number; readonly protocol?: string }[];
  /** The pod's IP, for ipBlock peers. */
  readonly ip?: string;
}

/** An address outside the pod network. */
export interface EvalExternal {
  readonly ip: string;
}

/** A namespace: its name and labels (the API server adds `kubernetes.io/metadata.name`). */
export interface EvalNamespace {
  readonly name: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A NetworkPolicy manifest. */
export interface NetworkPolicyManifest {
  readonly metadata: { readonly name?: string; readonly namespace?: string };
  readonly spec: Record<string, any>;
}

export function matchesSelector(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** True when the IPv4 address is in the CIDR (IPv6 blocks match no IPv4 address). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === undefined || b === undefined) return false;
  const bits = Number(bitsText);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((a & mask) >>> 0) === ((b & mask) >>> 0);
}

/** The evaluator over a set of namespaces, pods and policies. */
export class NetworkPolicyEvaluator {
  private readonly namespaces = new Map<string, Readonly<Record<string, string>>>();

  constructor(namespaces: readonly EvalNamespace[], private readonly policies: readonly NetworkPolicyManifest[]) {
    for (const n of namespaces) this.namespaces.set(n.name, { 'kubernetes.io/metadata.name': n.name, ...(n.labels ?? {}) });
  }

  /** Whether `from` may open a connection to `to` on `port`/`protocol`. */
  public allows(from: EvalPod | EvalExternal, to: EvalPod | EvalExternal, port: number, protocol = 'TCP'): boolean {
    const egress = !('namespace' in from) || this.allowedIn('Egress', from, to, port, protocol);
    const ingress = !('namespace' in to) || this.allowedIn('Ingress', to, from, port, protocol);
    return egress && ingress;
  }

  /** Whether the pod is isolated for a direction. */
  public isolated(pod: EvalPod, direction: 'Ingress' | 'Egress'): boolean {
    return this.selecting(pod, direction).length > 0;
  }

  private types(policy: NetworkPolicyManifest): string[] {
    const types = policy.spec.policyTypes as string[] | undefined;
    if (types && types.length > 0) return types;
    return policy.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
  }

  private selecting(pod: EvalPod, direction: 'Ingress' | 'Egress'): NetworkPolicyManifest[] {
    return this.policies.filter((p) => (p.metadata.namespace ?? 'default') === pod.namespace && matchesSelector(p.spec.podSelector, pod.labels) && this.types(p).includes(direction));
  }

  /** `subject`'s side: its policies of `direction` allow `peer` on the destination's port. */
  private allowedIn(direction: 'Ingress' | 'Egress', subject: EvalPod, peer: EvalPod | EvalExternal, port: number, protocol: string): boolean {
    const policies = this.selecting(subject, direction);
    if (policies.length === 0) return true;
    const destination = direction === 'Ingress' ? subject : peer;
    return policies.some((policy) => {
      const rules = (direction === 'Ingress' ? policy.spec.ingress : policy.spec.egress) as Record<string, any>[] | undefined;
      return (rules ?? []).some((rule) => {
        const peers = (direction === 'Ingress' ? rule.from : rule.to) as Record<string, any>[] | undefined;
        const peerOk = !peers || peers.length === 0 || peers.some((p) => this.peerMatches(p, policy.metadata.namespace ?? 'default', peer));
        const ports = rule.ports as Record<string, any>[] | undefined;
        const portOk = !ports || ports.length === 0 || ports.some((p) => portMatches(p, destination, port, protocol));
        return peerOk && portOk;
      });
    });
  }

  private peerMatches(peer: Record<string, any>, policyNamespace: string, candidate: EvalPod | EvalExternal): boolean {
    if (peer.ipBlock) {
      const ip = candidate.ip;
      if (!ip) return false;
      return inCidr(ip, peer.ipBlock.cidr) && !((peer.ipBlock.except ?? []) as string[]).some((c) => inCidr(ip, c));
    }
    if (!('namespace' in candidate)) return false;
    if (peer.namespaceSelector === undefined) {
      return candidate.namespace === policyNamespace && matchesSelector(peer.podSelector, candidate.labels);
    }
    const nsLabels = this.namespaces.get(candidate.namespace) ?? { 'kubernetes.io/metadata.name': candidate.namespace };
    return matchesSelector(peer.namespaceSelector, nsLabels) && (peer.podSelector === undefined || matchesSelector(peer.podSelector, candidate.labels));
  }
}

function portMatches(entry: Record<string, any>, destination: EvalPod | EvalExternal, port: number, protocol: string): boolean {
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'number') return entry.endPort !== undefined ? port >= entry.port && port <= entry.endPort : port === entry.port;
  // A named port is a container port of the destination pod, with that name and protocol.
  if (!('namespace' in destination)) return false;
  return (destination.ports ?? []).some((p) => p.name === entry.port && p.containerPort === port && (p.protocol ?? 'TCP') === protocol);
}
