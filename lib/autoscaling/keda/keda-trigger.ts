import type { ScaledObjectSpecTriggers } from '../../../imports/scaledobject-keda.sh.js';
import type { Problem } from '../../core/problems.js';
import type { Wire } from '../../core/wire.js';
import { KEDA_RULES } from '../../validation/keda-rules.js';
import { KedaCredentials } from './keda-credentials.js';
import { checkFactory } from '../../core/props/check-props.js';

/** Parameters the `nats-jetstream` scaler reads from a TriggerAuthentication (KEDA v2.20 scaler docs). */
export const NATS_AUTH_PARAMETERS = ['account', 'natsServerMonitoringEndpoint'] as const;

/** What the `nats-jetstream` scaler needs to find a consumer's backlog. */
export interface NatsJetStreamScalerProps {
  /**
   * The NATS monitoring endpoint as `host:port`, without a scheme (KEDA builds `http(s)://<endpoint>/jsz`).
   * Use the headless Service (`nats-headless.nats.svc.cluster.local:8222`): in a cluster KEDA must reach
   * the consumer leader by pod name, because only the leader reports an accurate pending count
   * (kedacore/keda#3860).
   * @default none: required unless `credentials` supplies `natsServerMonitoringEndpoint`
   */
  readonly monitoringEndpoint?: string;
  /**
   * The NATS account. Always written: the docs call `$G` the default, but newer scalers reject a trigger
   * without an account.
   * @default '$G' (the global account of a server without configured accounts), unless `credentials` supplies `account`
   */
  readonly account?: string;
  /** The JetStream stream. */
  readonly stream: string;
  /** The durable consumer the workers pull from; its pending plus unacknowledged messages are the backlog. */
  readonly consumer: string;
  /** Backlog per replica the HPA aims for (an AverageValue target): replicas ≈ backlog / lagThreshold. */
  readonly lagThreshold: number;
  /** Backlog above which the workload wakes from zero (or idle). @default 0: any message wakes it */
  readonly activationLagThreshold?: number;
  /** Whether the monitoring endpoint speaks HTTPS. @default false */
  readonly useHttps?: boolean;
  /** A TriggerAuthentication supplying `natsServerMonitoringEndpoint` and/or `account` from a Secret. @default none */
  readonly credentials?: KedaCredentials;
}

/** Props of {@link KedaTrigger.natsJetStream}. */
export interface NatsJetStreamTriggerProps extends NatsJetStreamScalerProps {
  /** Trigger name (unique within the ScaledObject; also names its TriggerAuthentication). @default 'nats-jetstream' */
  readonly name?: string;
}

/** Props of {@link KedaTrigger.cpu} and {@link KedaTrigger.memory}. */
export interface ResourceTriggerProps {
  /** Target average utilization, as a percentage of the container request. */
  readonly utilizationPercent: number;
  /** Only this container's usage counts. @default all containers of the pod */
  readonly containerName?: string;
  /** Trigger name. @default the trigger type ('cpu' or 'memory') */
  readonly name?: string;
}

/** Props of {@link KedaTrigger.custom}. */
export interface CustomTriggerProps {
  /** The scaler type, as in the KEDA docs (e.g. 'prometheus'). */
  readonly type: string;
  /** The scaler's metadata; every value is a string, as the CRD requires. */
  readonly metadata: Readonly<Record<string, string>>;
  /** How the HPA compares the metric. @default 'AverageValue' (KEDA's default; the only type fallback works with) */
  readonly metricType?: 'AverageValue' | 'Value';
  /** A TriggerAuthentication for the scaler's secret parameters. @default none */
  readonly credentials?: KedaCredentials;
  /** Trigger name. @default the type */
  readonly name?: string;
}

const TRIGGER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HOST_PORT = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?$/;
// NATS stream and consumer names: no whitespace, wildcards, subject separators or path separators.
const NATS_NAME = /^[^\s.*>/\\]+$/;

/**
 * One KEDA trigger (a scaler plus its metadata). A ScaledObject needs at least one; with several, the
 * HPA follows whichever asks for the most replicas.
 */
