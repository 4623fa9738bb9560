import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import type { ExternalSecretSpec } from '../../imports/externalsecret-external-secrets.io.js';
import { exactSeconds, goDuration, isWholeSeconds } from '../core/duration.js';
import { commonLabels } from '../core/labels.js';
import { reportProblem } from '../core/problems.js';
import { checkProps } from '../core/props/check-props.js';
import { syncAnnotations, SyncWave } from '../core/sync-wave.js';
import type { Wire } from '../core/wire.js';
import { DeliveryStage, setOutputFolder } from '../platform/output-folder.js';
import { EnvironmentChart, PLATFORM_FOLDER } from '../platform/platform.js';
import { SecretKey } from './secret-reference.js';

/** The kinds of store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A `SecretStore` of the environment's namespace. */
  NAMESPACED = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER = 'ClusterSecretStore',
}

/** Where a value lives in the store. */
export interface RemoteSecretKey {
  /** The key (path) of the secret in the store, e.g. `bitvault/prod/redis`. */
  readonly key: string;
  /** The property of a structured (JSON) secret. @default the whole value */
  readonly property?: string;
  /** The version of the secret. @default the store's current version */
  readonly version?: string;
}

/** Props of {@link ExternalSecret}. */
export interface ExternalSecretProps {
  /** Name of the ExternalSecret and of the Secret it creates. @default the construct id */
  readonly name?: string;
  /** Name of the store (a SecretStore or ClusterSecretStore the cluster already has). */
  readonly storeName: string;
  /** Kind of the store. @default SecretStoreKind.CLUSTER */
  readonly storeKind?: SecretStoreKind;
  /** The Secret's keys, each read from a key (and property) of the store. At least one. */
  readonly data: Readonly<Record<string, RemoteSecretKey>>;
  /** How often the operator reads the store again. @default one hour */
  readonly refreshInterval?: Duration;
}

/**
 * A Secret created from a secret store by the External Secrets Operator (external-secrets v2.9.0, API
 * `external-secrets.io/v1`): the values never reach Git or dist/, only where they live. The ExternalSecret goes
 * to the environment's `platform` folder at wave {@link SyncWave.SECRET} (−5): after the operators (−10), before the
 * data services (0), the migration hook and the workloads that read the Secret, so every consumer finds it.
 *
 * The operator owns the Secret (`creationPolicy: Owner`) and keeps it when the store no longer has the value
 * (`deletionPolicy: Retain`), so a store outage never deletes a running service's credentials. Consumers take its
 * keys with {@link ExternalSecret.key}: `secretEnv: { PASSWORD: redisAuth.key('password') }`.
 *
 * The External Secrets Operator and the store are the cluster's: install ESO (chart `external-secrets`) and its
 * CRDs before the first sync.
 */
export class ExternalSecret extends Construct {
  /** Name of the ExternalSecret and of the Secret. */
  public readonly secretName: string;
  /** The Secret's keys. */
  public readonly keys: readonly string[];

  constructor(scope: Construct, id: string, props: ExternalSecretProps) {
    super(scope, id);
    setOutputFolder(this, PLATFORM_FOLDER, DeliveryStage.PLATFORM);
    const usable = checkProps(this, props);
    this.secretName = typeof props?.name === 'string' ? props.name : id;
    this.keys = usable ? Object.keys(props.data).sort() : [];
    if (!usable) return;
    const chart = EnvironmentChart.of(this);
    const problem = (p: Parameters<typeof reportProblem>[1]) => reportProblem(this, p);
    if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(this.secretName) || this.secretName.length > 253) {
      problem({ field: 'name', value: this.secretName, message: 'is not a valid Secret name', fix: 'use lower-case letters, digits, "-" and "."' });
    }
    if (this.keys.length === 0) problem({ field: 'data', value: {}, message: 'has no key: the Secret would be empty', fix: "map at least one key, e.g. `data: { password: { key: 'bitvault/prod/redis', property: 'password' } }`" });
    for (const key of this.keys) {
      if (!/^[-._a-zA-Z0-9]+$/.test(key)) problem({ field: `data.${key}`, value: key, message: 'is not a valid Secret key', fix: 'use letters, digits, "-", "_" and "."' });
      if (props.data[key].key.trim() === '') problem({ field: `data.${key}.key`, value: props.data[key].key, message: 'is empty', fix: 'name the secret in the store, e.g. "bitvault/prod/redis"' });
    }
    let refresh = props.refreshInterval ?? Duration.hours(1);
    if (!isWholeSeconds(refresh, 1)) {
      problem({ field: 'refreshInterval', value: exactSeconds(refresh), message: 'must be a whole number of seconds, at least 1', fix: 'use e.g. Duration.hours(1)' });
      refresh = Duration.hours(1);
    }

    const spec = {
      refreshInterval: goDuration(refresh),
      secretStoreRef: { name: props.storeName, kind: props.storeKind ?? SecretStoreKind.CLUSTER },
      target: { name: this.secretName, creationPolicy: 'Owner', deletionPolicy: 'Retain' },
      data: this.keys.map((secretKey) => {
        const remote = props.data[secretKey];
        return {
          secretKey,
          remoteRef: { key: remote.key, ...(remote.property !== undefined ? { property: remote.property } : {}), ...(remote.version !== undefined ? { version: remote.version } : {}) },
        };
      }),
    } satisfies Wire<ExternalSecretSpec>;
    new ApiObject(this, 'external-secret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: {
        name: this.secretName,
        namespace: chart.targetNamespace,
        labels: commonLabels(chart.platform.name, this.secretName, 'secret'),
        annotations: syncAnnotations(SyncWave.SECRET, { customResource: true }),
      },
      spec,
    });
  }

  /**
   * A key of the Secret this ExternalSecret creates, for `secretEnv` or a data service's password. A key the
   * ExternalSecret does not map is reported when the synth runs.
   */
  public key(key: string): SecretKey {
    if (!this.keys.includes(key) && this.keys.length > 0) {
      reportProblem(this, { field: 'data', value: key, message: `has no key "${key}", which a consumer reads`, fix: `map "${key}" in data, or read one of ${this.keys.map((k) => `"${k}"`).join(', ')}` });
    }
    return SecretKey.of(this.secretName, key);
  }
}
