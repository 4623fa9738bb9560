import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkImage } from '../../core/image.js';
import { checkResources, renderResources, ResourceRequirements, resolveResources } from '../../core/resources.js';
import { DataService, DataServiceProps } from '../data-service.js';
import { checkStorageSize } from '../storage-size.js';
import { ObjectStoreBackup, PostgresBackup } from './postgres-backup.js';
import type { ClusterSpec } from '../../../imports/cnpgcluster-postgresql.cnpg.io.js';
import type { ScheduledBackupSpec } from '../../../imports/scheduledbackup-postgresql.cnpg.io.js';
import type { Wire } from '../../core/wire.js';

/** How the primary is updated once every replica runs the new version. */
export enum PrimaryUpdateStrategy {
  /** The operator updates the primary itself: no human in the loop (GitOps default). */
  UNSUPERVISED = 'unsupervised',
  /** The operator waits for `kubectl cnpg promote` or a manual restart of the primary. */
  SUPERVISED = 'supervised',
}

/** How the primary itself is updated. */
export enum PrimaryUpdateMethod {
  /**
   * Promote an already-updated replica, then update the old primary as a replica: seconds of write
   * unavailability instead of a restart. CloudNativePG rejects an update that changes both the image and
   * PostgreSQL parameters in one go with this method: ship them in two commits.
   */
  SWITCHOVER = 'switchover',
  /** Restart the primary in place (CloudNativePG's own default): longer write downtime. */
  RESTART = 'restart',
}

/** What may differ per environment for a {@link PostgresCluster}. */
export interface PostgresClusterOverrides {
  /** PostgreSQL operand image in this environment. @default the cluster's `image` */
  readonly image?: string;
  /**
   * Instances in this environment, as is: the environment's replica scale applies to the cluster's `instances`,
   * never to this override.
   * @default the cluster's `instances`, scaled by the environment's replica scale
   */
  readonly instances?: number;
  /** Data volume size. @default the cluster's `storageSize` */
  readonly storageSize?: string;
  /** Requests and limits before the environment's resource scale. @default the cluster's `resources` */
  readonly resources?: ResourceRequirements;
  /** Backups in this environment (typically another bucket, or none in dev). @default the cluster's `backup` */
  readonly backup?: PostgresBackup;
}

/** Props of a {@link PostgresCluster}. There is no strategy: the operator rolls the cluster with switchover. */
export interface PostgresClusterProps extends DataServiceProps {
  /**
   * PostgreSQL operand image, e.g. `ghcr.io/cloudnative-pg/postgresql:18.1-system-trixie@sha256:…`. Required,
   * because the operator's default image changes with operator upgrades and would roll every cluster.
   * Staging and prod require a digest; dev accepts a tag.
   */
  readonly image: string;
  /** Size of each instance's data volume, e.g. `20Gi`. Not scaled per environment. */
  readonly storageSize: string;
  /** StorageClass of the data volumes. @default the cluster's default StorageClass */
  readonly storageClass?: string;
  /** Size of a separate WAL volume per instance, so WAL bursts cannot fill the data volume. @default none: WAL on the data volume */
  readonly walStorageSize?: string;
  /** StorageClass of the WAL volumes. @default `storageClass` */
  readonly walStorageClass?: string;
  /**
   * Instances (one primary, the rest streaming replicas) before the environment's replica scale, rounded up,
   * at least 1: 3 gives prod 3, staging 2, dev 1.
   * @default 3
   */
  readonly instances?: number;
  /**
   * Accept fewer than 3 instances in a production-like environment. With 2, a failover leaves no standby
   * while the old primary is rebuilt; with 1 there is no failover at all.
   * @default false: a production-like environment needs 3 or more
   */
  readonly allowFewerThanThreeInstances?: boolean;
  /** Who updates the primary. @default PrimaryUpdateStrategy.UNSUPERVISED */
  readonly primaryUpdateStrategy?: PrimaryUpdateStrategy;
  /** How the primary is updated. @default PrimaryUpdateMethod.SWITCHOVER */
  readonly primaryUpdateMethod?: PrimaryUpdateMethod;
  /** Requests and limits of each instance before the environment's resource scale. @default 500m CPU and 1024 MiB requested, memory limit equal to the request */
  readonly resources?: ResourceRequirements;
  /** Application database created by `initdb`. @default 'app' */
  readonly database?: string;
  /** Owner role of the application database. @default the database name */
  readonly owner?: string;
  /**
   * Existing `kubernetes.io/basic-auth` Secret with the owner's initial credentials.
   * @default none: CloudNativePG generates the Secret `<name>-app` (username, password, host, port, dbname, uri)
   */
  readonly ownerSecretName?: string;
  /** PostgreSQL parameters (`postgresql.conf`), e.g. `{ max_connections: '200' }`. @default the operator's defaults */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Page checksums (`initdb -k`), which detect storage corruption. Fixed at creation. @default true */
  readonly dataChecksums?: boolean;
  /**
   * Let the operator create a Prometheus Operator PodMonitor (`monitoring.enablePodMonitor`). Deprecated
   * upstream, which recommends creating the PodMonitor yourself (selector `cnpg.io/cluster: <name>`, port
   * `metrics`, 9187). Metrics are exported either way.
   * @default false
   */
  readonly enablePodMonitor?: boolean;
  /**
   * WAL archiving and scheduled base backups (point-in-time recovery), or `PostgresBackup.none(reason)`.
   * @default none, which fails the synth in a production-like environment
   */
  readonly backup?: PostgresBackup;
  /** Per-environment overrides, keyed by environment name. @default none */
  readonly environments?: { readonly [environment: string]: PostgresClusterOverrides };
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_DATABASES = ['postgres', 'template0', 'template1'];

/**
 * A PostgreSQL cluster run by CloudNativePG: a `Cluster` (one primary, streaming replicas, automated
 * failover) and, with backups, a `ScheduledBackup`, both in wave 0.
 *
 * Updates are CloudNativePG's rolling update: replicas first, then the primary by switchover, unsupervised
 * — never a canary. Applications connect to the Services `<name>-rw` (primary) or `<name>-ro` (replicas)
 * with the credentials of the Secret `<name>-app` that the operator creates.
 */
export class PostgresCluster extends DataService {
  /** Instances in this environment, after the replica scale. */
  public readonly instances: number;
  /** The Secret holding the application owner's credentials. */
  public readonly appSecretName: string;
  /** The Service that always points at the primary. */
  public readonly readWriteServiceName: string;
  /** The Service that points at the replicas. */
  public readonly readOnlyServiceName: string;
  /** The backup configuration in this environment, if any. */
  public readonly backup?: PostgresBackup;
  /** The PostgreSQL operand image in this environment (pinned): a Migration's default runner runs its `psql`. */
  public readonly image: string;

