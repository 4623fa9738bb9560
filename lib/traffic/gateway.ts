import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { MANAGED_BY_LABEL, PART_OF_LABEL } from '../core/labels.js';
import { checkFactory, checkProps } from '../core/props/check-props.js';
import { reportProblem } from '../core/problems.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import { DeliveryStage, setOutputFolder } from '../platform/output-folder.js';
import { EnvironmentChart, PLATFORM_FOLDER } from '../platform/platform.js';
import { TrafficRouter } from './traffic-router.js';

/** The controller name Envoy Gateway reconciles GatewayClasses for. */
export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const HOSTNAME = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Which namespaces may attach routes to a Gateway's listeners. Create with the static factories. */
export class RouteNamespaces {
  /** Only routes in the Gateway's own namespace (the Gateway API default). */
  public static same(): RouteNamespaces {
    return new RouteNamespaces({ from: 'Same' });
  }

  /** Routes in every namespace: for a Gateway shared by several namespaces. */
  public static all(): RouteNamespaces {
    return new RouteNamespaces({ from: 'All' });
  }

  /** Routes in the namespaces carrying these labels. */
  public static withLabels(labels: Readonly<Record<string, string>>): RouteNamespaces {
    return checkFactory(new RouteNamespaces({ from: 'Selector', selector: { matchLabels: { ...labels } } }), 'RouteNamespaces.withLabels', [labels]);
  }

  private constructor(
    /** The listener's `allowedRoutes.namespaces`. */
    public readonly spec: { readonly from: 'Same' | 'All' | 'Selector'; readonly selector?: Record<string, unknown> },
  ) {}
}

/** Props of {@link GatewayListener.http}. */
export interface HttpListenerProps {
  /** Listener name (what an HTTPRoute's `sectionName` names). @default 'http' */
  readonly name?: string;
  /** Port. @default 80 */
  readonly port?: number;
  /** Hostname (or `*.domain` wildcard) the listener accepts. @default every hostname */
  readonly hostname?: string;
}

/** Props of {@link GatewayListener.https}. */
export interface HttpsListenerProps extends HttpListenerProps {
  /** Secret (type kubernetes.io/tls, in the Gateway's namespace) with the certificate, e.g. issued by cert-manager. */
  readonly certificateSecretName: string;
}

/**
 * A listener of a {@link Gateway}. The factories only build combinations the Gateway API accepts: HTTP
 * without TLS, HTTPS terminating TLS with a certificate (the CRD's CEL rules, which a schema check skips).
 */
export class GatewayListener {
  /** Plain HTTP. */
  public static http(props: HttpListenerProps = {}): GatewayListener {
    return checkFactory(new GatewayListener(props.name ?? 'http', 'HTTP', props.port ?? 80, props.hostname), 'GatewayListener.http', [props]);
  }

  /** HTTPS, TLS terminated at the Gateway with the certificate in `certificateSecretName`. */
  public static https(props: HttpsListenerProps): GatewayListener {
    return checkFactory(new GatewayListener(props.name ?? 'https', 'HTTPS', props.port ?? 443, props.hostname, props.certificateSecretName), 'GatewayListener.https', [props]);
  }

  private constructor(
    /** Listener name. */
    public readonly name: string,
    /** `HTTP` or `HTTPS`. */
    public readonly protocol: 'HTTP' | 'HTTPS',
    /** Port. */
    public readonly port: number,
    /** Hostname, if restricted. */
    public readonly hostname?: string,
    /** TLS certificate Secret (HTTPS only). */
    public readonly certificateSecretName?: string,
  ) {}

  /** The listener as the Gateway spec holds it. */
  public toJson(routes: RouteNamespaces): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, protocol: this.protocol, port: this.port, allowedRoutes: { namespaces: { ...routes.spec } } };
    if (this.hostname) out.hostname = this.hostname;
    if (this.certificateSecretName) out.tls = { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: this.certificateSecretName }] };
    return out;
  }
}

