import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { HttpRouteSpec, HttpRouteSpecParentRefs, HttpRouteSpecRulesBackendRefs } from '../../imports/httproute-gateway.networking.k8s.io.js';
import { syncAnnotations, SyncWave, syncWaveAnnotations } from '../core/sync-wave.js';
import type { Wire } from '../core/wire.js';
import { checkFactory } from '../core/props/check-props.js';

/** The only key under which Argo Rollouts finds the Gateway API plugin; any other key is silently ignored. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

/** Props of {@link TrafficRouter.gatewayApi}. */
export interface GatewayApiRouterProps {
  /** Name of the Gateway the HTTPRoute attaches to. */
  readonly gatewayName: string;
  /** Namespace of the Gateway. @default the workload's namespace */
  readonly gatewayNamespace?: string;
  /** Listener of the Gateway to attach to. @default every listener that allows the route */
  readonly sectionName?: string;
  /** Hostnames the route matches. @default none: all hostnames the listener accepts */
  readonly hostnames?: readonly string[];
  /** Path prefix the route matches. @default '/' */
  readonly pathPrefix?: string;
}

/** Props of {@link TrafficRouter.nginx}. */
export interface NginxRouterProps {
  /** Host the Ingress serves. */
  readonly host: string;
  /** Ingress class. @default 'nginx' */
  readonly ingressClassName?: string;
  /** Path prefix. @default '/' */
  readonly pathPrefix?: string;
  /**
   * TLS Secret of `host` (a `Certificate`'s `secretName`, kept by cert-manager): NGINX terminates HTTPS with it and
   * redirects HTTP to HTTPS.
   * @default none: plain HTTP
   */
  readonly tlsSecretName?: string;
}

/** What a router needs to know about the workload it routes to. */
export interface RouteTarget {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly stableService: string;
  /** Set when the workload runs a traffic-routed canary. */
  readonly canaryService?: string;
  readonly servicePort: number;
}

/**
 * How canary traffic is split. A router emits the route object (HTTPRoute or Ingress) in every
 * environment, and the Rollout's `trafficRouting` block where a canary runs, so the two always agree.
 */
export abstract class TrafficRouter {
  /**
   * Gateway API through the Argo Rollouts plugin `argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi`.
   * The HTTPRoute lists the stable and canary Services as backendRefs; the plugin edits their weights.
   * The plugin must be registered in the `argo-rollouts-config` ConfigMap and the controller needs RBAC on
   * httproutes (the platform layer does both).
   */
  public static gatewayApi(props: GatewayApiRouterProps): TrafficRouter {
    return checkFactory(new GatewayApiRouter(props), 'TrafficRouter.gatewayApi', [props]);
  }

  /** NGINX Ingress: Argo Rollouts clones the stable Ingress into a canary Ingress with weight annotations. */
  public static nginx(props: NginxRouterProps): TrafficRouter {
    return checkFactory(new NginxRouter(props), 'TrafficRouter.nginx', [props]);
  }

  /** Router name, for messages. */
  public abstract readonly kind: string;
  /** Problems with the router props. */
  public abstract problems(field: string): { field: string; value: unknown; message: string; fix: string }[];
  /** The Rollout's `spec.strategy.canary.trafficRouting`. */
  public abstract rolloutTrafficRouting(target: RouteTarget): Record<string, unknown>;
  /** Emits the route object. */
  public abstract emit(scope: Construct, target: RouteTarget): ApiObject;
  /**
   * Namespaces of the proxies that carry the routed traffic to the pods, for the network policies: the Gateway's
   * namespace (where Istio, NGINX Gateway Fabric and kgateway run them), or `ingress-nginx`. Envoy Gateway runs its
   * proxies in `envoy-gateway-system`: say so with `NetworkPolicies.isolated({ ingressControllerNamespaces })`.
   */
  public abstract proxyNamespaces(workloadNamespace: string): string[];
}

const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkPath(path: string | undefined, field: string) {
  return path !== undefined && !path.startsWith('/') ? [{ field: `${field}.pathPrefix`, value: path, message: 'must start with "/"', fix: 'use an absolute path such as "/" or "/api"' }] : [];
}

class GatewayApiRouter extends TrafficRouter {
  public readonly kind = 'gatewayApi';
  constructor(private readonly props: GatewayApiRouterProps) {
    super();
  }

