import { IConstruct } from 'constructs';
import { checkFactory } from '../core/props/check-props.js';

/** Options of {@link NetworkPeer.namespace} and {@link NetworkPeer.cidr}. */
export interface NetworkPeerOptions {
  /**
   * TCP ports allowed. On `allowTo` they are ports of the peer; on `allowFrom` ports of this workload.
   * @default on `allowTo`, every port; on `allowFrom`, the workload's own container port (every port when it has none)
   */
  readonly ports?: readonly number[];
}

/** Options of {@link NetworkPeer.namespace}. */
export interface NamespacePeerOptions extends NetworkPeerOptions {
  /** Only the pods of that namespace with these labels. @default every pod of the namespace */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Options of {@link NetworkPeer.of}. */
export interface ConstructPeerOptions {
  /** TCP ports allowed. @default the ports the peer serves on (a workload's container port, Postgres 5432, Redis 6379/26379…) */
  readonly ports?: readonly number[];
}

/**
 * Something a workload may talk to, or be reached from, beyond what the library derives itself (its data services,
 * its gateway, Prometheus, the operators). Used by the `allowTo` and `allowFrom` props of every workload.
 */
export class NetworkPeer {
  /**
   * A workload, data service or migration of the same environment (`NetworkPeer.of(bitvaultd)`). The network
   * policies of both ends are written: egress on the client, ingress on the server.
   */
  public static of(target: IConstruct, options: ConstructPeerOptions = {}): NetworkPeer {
    return checkFactory(new NetworkPeer('construct', { target, ports: options.ports }), 'NetworkPeer.of', [target, options]);
  }

  /**
   * Pods of another namespace, selected by its `kubernetes.io/metadata.name` label (set by the API server on every
   * namespace since Kubernetes 1.22).
   */
  public static namespace(name: string, options: NamespacePeerOptions = {}): NetworkPeer {
    return checkFactory(new NetworkPeer('namespace', { namespace: name, podLabels: options.podLabels, ports: options.ports }), 'NetworkPeer.namespace', [name, options]);
  }

  /** Addresses outside the cluster's pods, e.g. `NetworkPeer.cidr('203.0.113.0/24', { ports: [443] })`. */
  public static cidr(cidr: string, options: NetworkPeerOptions = {}): NetworkPeer {
    return checkFactory(new NetworkPeer('cidr', { cidr, ports: options.ports }), 'NetworkPeer.cidr', [cidr, options]);
  }

  private constructor(
    /** What the peer is. */
    public readonly kind: 'construct' | 'namespace' | 'cidr',
    /** Its details. */
    public readonly peer: {
      readonly target?: IConstruct;
      readonly namespace?: string;
      readonly podLabels?: Readonly<Record<string, string>>;
      readonly cidr?: string;
      readonly ports?: readonly number[];
    },
  ) {}

  /** The TCP ports given, if any. */
  public get ports(): readonly number[] | undefined {
    return this.peer.ports;
  }

  /** Problems with the peer (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    (this.peer.ports ?? []).forEach((p, i) => {
      if (!(Number.isInteger(p) && p >= 1 && p <= 65535)) out.push({ field: `${field}.ports[${i}]`, value: p, message: 'is not a port number from 1 to 65535', fix: 'use a TCP port such as 443' });
    });
    if (this.kind === 'namespace' && !(typeof this.peer.namespace === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(this.peer.namespace) && this.peer.namespace.length <= 63)) {
      out.push({ field: `${field}.namespace`, value: this.peer.namespace, message: 'is not a namespace name', fix: 'use a lower-case DNS label of at most 63 characters' });
    }
    if (this.kind === 'cidr' && !isCidr(this.peer.cidr ?? '')) {
      out.push({ field: `${field}.cidr`, value: this.peer.cidr, message: 'is not an IPv4 or IPv6 CIDR', fix: 'use a block such as "10.0.0.0/8" or "2001:db8::/32"' });
    }
    return out;
  }
}

/** True for an IPv4 (`a.b.c.d/n`) or IPv6 (`x::y/n`) CIDR. */
export function isCidr(value: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (v4) return v4.slice(1, 5).every((o) => Number(o) <= 255) && Number(v4[5]) <= 32;
  const v6 = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  return v6 !== null && v6[1].includes(':') && Number(v6[2]) <= 128;
}