/** Props of a {@link GatewayClass}. */
export interface GatewayClassProps {
  /** GatewayClass name (cluster-wide). @default the construct id */
  readonly name?: string;
  /** The controller that implements it. @default Envoy Gateway's, 'gateway.envoyproxy.io/gatewayclass-controller' */
  readonly controllerName?: string;
  /** Description shown by `kubectl get gatewayclass -o wide`. @default none */
  readonly description?: string;
}

/**
 * A GatewayClass in the environment's platform folder, implemented by Envoy Gateway unless said otherwise.
 * Cluster-scoped: when several environments share a cluster, emit it in one. Envoy Gateway itself (its
 * controller and the Gateway API CRDs) is installed by the cluster's base layer.
 */
export class GatewayClass extends Construct {
  /** The GatewayClass name. */
  public readonly name: string;

  constructor(scope: Construct, id: string, props: GatewayClassProps = {}) {
    super(scope, id);
    setOutputFolder(this, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    const usable = checkProps(this, props);
    this.name = props.name ?? id;
    if (!usable) return;
    const controllerName = props.controllerName ?? ENVOY_GATEWAY_CONTROLLER;
    if (!DNS_SUBDOMAIN.test(this.name) || this.name.length > 253) {
      reportProblem(this, { field: 'name', value: this.name, message: 'is not a valid GatewayClass name', fix: 'use lower-case letters, digits, "-" and "."' });
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$/.test(controllerName)) {
      reportProblem(this, { field: 'controllerName', value: controllerName, message: 'is not a domain-prefixed controller name', fix: `use e.g. "${ENVOY_GATEWAY_CONTROLLER}"` });
    }
    const spec: Record<string, unknown> = { controllerName };
    if (props.description) spec.description = props.description;
    new ApiObject(this, 'gateway-class', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'GatewayClass',
      metadata: { name: this.name, labels: platformLabels(this), annotations: syncAnnotations(SyncWave.OPERATOR, { customResource: true }) },
      spec,
    });
  }
}

/** Props of a {@link Gateway}. */
export interface GatewayProps {
  /** Gateway name: what the HTTPRoutes' parentRefs name. @default the construct id */
  readonly name?: string;
  /** Namespace of the Gateway. @default the environment's namespace */
  readonly namespace?: string;
  /** The GatewayClass that implements it: `envoy.name` of a {@link GatewayClass}, or the name of an existing class. */
  readonly gatewayClassName: string;
  /** The listeners (at least one; unique names, unique port/protocol/hostname). */
  readonly listeners: readonly GatewayListener[];
  /** Namespaces that may attach routes, for every listener. @default RouteNamespaces.same() */
  readonly routeNamespaces?: RouteNamespaces;
}

/** Props of {@link Gateway.router}. */
export interface GatewayRouterProps {
  /** Hostnames the route matches; each must be accepted by a listener. @default the listeners' hostnames */
  readonly hostnames?: readonly string[];
  /** Path prefix. @default '/' */
  readonly pathPrefix?: string;
  /** Attach to this listener only. @default every listener that allows the route */
  readonly sectionName?: string;
}

/**
 * A Gateway API Gateway in the environment's platform folder. Workloads route through it with
 * `trafficRouter: gateway.router({...})`, which fills in the Gateway's name and namespace, so the HTTPRoute's
 * parentRef cannot name another Gateway; a synth also checks hand-written parentRefs against the Gateways it
 * emits (`checkGatewayRoutes` in ./gateway-routes.ts).
 */
export class Gateway extends Construct {
  /** The Gateway name. */
  public readonly name: string;
  /** The Gateway namespace. */
  public readonly namespace: string;
  /** The listeners. */
  public readonly listeners: readonly GatewayListener[];

