import { ImagePolicy } from './image.js';
import { checkFactory } from './props/check-props.js';

/** How traffic-serving stateless services ship in an environment. */
export enum ServiceDelivery {
  /** Argo Rollouts canary with SLO analysis and automatic abort (the prod default). */
  CANARY = 'canary',
  /** A plain Deployment rolling update (fast; dev and staging). */
  ROLLING = 'rolling',
}

/**
 * How web frontends (server-side rendered pages, the seed's bitvault-web) ship in an environment. The seed
 * allows "canary or blue-green" for web: blue-green gives an instant cutover of the whole page set (no
 * user sees old and new pages mixed) and a trivial rollback.
 */
export enum FrontendDelivery {
  /** Argo Rollouts blue-green: bring up green fully, smoke-test it, flip the Service, keep blue for rollback (the prod default). */
  BLUE_GREEN = 'blue-green',
  /** Argo Rollouts canary with SLO analysis, exactly like stateless services. */
  CANARY = 'canary',
  /** A plain Deployment rolling update (fast; dev and staging). */
  ROLLING = 'rolling',
}

/**
 * Which SLO alerts an environment emits (issue 22): the multi-window, multi-burn-rate alerts of the Google SRE workbook
 * ("Alerting on SLOs"), from each service's `slo`. The recording rules (SLI, burn rate, budget remaining) are emitted
 * whatever the choice.
 */
export enum SloAlerting {
  /** Page on fast burns (14.4 × over 1 h and 5 m, 6 × over 6 h and 30 m), ticket on slow ones (3 × over 1 d and 2 h, 1 × over 3 d and 6 h). The prod default. */
  PAGE_AND_TICKET = 'page-and-ticket',
  /** Tickets only (3 × over 1 d and 2 h, 1 × over 3 d and 6 h): nobody is woken for a pre-production burn. The staging default. */
  TICKET = 'ticket',
  /** No alerts, the recording rules only. The dev default. */
  NONE = 'none',
}

/** Everything an environment decides, apart from its name. */
export interface EnvironmentOptions {
  /** Namespace the environment's workloads live in. @default `<platform>-<environment name>` */
  readonly namespace?: string;
  /**
   * Factor applied to every workload's replica count and autoscaling bounds (rounded up, at least 1).
   * @default 1
   */
  readonly replicaScale?: number;
  /** Factor applied to every container's requests and limits (rounded up). @default 1 */
  readonly resourceScale?: number;
  /** Whether tag-only images are accepted. @default ImagePolicy.REQUIRE_DIGEST */
  readonly imagePolicy?: ImagePolicy;
  /** How stateless services ship. @default ServiceDelivery.ROLLING */
  readonly statelessDelivery?: ServiceDelivery;
  /** How web frontends ship. @default FrontendDelivery.ROLLING */
  readonly frontendDelivery?: FrontendDelivery;
  /**
   * Which SLO burn-rate alerts the services' PrometheusRules hold.
   * @default SloAlerting.NONE (Environment.prod(): PAGE_AND_TICKET; Environment.staging(): TICKET)
   */
  readonly sloAlerting?: SloAlerting;
}

/** An environment: a name plus {@link EnvironmentOptions}. */
export interface EnvironmentProps extends EnvironmentOptions {
  /** Environment name; also the folder under dist/<platform>/. Lower-case DNS label. */
  readonly name: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A deployment environment (dev, staging, prod, or your own).
 *
 * The seed's rule: dev and staging roll fast, prod canaries. The factories encode it; every field can be
 * overridden, with types, through {@link EnvironmentOptions}.
 */
export class Environment {
  /** Dev: quarter replicas (at least 1), half resources, tags allowed, rolling updates, no SLO alerts. */
  public static dev(options: EnvironmentOptions = {}): Environment {
    return checkFactory(new Environment({ replicaScale: 0.25, resourceScale: 0.5, imagePolicy: ImagePolicy.ALLOW_TAG, statelessDelivery: ServiceDelivery.ROLLING, frontendDelivery: FrontendDelivery.ROLLING, sloAlerting: SloAlerting.NONE, ...options, name: 'dev' }), 'Environment.dev', [options]);
  }