  constructor(scope: Construct, id: string, props: PostgresClusterProps) {
    super(scope, id, props, 'postgres-cluster');
    this.appSecretName = props.ownerSecretName ?? `${this.name}-app`;
    this.readWriteServiceName = `${this.name}-rw`;
    this.readOnlyServiceName = `${this.name}-ro`;
    if (!this.propsUsable) {
      this.instances = 0;
      this.image = typeof props.image === 'string' ? props.image : '';
      return;
    }
    const overrides = this.overridesFor(props.environments) ?? {};
    const image = overrides.image ?? props.image;
    this.image = image;
    const imageProblem = checkImage(image, this.environment.imagePolicy, this.environment.name);
    if (imageProblem) this.problem({ field: this.fieldOf('image', overrides.image !== undefined), value: image, rule: 'props/image', ...imageProblem });

    this.instances = this.resolveInstances(overrides, props);
    const storageSize = overrides.storageSize ?? props.storageSize;
    for (const p of checkStorageSize(storageSize, this.fieldOf('storageSize', overrides.storageSize !== undefined))) this.problem(p);
    if (props.walStorageSize !== undefined) for (const p of checkStorageSize(props.walStorageSize, 'walStorageSize')) this.problem(p);

    const requirements = { cpuRequestMillis: 500, memoryRequestMebibytes: 1024, ...(overrides.resources ?? props.resources) };
    for (const p of checkResources(requirements)) this.problem({ ...p, field: this.fieldOf(p.field, overrides.resources !== undefined) });
    const resources = resolveResources(requirements, this.environment.resourceScale);

    const database = props.database ?? 'app';
    const owner = props.owner ?? database;
    this.checkIdentifiers(database, owner);

    this.backup = overrides.backup ?? props.backup;
    const backupField = this.fieldOf('backup', overrides.backup !== undefined);
    if (this.backup instanceof ObjectStoreBackup) for (const p of this.backup.problems(backupField)) this.problem(p);
    if (this.backup === undefined && this.isProductionLike) {
      this.problem({
        field: 'backup',
        value: undefined,
        rule: 'data/backup-required',
        message: `is required in production-like environment "${this.environment.name}": without WAL archiving there is no point-in-time recovery, the safety net of the data layer`,
        fix: 'set `backup: PostgresBackup.objectStore({ destinationPath, credentials })`, or `PostgresBackup.none("why")` to run without',
      });
    }

    const spec = {
      instances: this.instances,
      imageName: image,
      primaryUpdateStrategy: props.primaryUpdateStrategy ?? PrimaryUpdateStrategy.UNSUPERVISED,
      primaryUpdateMethod: props.primaryUpdateMethod ?? PrimaryUpdateMethod.SWITCHOVER,
      storage: volume(storageSize, props.storageClass),
      resources: renderResources(resources),
      bootstrap: { initdb: { database, owner, dataChecksums: props.dataChecksums ?? true, ...(props.ownerSecretName ? { secret: { name: props.ownerSecretName } } : {}) } },
      // The operator's PDB keeps the primary up; on a single instance it would block every node drain.
      enablePDB: this.instances > 1,
      ...(props.walStorageSize !== undefined ? { walStorage: volume(props.walStorageSize, props.walStorageClass ?? props.storageClass) } : {}),
      ...(props.parameters && Object.keys(props.parameters).length > 0 ? { postgresql: { parameters: { ...props.parameters } } } : {}),
      ...(props.enablePodMonitor ? { monitoring: { enablePodMonitor: true } } : {}),
      ...(this.backup instanceof ObjectStoreBackup ? { backup: this.renderBackup(this.backup) } : {}),
      // `cdk8s import` camel-cases `enablePDB` to `enablePdb`: the wire name is added here.
    } satisfies Wire<ClusterSpec> & { readonly enablePDB?: boolean };

    new ApiObject(this, 'cluster', { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: this.metadata(this.name, true), spec });
    // CloudNativePG labels every pod of the cluster (instances, initdb and join Jobs) `cnpg.io/cluster: <name>`; the
    // operator reaches the instance manager on 8000 and PostgreSQL on 5432, the instance manager the API server.
    this.registerNetwork({
      podLabels: { 'cnpg.io/cluster': this.name },
      clientPorts: [5432],
      metricsPorts: [9187],
      serviceNames: [this.readWriteServiceName, this.readOnlyServiceName, `${this.name}-r`],
      credentials: [this.appSecretName],
      controllers: [{ controller: 'cloudNativePg', ports: [8000, 5432] }],
      needsKubernetesApi: true,
      needsObjectStore: this.backup instanceof ObjectStoreBackup,
    });
    if (this.backup instanceof ObjectStoreBackup) {
      const b = this.backup.props;
      new ApiObject(this, 'scheduled-backup', {
        apiVersion: 'postgresql.cnpg.io/v1',
        kind: 'ScheduledBackup',
        metadata: this.metadata(this.name, false),
        spec: { schedule: b.schedule, cluster: { name: this.name }, method: 'barmanObjectStore', immediate: b.immediate, backupOwnerReference: b.backupOwnerReference } satisfies Wire<ScheduledBackupSpec>,
      });
    }
  }