export class KedaTrigger {
  /** Scales on the backlog of a NATS JetStream consumer (`nats-jetstream` scaler). */
  public static natsJetStream(props: NatsJetStreamTriggerProps): KedaTrigger {
    const fromSecret = new Set(props.credentials?.parameterNames ?? []);
    const metadata: Record<string, string> = {
      stream: props.stream,
      consumer: props.consumer,
      lagThreshold: String(props.lagThreshold),
      activationLagThreshold: String(props.activationLagThreshold ?? 0),
      useHttps: String(props.useHttps ?? false),
    };
    if (!fromSecret.has('natsServerMonitoringEndpoint') && props.monitoringEndpoint !== undefined) metadata.natsServerMonitoringEndpoint = props.monitoringEndpoint;
    if (!fromSecret.has('account')) metadata.account = props.account ?? '$G';
    return checkFactory(new KedaTrigger('nats-jetstream', props.name ?? 'nats-jetstream', metadata, undefined, props.credentials, (field) => checkNats(props, field)), 'KedaTrigger.natsJetStream', [props]);
  }

  /** Scales on average CPU utilization. Cannot wake a workload from zero: CPU is only measured on running pods. */
  public static cpu(props: ResourceTriggerProps): KedaTrigger {
    return checkFactory(KedaTrigger.resource('cpu', props), 'KedaTrigger.cpu', [props]);
  }

  /** Scales on average memory utilization. Cannot wake a workload from zero. */
  public static memory(props: ResourceTriggerProps): KedaTrigger {
    return checkFactory(KedaTrigger.resource('memory', props), 'KedaTrigger.memory', [props]);
  }

  /** Any other KEDA scaler, with its metadata as documented upstream. */
  public static custom(props: CustomTriggerProps): KedaTrigger {
    const trigger = new KedaTrigger(props.type, props.name ?? props.type, { ...props.metadata }, props.metricType, props.credentials, (field) => {
      const out: Problem[] = [];
      if (!TRIGGER_NAME.test(props.type)) out.push({ field: `${field}.type`, value: props.type, message: 'is not a KEDA scaler type', fix: 'use the type from the KEDA scaler docs, e.g. "prometheus"' });
      for (const p of props.credentials?.problems(`${field}.credentials`, props.credentials.parameterNames) ?? []) out.push(p);
      return out;
    });
    return checkFactory(trigger, 'KedaTrigger.custom', [props]);
  }

  private static resource(type: 'cpu' | 'memory', props: ResourceTriggerProps): KedaTrigger {
    const metadata: Record<string, string> = { value: String(props.utilizationPercent) };
    if (props.containerName !== undefined) metadata.containerName = props.containerName;
    return new KedaTrigger(type, props.name ?? type, metadata, 'Utilization', undefined, (field) => {
      const v = props.utilizationPercent;
      return Number.isInteger(v) && v >= 1 && v <= 100 ? [] : [{ field: `${field}.utilizationPercent`, value: v, message: 'must be a whole percentage from 1 to 100', fix: 'use e.g. 70' }];
    });
  }

  private constructor(
    /** The scaler type. */
    public readonly type: string,
    /** The trigger name. */
    public readonly name: string,
    private readonly metadata: Readonly<Record<string, string>>,
    /** The HPA metric type, when not KEDA's default (AverageValue). */
    public readonly metricType: 'AverageValue' | 'Value' | 'Utilization' | undefined,
    /** Credentials, emitted as a TriggerAuthentication. */
    public readonly credentials: KedaCredentials | undefined,
    private readonly check: (field: string) => Problem[],
  ) {}

  /** True for the cpu and memory scalers, which feed the HPA resource metrics and are never "active". */
  public get isResource(): boolean {
    return this.type === 'cpu' || this.type === 'memory';
  }

  /** Problems with the trigger's props (fields relative to `field`). */
  public problems(field: string): Problem[] {
    const out = this.check(field);
    if (!TRIGGER_NAME.test(this.name) || this.name.length > 40) {
      out.push({ field: `${field}.name`, value: this.name, message: 'is not a lower-case DNS label of at most 40 characters (it also names the TriggerAuthentication)', fix: 'use lower-case letters, digits and dashes, e.g. "orders-backlog"' });
    }
    return out;
  }