  /** Staging: half replicas, full resources, digests required, rolling updates, SLO tickets. */
  public static staging(options: EnvironmentOptions = {}): Environment {
    return checkFactory(new Environment({ replicaScale: 0.5, resourceScale: 1, imagePolicy: ImagePolicy.REQUIRE_DIGEST, statelessDelivery: ServiceDelivery.ROLLING, frontendDelivery: FrontendDelivery.ROLLING, sloAlerting: SloAlerting.TICKET, ...options, name: 'staging' }), 'Environment.staging', [options]);
  }

  /** Prod: full replicas and resources, digests required, canary with analysis; web frontends blue-green with a smoke test; SLO pages and tickets. */
  public static prod(options: EnvironmentOptions = {}): Environment {
    return checkFactory(new Environment({ replicaScale: 1, resourceScale: 1, imagePolicy: ImagePolicy.REQUIRE_DIGEST, statelessDelivery: ServiceDelivery.CANARY, frontendDelivery: FrontendDelivery.BLUE_GREEN, sloAlerting: SloAlerting.PAGE_AND_TICKET, ...options, name: 'prod' }), 'Environment.prod', [options]);
  }

  /** Environment name. */
  public readonly name: string;
  /** Explicit namespace, if any (the platform derives the default). */
  public readonly namespaceOverride?: string;
  /** Replica scale factor. */
  public readonly replicaScale: number;
  /** Resource scale factor. */
  public readonly resourceScale: number;
  /** Image policy. */
  public readonly imagePolicy: ImagePolicy;
  /** Delivery of stateless services. */
  public readonly statelessDelivery: ServiceDelivery;
  /** Delivery of web frontends. */
  public readonly frontendDelivery: FrontendDelivery;
  /** The SLO alerts emitted. */
  public readonly sloAlerting: SloAlerting;

  constructor(props: EnvironmentProps) {
    this.name = props.name;
    this.namespaceOverride = props.namespace;
    this.replicaScale = props.replicaScale ?? 1;
    this.resourceScale = props.resourceScale ?? 1;
    this.imagePolicy = props.imagePolicy ?? ImagePolicy.REQUIRE_DIGEST;
    this.statelessDelivery = props.statelessDelivery ?? ServiceDelivery.ROLLING;
    this.frontendDelivery = props.frontendDelivery ?? FrontendDelivery.ROLLING;
    this.sloAlerting = props.sloAlerting ?? SloAlerting.NONE;
  }

  /** Scales a replica count by this environment's factor (rounded up, at least 1). */
  public scaleReplicas(replicas: number): number {
    return Math.max(1, Math.ceil(replicas * this.replicaScale));
  }

  /** Problems with this environment's own settings (reported by the platform that uses it). */
  public problems(): { field: string; value: unknown; message: string; fix: string }[] {
    const out: { field: string; value: unknown; message: string; fix: string }[] = [];
    if (!DNS_LABEL.test(this.name) || this.name.length > 63) {
      out.push({ field: 'name', value: this.name, message: 'is not a lower-case DNS label', fix: 'use lower-case letters, digits and dashes, e.g. "prod"' });
    }
    if (this.namespaceOverride !== undefined && (!DNS_LABEL.test(this.namespaceOverride) || this.namespaceOverride.length > 63)) {
      out.push({ field: 'namespace', value: this.namespaceOverride, message: 'is not a valid namespace name', fix: 'use a lower-case DNS label of at most 63 characters' });
    }
    for (const key of ['replicaScale', 'resourceScale'] as const) {
      if (!(Number.isFinite(this[key]) && this[key] > 0)) {
        out.push({ field: key, value: this[key], message: 'must be a number above 0', fix: `set ${key} to e.g. 0.5 or 1` });
      }
    }
    return out;
  }
}