  private resolveInstances(overrides: PostgresClusterOverrides, props: PostgresClusterProps): number {
    const requested = overrides.instances ?? props.instances ?? 3;
    const field = this.fieldOf('instances', overrides.instances !== undefined);
    if (!(Number.isInteger(requested) && requested >= 1)) {
      this.problem({ field, value: requested, message: 'must be a whole number of at least 1', fix: 'set instances to 3 (one primary, two replicas)' });
      return 1;
    }
    // The environment's own override is final; the cluster-wide count follows the environment's replica scale.
    const instances = overrides.instances !== undefined ? requested : this.environment.scaleReplicas(requested);
    if (this.isProductionLike && instances < 3 && !props.allowFewerThanThreeInstances) {
      this.problem({
        field,
        value: requested,
        rule: 'data/high-availability',
        message: `gives ${instances} instance${instances === 1 ? '' : 's'} in production-like environment "${this.environment.name}": a failover then leaves no standby (or, with 1, there is no failover at all)`,
        fix: 'use 3 or more instances, or set `allowFewerThanThreeInstances: true` to accept the risk',
      });
    }
    return instances;
  }

  private checkIdentifiers(database: string, owner: string): void {
    if (!IDENTIFIER.test(database) || RESERVED_DATABASES.includes(database)) {
      this.problem({ field: 'database', value: database, message: `is not a usable database name (lower-case identifier, not ${RESERVED_DATABASES.join('/')})`, fix: 'use e.g. "orders"' });
    }
    if (!IDENTIFIER.test(owner) || owner === 'postgres') {
      this.problem({ field: 'owner', value: owner, message: 'is not a usable owner role (lower-case identifier, not the superuser "postgres")', fix: 'use e.g. "orders"' });
    }
  }

  private renderBackup(backup: ObjectStoreBackup): Record<string, unknown> {
    const b = backup.props;
    const store: Record<string, unknown> = {
      destinationPath: b.destinationPath,
      serverName: b.serverName ?? `${this.namespace}-${this.name}`,
      ...b.credentials.render(),
      wal: { compression: b.compression },
      data: { compression: b.compression },
    };
    if (b.endpointURL !== undefined) store.endpointURL = b.endpointURL;
    return { barmanObjectStore: store, retentionPolicy: b.retentionPolicy };
  }
}

function volume(size: string, storageClass: string | undefined): Record<string, unknown> {
  return storageClass === undefined ? { size } : { size, storageClass };
}