  public problems(field: string) {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!this.props.gatewayName) out.push({ field: `${field}.gatewayName`, value: this.props.gatewayName, message: 'is required', fix: 'name the Gateway the HTTPRoute attaches to' });
    (this.props.hostnames ?? []).forEach((h, i) => {
      if (!HOSTNAME.test(h)) out.push({ field: `${field}.hostnames[${i}]`, value: h, message: 'is not a valid hostname', fix: 'use a lower-case DNS name such as "api.example.com"' });
    });
    return [...out, ...checkPath(this.props.pathPrefix, field)];
  }

  public proxyNamespaces(workloadNamespace: string): string[] {
    return [this.props.gatewayNamespace ?? workloadNamespace];
  }

  public rolloutTrafficRouting(target: RouteTarget): Record<string, unknown> {
    return { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: target.name, namespace: target.namespace } } };
  }

  public emit(scope: Construct, target: RouteTarget): ApiObject {
    const parentRef = {
      group: 'gateway.networking.k8s.io',
      kind: 'Gateway',
      name: this.props.gatewayName,
      ...(this.props.gatewayNamespace ? { namespace: this.props.gatewayNamespace } : {}),
      ...(this.props.sectionName ? { sectionName: this.props.sectionName } : {}),
    } satisfies Wire<HttpRouteSpecParentRefs>;
    const backend = (name: string, weight: number) => ({ group: '', kind: 'Service', name, port: target.servicePort, weight }) satisfies Wire<HttpRouteSpecRulesBackendRefs>;
    // With a canary, the plugin owns the weights: the stable Service starts at 100 and the canary at 0.
    const backendRefs = target.canaryService ? [backend(target.stableService, 100), backend(target.canaryService, 0)] : [backend(target.stableService, 100)];
    const spec = {
      parentRefs: [parentRef],
      rules: [{ matches: [{ path: { type: 'PathPrefix' as const, value: this.props.pathPrefix ?? '/' } }], backendRefs }],
      ...(this.props.hostnames?.length ? { hostnames: [...this.props.hostnames] } : {}),
    } satisfies Wire<HttpRouteSpec>;
    return new ApiObject(scope, 'httproute', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: target.name, namespace: target.namespace, labels: target.labels, annotations: syncAnnotations(SyncWave.APP_SUPPORT, { customResource: true }) },
      spec,
    });
  }
}

class NginxRouter extends TrafficRouter {
  public readonly kind = 'nginx';
  constructor(private readonly props: NginxRouterProps) {
    super();
  }

  public problems(field: string) {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!this.props.host || !HOSTNAME.test(this.props.host) || this.props.host.startsWith('*')) {
      out.push({ field: `${field}.host`, value: this.props.host, message: 'is not a valid host name', fix: 'use a lower-case DNS name such as "web.example.com"' });
    }
    if (this.props.tlsSecretName !== undefined && !/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(this.props.tlsSecretName)) {
      out.push({ field: `${field}.tlsSecretName`, value: this.props.tlsSecretName, message: 'is not a valid Secret name', fix: "use the TLS Secret's name, e.g. a Certificate's `secretName`" });
    }
    return [...out, ...checkPath(this.props.pathPrefix, field)];
  }

  public proxyNamespaces(): string[] {
    return ['ingress-nginx'];
  }

  public rolloutTrafficRouting(target: RouteTarget): Record<string, unknown> {
    return { nginx: { stableIngress: target.name } };
  }

  public emit(scope: Construct, target: RouteTarget): ApiObject {
    return new ApiObject(scope, 'ingress', {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: target.name, namespace: target.namespace, labels: target.labels, annotations: syncWaveAnnotations(SyncWave.APP_SUPPORT) },
      spec: {
        ingressClassName: this.props.ingressClassName ?? 'nginx',
        ...(this.props.tlsSecretName ? { tls: [{ hosts: [this.props.host], secretName: this.props.tlsSecretName }] } : {}),
        rules: [{
          host: this.props.host,
          http: { paths: [{ path: this.props.pathPrefix ?? '/', pathType: 'Prefix', backend: { service: { name: target.stableService, port: { number: target.servicePort } } } }] },
        }],
      },
    });
  }
}
