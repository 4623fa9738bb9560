import { checkFactory } from '../core/props/check-props.js';
import { NetworkPeer } from './network-peer.js';

/** Props of {@link NetworkPolicies.isolated}. */
export interface IsolatedNetworkProps {
  /**
   * Namespace of Prometheus, allowed to scrape every workload's `http` and `metrics` ports and the data services'
   * exporters. Selected by its `kubernetes.io/metadata.name` label.
   * @default 'monitoring' (kube-prometheus-stack's convention)
   */
  readonly prometheusNamespace?: string;
  /**
   * Namespaces of the pods that carry routed traffic into the workloads (the Gateway's proxies, the NGINX ingress
   * controller), replacing what the routers imply: the Gateway's own namespace for `TrafficRouter.gatewayApi`
   * (Istio, NGINX Gateway Fabric, kgateway run proxies there), `ingress-nginx` for `TrafficRouter.nginx`.
   * Envoy Gateway runs its proxies in `envoy-gateway-system` whatever the Gateway's namespace: name it here.
   * @default derived from each workload's router
   */
  readonly ingressControllerNamespaces?: readonly string[];
  /**
   * The cluster DNS, every pod's only egress by default (UDP and TCP 53).
   * @default the `k8s-app: kube-dns` pods (CoreDNS and kube-dns both carry it) of namespace `kube-system`
   */
  readonly dns?: NetworkPeer;
  /**
   * The Kubernetes API server, for the pods that must reach it (CloudNativePG's instance manager). A Service's
   * ClusterIP is translated before policies apply, so this is the API server's own address.
   * @default NetworkPeer.cidr('0.0.0.0/0', { ports: [443, 6443] }): any address on the API server ports (which
   * also lets Postgres reach an object store over HTTPS for its backups); narrow it to the control plane's CIDR
   */
  readonly kubernetesApi?: NetworkPeer;
  /**
   * Where Postgres sends its backups and WAL archive, when the API server peer does not cover it.
   * @default none beyond `kubernetesApi` (whose default covers HTTPS anywhere)
   */
  readonly objectStore?: NetworkPeer;
  /**
   * Namespaces of the operators that must reach pods, for the environments that do not install them with
   * `PlatformControllers` (whose namespaces are used when they do).
   * @default argo-rollouts 'argo-rollouts', KEDA 'keda', CloudNativePG 'cnpg-system'
   */
  readonly controllerNamespaces?: { readonly argoRollouts?: string; readonly keda?: string; readonly cloudNativePg?: string };
}

/**
 * Network isolation of every environment of a platform: secure by default ({@link NetworkPolicies.isolated}), with an
 * explicit, documented opt-out ({@link NetworkPolicies.disabled}).
 */
export class NetworkPolicies {
  /**
   * Deny every ingress and egress in the environment's namespace, then allow exactly the paths the platform knows
   * of: DNS; the ingress controller to routed workloads; each workload to the data services whose credentials or
   * Service host names it is given, and to its `allowTo` peers; Prometheus to the metrics ports; the migration Job
   * to its database; the operators to the pods they manage; members of a data service to each other.
   */
  public static isolated(props: IsolatedNetworkProps = {}): NetworkPolicies {
    return checkFactory(new NetworkPolicies(true, props, undefined), 'NetworkPolicies.isolated', [props]);
  }

  /**
   * No NetworkPolicy at all: every pod accepts traffic from anywhere in the cluster and reaches anything. For a
   * cluster whose network plugin enforces no policies, or whose policies are managed elsewhere; `reason` says which.
   */
  public static disabled(reason: string): NetworkPolicies {
    return new NetworkPolicies(false, {}, reason);
  }

  private constructor(
    /** Whether policies are emitted. */
    public readonly enabled: boolean,
    /** The options of an isolated environment. */
    public readonly props: IsolatedNetworkProps,
    /** Why policies are off. */
    public readonly reason: string | undefined,
  ) {}

  /** Problems with the options (fields relative to `field`). */
  public problems(field: string): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!this.enabled && !(typeof this.reason === 'string' && this.reason.trim().length > 0)) {
      out.push({ field, value: this.reason, message: 'turns network isolation off without a reason', fix: "say why, e.g. NetworkPolicies.disabled('the CNI enforces no policies')" });
    }
    const names: [string, unknown][] = [
      ['prometheusNamespace', this.props.prometheusNamespace],
      ...(this.props.ingressControllerNamespaces ?? []).map((n, i) => [`ingressControllerNamespaces[${i}]`, n] as [string, unknown]),
      ...Object.entries(this.props.controllerNamespaces ?? {}).map(([k, n]) => [`controllerNamespaces.${k}`, n] as [string, unknown]),
    ];
    for (const [key, value] of names) {
      if (value !== undefined && !(typeof value === 'string' && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) && value.length <= 63)) {
        out.push({ field: `${field}.${key}`, value, message: 'is not a namespace name', fix: 'use a lower-case DNS label of at most 63 characters' });
      }
    }
    for (const key of ['dns', 'kubernetesApi', 'objectStore'] as const) {
      const peer = this.props[key];
      if (peer === undefined) continue;
      if (peer.kind === 'construct') out.push({ field: `${field}.${key}`, value: 'NetworkPeer.of(...)', message: 'must be outside the environment', fix: 'use NetworkPeer.namespace(...) or NetworkPeer.cidr(...)' });
      out.push(...peer.problems(`${field}.${key}`));
    }
    return out;
  }
}