  constructor(scope: Construct, id: string, props: GatewayProps) {
    super(scope, id);
    setOutputFolder(this, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    const usable = checkProps(this, props);
    this.name = props.name ?? id;
    this.namespace = props.namespace ?? EnvironmentChart.of(this).targetNamespace;
    this.listeners = usable ? props.listeners : [];
    if (!usable) return;
    this.check(props);
    const routes = props.routeNamespaces ?? RouteNamespaces.same();
    new ApiObject(this, 'gateway', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: this.name, namespace: this.namespace, labels: platformLabels(this), annotations: syncAnnotations(SyncWave.OPERATOR, { customResource: true }) },
      spec: { gatewayClassName: props.gatewayClassName, listeners: props.listeners.map((l) => l.toJson(routes)) },
    });
  }

  /** A Gateway API traffic router whose HTTPRoute attaches to this Gateway. */
  public router(props: GatewayRouterProps = {}): TrafficRouter {
    if (props.sectionName !== undefined && !this.listeners.some((l) => l.name === props.sectionName)) {
      reportProblem(this, { field: 'router.sectionName', value: props.sectionName, rule: 'gateway/unknown-listener', message: `names no listener of Gateway "${this.name}" (listeners: ${this.listeners.map((l) => l.name).join(', ')})`, fix: 'use one of the listener names, or leave sectionName out to attach to every listener' });
    }
    const router = TrafficRouter.gatewayApi({ gatewayName: this.name, gatewayNamespace: this.namespace, sectionName: props.sectionName, hostnames: props.hostnames, pathPrefix: props.pathPrefix });
    return checkFactory(router, 'Gateway#router', [props]);
  }

  private check(props: GatewayProps): void {
    const problem = (field: string, value: unknown, message: string, fix: string) => reportProblem(this, { field, value, message, fix });
    if (!DNS_SUBDOMAIN.test(this.name) || this.name.length > 253) problem('name', this.name, 'is not a valid Gateway name', 'use lower-case letters, digits, "-" and "."');
    if (!DNS_SUBDOMAIN.test(props.gatewayClassName ?? '')) problem('gatewayClassName', props.gatewayClassName, 'is not a GatewayClass name', 'pass the name of a GatewayClass, e.g. `envoy.name`');
    if (props.listeners.length === 0 || props.listeners.length > 64) problem('listeners', props.listeners.length, 'must hold 1 to 64 listeners', 'add a listener such as GatewayListener.http()');
    props.listeners.forEach((l, i) => {
      const field = `listeners[${i}]`;
      if (!DNS_SUBDOMAIN.test(l.name) || l.name.length > 253) problem(`${field}.name`, l.name, 'is not a valid listener name', 'use lower-case letters, digits and "-"');
      if (!(Number.isInteger(l.port) && l.port >= 1 && l.port <= 65535)) problem(`${field}.port`, l.port, 'must be a port number from 1 to 65535', 'use e.g. 80 or 443');
      if (l.hostname !== undefined && !HOSTNAME.test(l.hostname)) problem(`${field}.hostname`, l.hostname, 'is not a valid hostname', 'use a lower-case DNS name or a "*.domain" wildcard');
      if (l.certificateSecretName !== undefined && !DNS_SUBDOMAIN.test(l.certificateSecretName)) problem(`${field}.certificateSecretName`, l.certificateSecretName, 'is not a valid Secret name', 'use the name of the TLS Secret in the Gateway namespace');
      const twin = props.listeners.findIndex((o) => o.name === l.name);
      if (twin < i) problem(`${field}.name`, l.name, `repeats the name of listeners[${twin}]: listener names must be unique within a Gateway`, 'rename one of them');
      const clash = props.listeners.findIndex((o) => o.port === l.port && o.protocol === l.protocol && o.hostname === l.hostname);
      if (clash < i && twin >= i) problem(field, `${l.protocol}:${l.port}${l.hostname ? ` ${l.hostname}` : ''}`, `repeats the port, protocol and hostname of listeners[${clash}]: the Gateway API rejects it`, 'give each listener its own hostname or port');
    });
  }
}

function platformLabels(scope: Construct): Record<string, string> {
  return { [PART_OF_LABEL]: EnvironmentChart.of(scope).platform.name, [MANAGED_BY_LABEL]: 'cdk8s-delivery', 'app.kubernetes.io/component': 'gateway' };
}