  /** The `spec.triggers[]` entry; `authenticationName` names its TriggerAuthentication, when it has credentials. */
  public render(authenticationName?: string): Record<string, unknown> {
    // The declared type stays a plain record: the package's declarations never name imports/ types.
    return {
      type: this.type,
      name: this.name,
      metadata: { ...this.metadata },
      ...(this.metricType !== undefined ? { metricType: this.metricType } : {}),
      ...(authenticationName !== undefined ? { authenticationRef: { name: authenticationName, kind: 'TriggerAuthentication' as const } } : {}),
    } satisfies Wire<ScaledObjectSpecTriggers>;
  }
}

function checkNats(props: NatsJetStreamTriggerProps, field: string): Problem[] {
  const out: Problem[] = [];
  // The same checks the manifest rule runs, so a prop mistake is reported on the prop.
  const rule = KEDA_RULES.natsMetadata;
  const fromSecret = new Set(props.credentials?.parameterNames ?? []);
  const endpoint = props.monitoringEndpoint;
  if (fromSecret.has('natsServerMonitoringEndpoint')) {
    if (endpoint !== undefined) out.push({ field: `${field}.monitoringEndpoint`, value: endpoint, rule, message: 'is set and also read from credentials; KEDA takes the TriggerAuthentication value and ignores this one', fix: 'remove monitoringEndpoint, or drop natsServerMonitoringEndpoint from the credentials' });
  } else if (endpoint === undefined || endpoint === '') {
    out.push({ field: `${field}.monitoringEndpoint`, value: endpoint, rule, message: 'is required: the scaler reads the backlog from the NATS monitoring endpoint', fix: 'set monitoringEndpoint to the headless Service, e.g. "nats-headless.nats.svc.cluster.local:8222", or supply natsServerMonitoringEndpoint through credentials' });
  } else if (!HOST_PORT.test(endpoint)) {
    out.push({ field: `${field}.monitoringEndpoint`, value: endpoint, rule, message: 'must be host:port without a scheme or path: KEDA builds http(s)://<endpoint>/jsz itself', fix: 'drop "http://" and any path (set useHttps: true for HTTPS), e.g. "nats-headless.nats.svc.cluster.local:8222"' });
  }
  if (fromSecret.has('account') && props.account !== undefined) {
    out.push({ field: `${field}.account`, value: props.account, rule, message: 'is set and also read from credentials; KEDA takes the TriggerAuthentication value and ignores this one', fix: 'remove account, or drop it from the credentials' });
  } else if (props.account !== undefined && !NATS_NAME.test(props.account)) {
    out.push({ field: `${field}.account`, value: props.account, rule, message: 'is not a NATS account name', fix: 'use the account name, or leave it out for "$G"' });
  }
  for (const key of ['stream', 'consumer'] as const) {
    const v = props[key];
    if (typeof v !== 'string' || !NATS_NAME.test(v)) {
      out.push({ field: `${field}.${key}`, value: v, rule, message: `is required and must be a NATS ${key} name (no whitespace, ".", "*", ">" or slashes)`, fix: `set ${key} to the JetStream ${key} the workers ${key === 'stream' ? 'read' : 'pull with'}, e.g. "${key === 'stream' ? 'ORDERS' : 'orders-worker'}"` });
    }
  }
  if (!(Number.isInteger(props.lagThreshold) && props.lagThreshold >= 1)) {
    out.push({ field: `${field}.lagThreshold`, value: props.lagThreshold, rule, message: 'must be a whole number of messages of at least 1: it is the backlog each replica is sized for', fix: 'set lagThreshold to the backlog one replica clears in an acceptable time, e.g. 50' });
  }
  const activation = props.activationLagThreshold;
  if (activation !== undefined && !(Number.isInteger(activation) && activation >= 0)) {
    out.push({ field: `${field}.activationLagThreshold`, value: activation, rule, message: 'must be a whole number of messages of at least 0', fix: 'use 0 to wake on any message' });
  }
  out.push(...(props.credentials?.problems(`${field}.credentials`, NATS_AUTH_PARAMETERS) ?? []));
  return out;
}
